import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ENTRY_POINT_V07 } from "@onekey/deploy";
import type { Hex } from "viem";
import { freePort, type Managed, startProcess, waitFor } from "./processes.js";

/**
 * Hardhat's well-known test keys (mnemonic "test test ... junk"), public knowledge and funded
 * only on local chains. Accounts #0 (deployer, owner) and #1 (sponsorship signer) are taken by
 * the deployment; the bundler uses #8 to send bundles and #9 to deploy its simulation contracts.
 */
export const ALTO_EXECUTOR_KEY: Hex = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
export const ALTO_UTILITY_KEY: Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

export interface Alto {
  url: string;
  port: number;
  process: Managed;
  stop: () => Promise<void>;
}

export interface AltoOptions {
  rpcUrl: string;
  port?: number;
  executorKey?: Hex;
  utilityKey?: Hex;
  echo?: boolean;
}

/** Path of Alto's CLI (its package exports hide package.json, so resolve the entry and walk up). */
function altoCli(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve("@pimlico/alto"));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  const { bin } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { bin: { alto: string } };
  return join(dir, bin.alto);
}

async function supportedEntryPoints(url: string): Promise<string[] | undefined> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_supportedEntryPoints", params: [] }),
  });
  const body = (await response.json()) as { result?: string[] };
  return body.result?.length ? body.result : undefined;
}

/**
 * Starts Pimlico's Alto bundler against a local chain that has the canonical EntryPoint v0.7
 * (scripts/deploy.ts puts it there) and waits until it answers. Safe mode is off: EDR has no
 * `debug_traceCall` tracer for the ERC-7562 checks.
 */
export async function startAlto(options: AltoOptions): Promise<Alto> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const alto = startProcess(
    process.execPath,
    [
      altoCli(),
      "--entrypoints",
      ENTRY_POINT_V07,
      "--rpc-url",
      options.rpcUrl,
      "--port",
      String(port),
      "--executor-private-keys",
      options.executorKey ?? ALTO_EXECUTOR_KEY,
      "--utility-private-key",
      options.utilityKey ?? ALTO_UTILITY_KEY,
      "--safe-mode",
      "false",
      // A local chain mines on demand: poll often, and don't wait for refills or a second executor.
      "--block-time",
      "250",
      "--utility-wallet-monitor",
      "false",
      "--refilling-wallets",
      "false",
      "--max-executors",
      "1",
      // Simulated callGasLimit is tight for calls whose cost depends on warm/cold storage.
      "--v7-call-gas-limit-multiplier",
      "120",
      "--log-level",
      "warn",
    ],
    { echo: options.echo },
  );
  try {
    await waitFor(`Alto bundler on ${url}`, async () => {
      if (alto.child.exitCode !== null) throw new Error(`Alto exited:\n${alto.output()}`);
      return supportedEntryPoints(url);
    });
  } catch (error) {
    await alto.stop();
    throw error;
  }
  return { url, port, process: alto, stop: () => alto.stop() };
}
