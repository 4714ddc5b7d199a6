/**
 * eth-infinitism's SimpleAccount v0.7 as a viem smart account (viem ships Coinbase and Solady
 * accounts, not this one): the account the dev stack's factory creates through initCode, and the
 * one the sponsorship service knows. Its owner (a key in this browser, or an injected EOA) signs
 * user operations; messages are the owner's EIP-191 signature, ERC-6492-wrapped with the factory
 * call while the account is not deployed (viem's toSmartAccount does the wrapping), which is how
 * the issuer's sign-in recognises a SimpleAccount.
 */
import { type Address, encodeFunctionData, type Hex, type LocalAccount, type PublicClient, parseAbi } from "viem";
import {
  entryPoint07Abi,
  entryPoint07Address,
  getUserOperationHash,
  type SmartAccount,
  toSmartAccount,
} from "viem/account-abstraction";
import { readContract } from "viem/actions";

const factoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function getAddress(address owner, uint256 salt) view returns (address)",
]);
const accountAbi = parseAbi([
  "function execute(address dest, uint256 value, bytes func)",
  "function executeBatch(address[] dest, uint256[] value, bytes[] func)",
]);

/** Whoever owns the account: a viem LocalAccount, or an injected wallet wrapped to this shape. */
export interface AccountOwner {
  address: Address;
  signMessage(args: { message: string | { raw: Hex | Uint8Array } }): Promise<Hex>;
  signTypedData?: LocalAccount["signTypedData"];
}

export async function toSimpleAccountV07(params: {
  client: PublicClient;
  owner: AccountOwner;
  factory: Address;
  salt?: bigint;
}): Promise<SmartAccount> {
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
      // Well-formed 65 bytes: SimpleAccount's ECDSA.recover must not revert during estimation.
      return `0x${"f".repeat(31)}0${"0".repeat(32)}7${"a".repeat(63)}1c`;
    },
    async signMessage({ message }) {
      return owner.signMessage({ message });
    },
    async signTypedData(typedData) {
      if (!owner.signTypedData) throw new Error("this account's owner cannot sign typed data");
      return owner.signTypedData(typedData as Parameters<LocalAccount["signTypedData"]>[0]);
    },
    async signUserOperation(userOperation) {
      const { chainId = client.chain?.id, ...op } = userOperation;
      if (chainId === undefined) throw new Error("the chain id is needed to sign a user operation");
      const userOpHash = getUserOperationHash({
        userOperation: { ...op, sender: address, signature: "0x" },
        entryPointAddress: entryPoint07Address,
        entryPointVersion: "0.7",
        chainId,
      });
      // SimpleAccount checks an EIP-191 signature of the userOpHash by its owner.
      return owner.signMessage({ message: { raw: userOpHash } });
    },
  });
}
