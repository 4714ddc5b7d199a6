/**
 * The local stack the e2e suite runs against is `npm run dev` itself (scripts/dev.ts), started
 * as a person would, with the app as a production build (ONEKEY_DEV_APP_MODE=preview). Its URLs
 * come from .dev/stack.json, which dev.ts writes once everything is up. Stopping sends SIGTERM to
 * dev.ts, which stops its services and drops its databases.
 *
 * It uses this checkout's .dev/ and deploy/deployments/local.json: do not run it beside your own
 * `npm run dev` in the same checkout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, repoRoot, waitFor } from "@onekey/devnet/processes";

export interface StackInfo {
  verifyUrl: string;
  appUrl: string;
  rpcUrl: string;
  chainId: number;
  bundlerUrl: string;
  issuerUrl: string;
  indexerUrl: string;
  storageBundlerUrl: string;
  keyserviceUrl: string;
  /** Sandbox providers by name: URL and admin token (failure injection). */
  sandboxes?: Record<string, { url: string; adminToken: string }>;
  demo: { orgId: string; projectId: string; slug: string };
}

export interface RunningStack {
  info: StackInfo;
  output(): string;
  stop(): Promise<void>;
}

const stackFile = join(repoRoot, ".dev", "stack.json");

export async function startStack(): Promise<RunningStack> {
  rmSync(stackFile, { force: true });
  // Free ports, so a stack already running on the defaults (another checkout) is left alone.
  const ports = {
    ONEKEY_CHAIN_PORT: await freePort(),
    ONEKEY_BUNDLER_PORT: await freePort(),
    ONEKEY_ISSUER_PORT: await freePort(),
    ONEKEY_INDEXER_PORT: await freePort(),
    ONEKEY_ARLOCAL_PORT: await freePort(),
    ONEKEY_DATA_BUNDLER_PORT: await freePort(),
    ONEKEY_KEYSERVICE_PORT: await freePort(),
    ONEKEY_DEV_APP_PORT: await freePort(),
    ONEKEY_DEV_KYC_SANDBOX_PORT: await freePort(),
    ONEKEY_DEV_KYC_SANDBOX_B_PORT: await freePort(),
  };
  let log = "";
  // "@onekey/source": dev's seeding loads @onekey/sdk from its source (see .npmrc), also outside npm.
  const nodeArgs = ["--conditions=@onekey/source", "--import", "tsx", "scripts/dev.ts"];
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ONEKEY_DEV_APP_MODE: "preview",
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // gone
      }
    }, 30_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(
      "npm run dev to write .dev/stack.json",
      async () => {
        if (child.exitCode !== null) throw new Error(`npm run dev exited ${child.exitCode}:\n${log.slice(-4000)}`);
        return existsSync(stackFile);
      },
      420_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { info: JSON.parse(readFileSync(stackFile, "utf8")) as StackInfo, output: () => log, stop };
}
