/** Starts `npm run dev` once for the whole e2e run and hands its URLs to the test files. */
import type { TestProject } from "vitest/node";
import { type StackInfo, startStack } from "./stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startStack();
  project.provide("stack", stack.info);
  return async () => {
    await stack.stop();
  };
}
