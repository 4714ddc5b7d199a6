/**
 * Node-side setup for the Chromium project: an arlocal on 127.0.0.1 with a funded wallet, and a
 * local ANS-104 bundler node, handed to the browser tests through Vitest's provide/inject.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalBundler } from "@onekey/devnet/local-bundler";
import Arweave from "arweave";
import type { TestProject } from "vitest/node";
import { ArlocalStorage } from "../../src/privacy/storage/arlocal-storage.js";
import { startArlocal } from "./arlocal.js";

declare module "vitest" {
  export interface ProvidedContext {
    arlocalUrl: string;
    arlocalJwk: Record<string, string>;
    bundlerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const bundlerDir = mkdtempSync(join(tmpdir(), "onekey-browser-bundler-"));
  const [arlocal, bundler] = await Promise.all([startArlocal(), startLocalBundler({ dataDir: bundlerDir })]);
  const ArweaveClass = ((Arweave as unknown as { default?: typeof Arweave }).default ?? Arweave) as typeof Arweave;
  const jwk = await ArweaveClass.init({}).wallets.generate();
  await ArlocalStorage.fund(arlocal.url, jwk);
  project.provide("arlocalUrl", arlocal.url);
  project.provide("arlocalJwk", jwk as unknown as Record<string, string>);
  project.provide("bundlerUrl", bundler.url);
  return async () => {
    await Promise.all([arlocal.stop(), bundler.stop()]);
    rmSync(bundlerDir, { recursive: true, force: true });
  };
}
