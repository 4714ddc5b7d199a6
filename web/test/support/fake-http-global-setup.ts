/**
 * Node-side setup for the chromium-polyfilled project: the control server that starts scripted
 * HTTP services (a fake Irys node) on a browser test's request, handed over through provide/inject.
 */
import type { TestProject } from "vitest/node";
import { startFakeHttpControl } from "./fake-http-control.js";

declare module "vitest" {
  export interface ProvidedContext {
    fakeHttpControlUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const control = await startFakeHttpControl();
  project.provide("fakeHttpControlUrl", control.url);
  return () => control.close();
}
