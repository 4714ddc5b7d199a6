/**
 * Starts `npm run dev` once for the whole e2e run and hands its URLs to the test files.
 *
 * ONEKEY_E2E_REUSE_STACK=1 runs the suite against a stack that is already up (your own
 * `npm run dev` in this checkout, read from .dev/stack.json) and leaves it running: quick
 * iterations on the tests. The tests create their own people and projects, so a reused stack
 * only grows.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@onekey/devnet/processes";
import type { TestProject } from "vitest/node";
import { screensDir } from "./browser.js";
import { type StackInfo, startStack } from "./stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  // Each run's screenshots only: a renumbered screen must not leave last run's picture beside it.
  rmSync(screensDir, { recursive: true, force: true });
  if (process.env.ONEKEY_E2E_REUSE_STACK === "1") {
    const file = join(repoRoot, ".dev", "stack.json");
    if (!existsSync(file)) throw new Error("ONEKEY_E2E_REUSE_STACK=1, but no stack is up (.dev/stack.json is missing)");
    project.provide("stack", JSON.parse(readFileSync(file, "utf8")) as StackInfo);
    return;
  }
  const stack = await startStack();
  project.provide("stack", stack.info);
  return async () => {
    await stack.stop();
  };
}
