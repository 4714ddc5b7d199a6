/**
 * Reading a smart account's code: the ERC-1967 implementation slot, code without Solidity's CBOR
 * metadata, and the proxy SimpleAccountFactory v0.7 deploys. The issuer's sponsorship checks and
 * both services' sign-in use these.
 */
import { type Hex, hexToNumber, size, slice } from "viem";

/** bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1) */
export const ERC1967_IMPLEMENTATION_SLOT: Hex = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** OpenZeppelin 5.0 ERC1967Proxy, deployed by SimpleAccountFactory v0.7 (CBOR metadata stripped). */
export const OZ_ERC1967_PROXY_CODE: Hex =
  "0x6080604052600a600c565b005b60186014601a565b605e565b565b600060597f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc5473ffffffffffffffffffffffffffffffffffffffff1690565b905090565b3660008037600080366000845af43d6000803e808015607c573d6000f35b3d6000fdfe";

/** Runtime code without Solidity's trailing CBOR metadata (its length is the last two bytes). */
export function executableCode(code: Hex): Hex {
  const length = size(code);
  if (length < 2) return code;
  const metadataLength = hexToNumber(slice(code, length - 2, length));
  const start = length - 2 - metadataLength;
  // Metadata is a CBOR map (0xa1..0xb7) right after an INVALID opcode; anything else has none.
  if (start <= 0 || !/^0xa[1-9a-f]|^0xb[0-7]/.test(slice(code, start, start + 1))) return code;
  return slice(code, 0, start);
}
