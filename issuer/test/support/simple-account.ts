import { type Address, encodeFunctionData, type Hex, type LocalAccount, type PublicClient, parseAbi } from "viem";
import { entryPoint07Abi, entryPoint07Address, getUserOperationHash, toSmartAccount } from "viem/account-abstraction";
import { readContract } from "viem/actions";

/**
 * eth-infinitism's SimpleAccount v0.7 as a viem smart account (viem ships Coinbase/Solady ones,
 * not this). The canonical factory at SimpleAccountFactoryV07 creates it through initCode.
 */
const factoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function getAddress(address owner, uint256 salt) view returns (address)",
]);
const accountAbi = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
]);

export async function toSimpleAccountV07(params: {
  client: PublicClient;
  owner: LocalAccount;
  factory: Address;
  salt?: bigint;
}) {
  const { client, owner, factory } = params;
  const salt = params.salt ?? 0n;
  const address = await readContract(client, {
    address: factory,
    abi: factoryAbi,
    functionName: "getAddress",
    args: [owner.address, salt],
  });
  return toSmartAccount({
    client,
    entryPoint: { abi: entryPoint07Abi, address: entryPoint07Address, version: "0.7" },
    async getAddress() {
      return address;
    },
    async getFactoryArgs() {
      return {
        factory,
        factoryData: encodeFunctionData({
          abi: factoryAbi,
          functionName: "createAccount",
          args: [owner.address, salt],
        }),
      };
    },
    async encodeCalls(calls) {
      const [call] = calls;
      if (call && calls.length === 1) {
        return encodeFunctionData({
          abi: accountAbi,
          functionName: "execute",
          args: [call.to, call.value ?? 0n, call.data ?? "0x"],
        });
      }
      return encodeFunctionData({
        abi: accountAbi,
        functionName: "executeBatch",
        args: [calls.map((c) => c.to), calls.map((c) => c.value ?? 0n), calls.map((c) => c.data ?? "0x")],
      });
    },
    async getStubSignature(): Promise<Hex> {
      // A well-formed 65-byte signature: SimpleAccount's ECDSA.recover must not revert during estimation.
      return `0x${"f".repeat(31)}0${"0".repeat(32)}7${"a".repeat(63)}1c`;
    },
    async signMessage({ message }) {
      return owner.signMessage({ message });
    },
    async signTypedData(typedData) {
      return owner.signTypedData(typedData as Parameters<LocalAccount["signTypedData"]>[0]);
    },
    async signUserOperation(userOperation) {
      const { chainId = client.chain?.id, ...op } = userOperation;
      if (chainId === undefined) throw new Error("chainId is required to sign a user operation");
      const userOpHash = getUserOperationHash({
        userOperation: { ...op, sender: address, signature: "0x" },
        entryPointAddress: entryPoint07Address,
        entryPointVersion: "0.7",
        chainId,
      });
      // SimpleAccount checks an eth_sign (EIP-191) signature of the userOpHash.
      return owner.signMessage({ message: { raw: userOpHash } });
    },
  });
}
