/**
 * The deterministic deployment proxy (Arachnid's CREATE2 factory). Every public chain, Base
 * included, has it at the same address; the canonical ERC-4337 contracts were deployed through
 * it, so a local chain that has it gets them at their canonical addresses too
 * (ignition/modules/local/EntryPoint.ts). A fresh Hardhat/EDR chain lacks it: `ensure...` puts
 * its runtime code there with `hardhat_setCode`, the one thing on a local chain not deployed
 * through Ignition (it stands for a predeploy that real chains already have).
 */
import type { Address, Hex } from "viem";

export const DETERMINISTIC_DEPLOYER: Address = "0x4e59b44847b379578588920cA78FbF26c0B4956C";

/** Runtime code: calldata = salt (32 bytes) ++ initCode; CREATE2s it and returns the address. */
export const DETERMINISTIC_DEPLOYER_CODE: Hex =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/** A viem public client reads the code; a viem test client (mode "hardhat") sets it. */
export interface CodeReader {
  getCode(args: { address: Address }): Promise<Hex | undefined>;
}
export interface CodeWriter {
  setCode(args: { address: Address; bytecode: Hex }): Promise<void>;
}

/** Installs the proxy on a local chain (Hardhat/EDR, `hardhat node`) when it is missing. */
export async function ensureDeterministicDeployer(reader: CodeReader, writer: CodeWriter): Promise<void> {
  const code = await reader.getCode({ address: DETERMINISTIC_DEPLOYER });
  if (code !== undefined && code !== "0x") return;
  await writer.setCode({ address: DETERMINISTIC_DEPLOYER, bytecode: DETERMINISTIC_DEPLOYER_CODE });
}
