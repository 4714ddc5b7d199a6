/**
 * Node-side setup for the Chromium project: an arlocal on 127.0.0.1 and a funded local bundler
 * wallet, handed to the browser tests through Vitest's provide/inject.
 */
import Arweave from "arweave";
import type { TestProject } from "vitest/node";
import { ArlocalStorage } from "../../src/privacy/storage/arlocal-storage.js";
import { startArlocal } from "./arlocal.js";

declare module "vitest" {
  export interface ProvidedContext {
    arlocalUrl: string;
    arlocalJwk: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const arlocal = await startArlocal();
  const ArweaveClass = ((Arweave as unknown as { default?: typeof Arweave }).default ?? Arweave) as typeof Arweave;
  const jwk = await ArweaveClass.init({}).wallets.generate();
  await ArlocalStorage.fund(arlocal.url, jwk);
  project.provide("arlocalUrl", arlocal.url);
  project.provide("arlocalJwk", jwk as unknown as Record<string, string>);
  return () => arlocal.stop();
}
