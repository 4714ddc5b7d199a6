/**
 * eth-infinitism's published artifacts of the canonical ERC-4337 contracts (the npm packages'
 * own builds: their bytecode is byte-for-byte what sits at the canonical addresses), typed for
 * viem and Ignition. Loaded through `require` because JSON import attributes need a newer
 * TypeScript module setting than the repository uses.
 */
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";

export interface PublishedArtifact {
  _format: string;
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  linkReferences: Record<string, Record<string, { length: number; start: number }[]>>;
  deployedLinkReferences: Record<string, Record<string, { length: number; start: number }[]>>;
}

const require = createRequire(import.meta.url);
const load = (path: string) => require(path) as PublishedArtifact;

export const entryPointV07Artifact = load("@account-abstraction/contracts-v07/artifacts/EntryPoint.json");
export const simpleAccountV07Artifact = load("@account-abstraction/contracts-v07/artifacts/SimpleAccount.json");
export const simpleAccountFactoryV07Artifact = load(
  "@account-abstraction/contracts-v07/artifacts/SimpleAccountFactory.json",
);
export const entryPointV08Artifact = load("@account-abstraction/contracts/artifacts/EntryPoint.json");
