/**
 * Who signed a sign-in message, for every OneKey service that signs people in (the issuer's KYC
 * sessions, the tenant API's dashboard). EOAs recover locally; contract accounts answer through
 * ERC-1271, undeployed ones through ERC-6492 (viem's verifyMessage does all three). One more case,
 * narrowly: eth-infinitism SimpleAccount v0.7 (the account the app's browser wallet and the local
 * stack use) implements no ERC-1271, but its owner's EIP-191 signature is exactly what it accepts
 * for its own operations. So a SimpleAccount of an allowed factory signs in with its owner's
 * signature: deployed, when its code is the factory's ERC-1967 proxy of the factory's
 * implementation and `owner()` signed; undeployed, when the signature is ERC-6492-wrapped with the
 * factory's `createAccount(owner, salt)` whose counterfactual address is the account.
 */
import {
  type Address,
  decodeFunctionData,
  type Hex,
  isAddressEqual,
  type PublicClient,
  parseAbi,
  recoverMessageAddress,
  sliceHex,
} from "viem";
import { isErc6492Signature, parseErc6492Signature } from "viem/utils";
import { ERC1967_IMPLEMENTATION_SLOT, executableCode, OZ_ERC1967_PROXY_CODE } from "./account-code.js";

export type SignatureVerifier = (args: { address: Address; message: string; signature: Hex }) => Promise<boolean>;

const factoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function getAddress(address owner, uint256 salt) view returns (address)",
  "function accountImplementation() view returns (address)",
]);
const accountAbi = parseAbi(["function owner() view returns (address)"]);

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
    if (executableCode(code) !== OZ_ERC1967_PROXY_CODE) return false;
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
