import type { Address } from "viem";

/**
 * Canonical ERC-4337 addresses: the same on Base, Base Sepolia and every chain that has the
 * deterministic deployer (a local chain gets them from ignition/modules/local/EntryPoint.ts).
 * Bundlers (Alto), viem and Privy's smart wallets expect these.
 */
export const ENTRY_POINT_V07: Address = "0x0000000071727De22E5E9d8BAf0edAc6f37da032";
export const ENTRY_POINT_V08: Address = "0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108";
/** eth-infinitism's SimpleAccountFactory for v0.7 (viem / permissionless default for SimpleAccount). */
export const SIMPLE_ACCOUNT_FACTORY_V07: Address = "0x91E60e0613810449d098b0b5Ec8b51A0FE8c8985";
