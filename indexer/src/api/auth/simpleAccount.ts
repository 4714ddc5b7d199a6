/**
 * Who signed a sign-in message, as the issuer judges it (issuer/src/auth/signature.ts): EOAs
 * recover locally, contract accounts answer through ERC-1271, undeployed ones through ERC-6492
 * (viem's verifyMessage does all three). One more case, narrowly: eth-infinitism SimpleAccount
 * v0.7 (the account the app's browser wallet and the local stack use) implements no ERC-1271, but
 * its owner's EIP-191 signature is exactly what it accepts for its own operations. So a
 * SimpleAccount of an allowed factory signs in with its owner's signature: deployed, when its code
 * is the factory's ERC-1967 proxy of the factory's implementation and `owner()` signed;
 * undeployed, when the signature is ERC-6492-wrapped with the factory's `createAccount(owner,
 * salt)` whose counterfactual address is the account.
 */
import {
  type Address,
  decodeFunctionData,
  type Hex,
  hexToNumber,
  isAddressEqual,
  type PublicClient,
  parseAbi,
  recoverMessageAddress,
  size,
  slice,
  sliceHex,
} from "viem";
import { isErc6492Signature, parseErc6492Signature } from "viem/utils";
import type { SignatureVerifier } from "./siwe.js";

const factoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function getAddress(address owner, uint256 salt) view returns (address)",
  "function accountImplementation() view returns (address)",
]);
const accountAbi = parseAbi(["function owner() view returns (address)"]);

const ERC1967_IMPLEMENTATION_SLOT: Hex = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
/** OpenZeppelin 5.0 ERC1967Proxy, as SimpleAccountFactory v0.7 deploys it (CBOR metadata stripped). */
const OZ_ERC1967_PROXY: Hex =
  "0x6080604052600a600c565b005b60186014601a565b605e565b565b600060597f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc5473ffffffffffffffffffffffffffffffffffffffff1690565b905090565b3660008037600080366000845af43d6000803e808015607c573d6000f35b3d6000fdfe";

/** eth-infinitism's SimpleAccountFactory v0.7 at its canonical address (Base, Base Sepolia). */
export const CANONICAL_SIMPLE_ACCOUNT_FACTORY_V07: Address = "0x91E60e0613810449d098b0b5Ec8b51A0FE8c8985";

/** Runtime code without Solidity's trailing CBOR metadata (its length is the last two bytes). */
function executableCode(code: Hex): Hex {
  const length = size(code);
  if (length < 2) return code;
  const metadataLength = hexToNumber(slice(code, length - 2, length));
  const start = length - 2 - metadataLength;
  if (start <= 0 || !/^0xa[1-9a-f]|^0xb[0-7]/.test(slice(code, start, start + 1))) return code;
  return slice(code, 0, start);
}

async function recovers(message: string, signature: Hex, expected: Address): Promise<boolean> {
  try {
    return isAddressEqual(await recoverMessageAddress({ message, signature }), expected);
  } catch {
    return false;
  }
}

/** The SimpleAccount v0.7 owner path (see above); false for anything else. */
export async function verifySimpleAccountOwner(
  client: PublicClient,
  factories: readonly Address[],
  args: { address: Address; message: string; signature: Hex },
): Promise<boolean> {
  if (factories.length === 0) return false;
  const code = await client.getCode({ address: args.address });
  if (code && code !== "0x") {
    if (executableCode(code) !== OZ_ERC1967_PROXY) return false;
    const slot = await client.getStorageAt({ address: args.address, slot: ERC1967_IMPLEMENTATION_SLOT });
    const implementation = sliceHex(slot ?? "0x", 12) as Address;
    const implementations = await Promise.all(
      factories.map((factory) =>
        client
          .readContract({ address: factory, abi: factoryAbi, functionName: "accountImplementation" })
          .catch(() => undefined),
      ),
    );
    if (!implementations.some((i) => i !== undefined && isAddressEqual(i, implementation))) return false;
    const owner = await client.readContract({ address: args.address, abi: accountAbi, functionName: "owner" });
    const inner = isErc6492Signature(args.signature) ? parseErc6492Signature(args.signature).signature : args.signature;
    return recovers(args.message, inner, owner);
  }
  if (!isErc6492Signature(args.signature)) return false;
  const wrapped = parseErc6492Signature(args.signature);
  const factory = wrapped.address;
  if (!factory || !wrapped.data || !factories.some((f) => isAddressEqual(f, factory))) return false;
  let owner: Address;
  let salt: bigint;
  try {
    const call = decodeFunctionData({ abi: factoryAbi, data: wrapped.data });
    if (call.functionName !== "createAccount") return false;
    [owner, salt] = call.args;
  } catch {
    return false;
  }
  const counterfactual = await client.readContract({
    address: factory,
    abi: factoryAbi,
    functionName: "getAddress",
    args: [owner, salt],
  });
  if (!isAddressEqual(counterfactual, args.address)) return false;
  return recovers(args.message, wrapped.signature, owner);
}

/** viem's verifyMessage (EOA, ERC-1271, ERC-6492), then the SimpleAccount owner path. */
export function createSignatureVerifier(client: PublicClient, factories: readonly Address[]): SignatureVerifier {
  return async (args) => {
    if (await client.verifyMessage(args).catch(() => false)) return true;
    return verifySimpleAccountOwner(client, factories, args).catch(() => false);
  };
}
