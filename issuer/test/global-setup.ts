/**
 * One local chain (Hardhat node with OneKey, EntryPoint v0.7, OneKeyPaymaster and
 * SimpleAccountFactory v0.7 deployed by scripts/deploy.ts) and one Alto bundler for every test
 * file; the files run one after another (vitest.config.ts) and each makes its own projects and
 * accounts, so they never depend on each other's state.
 */
import type { TestProject } from "vitest/node";
import { startAlto } from "../../scripts/lib/alto.js";
import { startLocalChain } from "../../scripts/lib/local-chain.js";
import { hardhatCli, runToEnd } from "../../scripts/lib/processes.js";
import type { StackContracts } from "./support/stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    rpcUrl: string;
    chainId: number;
    bundlerUrl: string;
    contracts: StackContracts;
  }
}

export default async function setup(project: TestProject) {
  // A no-op when the artifacts are current: the chain deploys them through Ignition.
  await runToEnd(process.execPath, [hardhatCli(), "compile", "--no-tests", "--quiet"]);
  const chain = await startLocalChain();
  try {
    const book = chain.deployment?.contracts;
    if (!book?.OneKeyPaymaster || !book.KycRegistry || !book.ProjectRegistry || !book.SimpleAccountFactoryV07) {
      throw new Error(`deployment lacks contracts: ${JSON.stringify(chain.deployment)}`);
    }
    const alto = await startAlto({ rpcUrl: chain.rpcUrl });
    project.provide("rpcUrl", chain.rpcUrl);
    project.provide("chainId", chain.chainId);
    project.provide("bundlerUrl", alto.url);
    project.provide("contracts", {
      kycRegistry: book.KycRegistry.address,
      projectRegistry: book.ProjectRegistry.address,
      paymaster: book.OneKeyPaymaster.address,
      factory: book.SimpleAccountFactoryV07.address,
    });
    return async () => {
      await alto.stop();
      await chain.stop();
    };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}
