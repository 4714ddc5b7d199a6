/**
 * One local chain (Hardhat node with OneKey, EntryPoint v0.7, OneKeyPaymaster and
 * SimpleAccountFactory v0.7 deployed by scripts/deploy.ts) and one Alto bundler for every test
 * file; the files run one after another (vitest.config.ts) and each makes its own projects and
 * accounts, so they never depend on each other's state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAlto } from "@onekey/devnet/alto";
import { startLocalChain } from "@onekey/devnet/local-chain";
import { hardhatCli, runToEnd } from "@onekey/devnet/processes";
import type { TestProject } from "vitest/node";
import type { StackContracts } from "./support/stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    rpcUrl: string;
    chainId: number;
    bundlerUrl: string;
    contracts: StackContracts;
    /** The deployment book directory of this chain (ONEKEY_DEPLOY_BOOK_DIR). */
    bookDir: string;
  }
}

export default async function setup(project: TestProject) {
  // A no-op when the artifacts are current: the chain deploys them through Ignition.
  await runToEnd(process.execPath, [hardhatCli(), "compile", "--no-tests", "--quiet"]);
  const bookDir = mkdtempSync(join(tmpdir(), "onekey-issuer-book-"));
  const chain = await startLocalChain({ deployBookDir: bookDir });
  try {
    const book = chain.deployment?.contracts;
    if (!book?.OneKeyPaymaster || !book.KycRegistry || !book.ProjectRegistry || !book.SimpleAccountFactoryV07) {
      throw new Error(`deployment lacks contracts: ${JSON.stringify(chain.deployment)}`);
    }
    const alto = await startAlto({ rpcUrl: chain.rpcUrl });
    project.provide("rpcUrl", chain.rpcUrl);
    project.provide("chainId", chain.chainId);
    project.provide("bundlerUrl", alto.url);
    project.provide("bookDir", bookDir);
    project.provide("contracts", {
      kycRegistry: book.KycRegistry.address,
      projectRegistry: book.ProjectRegistry.address,
      paymaster: book.OneKeyPaymaster.address,
      factory: book.SimpleAccountFactoryV07.address,
    });
    return async () => {
      await alto.stop();
      await chain.stop();
      rmSync(bookDir, { recursive: true, force: true });
    };
  } catch (error) {
    await chain.stop();
    rmSync(bookDir, { recursive: true, force: true });
    throw error;
  }
}
