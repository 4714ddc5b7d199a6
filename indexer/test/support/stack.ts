/** A local chain with OneKey deployed, and the actors the suites use. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@onekey/deploy";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { OneKeyChain } from "@onekey/devnet/onekey-chain";

export interface ChainStack {
  chain: LocalChain;
  onekey: OneKeyChain;
  deployment: Deployment;
  bookDir: string;
  stop: () => Promise<void>;
}

export async function startChainStack(): Promise<ChainStack> {
  const bookDir = mkdtempSync(join(tmpdir(), "onekey-book-"));
  const chain = await startLocalChain({ deployBookDir: bookDir });
  if (!chain.deployment) throw new Error("local chain started without a deployment");
  return {
    chain,
    onekey: new OneKeyChain(chain.rpcUrl, chain.deployment),
    deployment: chain.deployment,
    bookDir,
    stop: async () => {
      await chain.stop();
      rmSync(bookDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value satisfying `until` (no fixed sleeps). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  until: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
