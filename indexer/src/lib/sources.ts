/**
 * What the indexer follows on the configured network, from the deployment book: the registries
 * always; the paymaster and the EntryPoint's UserOperationEvent for it once the book lists a
 * OneKeyPaymaster. Shared by ponder.config.ts and the handlers (which register only what exists).
 */
import { type DeployedContract, type Deployment, readDeployment } from "@onekey/deploy";
import { type Address, parseAbi } from "viem";
import { readIndexerEnv } from "../../lib/env.js";

/** Canonical ERC-4337 EntryPoints (the same address on Base, Base Sepolia and local chains). */
export const ENTRY_POINT_V07: Address = "0x0000000071727De22E5E9d8BAf0edAc6f37da032";
export const ENTRY_POINT_V08: Address = "0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108";

/** UserOperationEvent is the same in EntryPoint v0.7 and v0.8. */
export const entryPointEventsAbi = parseAbi([
  "event UserOperationEvent(bytes32 indexed userOpHash, address indexed sender, address indexed paymaster, uint256 nonce, bool success, uint256 actualGasCost, uint256 actualGasUsed)",
]);

export interface PaymasterSources {
  /** Every OneKeyPaymaster deployment in the book (v0.7 and v0.8 EntryPoint variants). */
  paymasters: Address[];
  startBlock: number;
  entryPoints: Address[];
}

function paymastersOf(deployment: Deployment): PaymasterSources | undefined {
  const entries = Object.entries(deployment.contracts).filter(([name]) => /^OneKeyPaymaster(V\d+)?$/.test(name));
  if (entries.length === 0) return undefined;
  const found: DeployedContract[] = entries.map(([, c]) => c);
  const book = deployment.contracts;
  return {
    paymasters: found.map((c) => c.address),
    startBlock: Math.min(...found.map((c) => c.startBlock)),
    entryPoints: [book.EntryPointV07?.address ?? ENTRY_POINT_V07, book.EntryPointV08?.address ?? ENTRY_POINT_V08],
  };
}

export const deployment = readDeployment(readIndexerEnv().network);
export const paymasterSources = paymastersOf(deployment);
