import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
export const repoRoot = join(dirname(new URL(import.meta.url).pathname), "..", "..");

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry if it is taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

/** Path of the Hardhat CLI, run with this process's Node (24 under npm scripts). */
export function hardhatCli(): string {
  const pkgFile = require.resolve("hardhat/package.json");
  const { bin } = require(pkgFile) as { bin: { hardhat: string } };
  return join(dirname(pkgFile), bin.hardhat);
}

/** A child process in its own group, so stopping it stops everything it started. */
export interface Managed {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

const live = new Set<Managed>();
process.once("exit", () => {
  for (const m of live) killGroup(m.child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; echo?: boolean } = {},
): Managed {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-64 * 1024);
    if (options.echo) process.stdout.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const managed: Managed = {
    child,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        live.delete(managed);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        killGroup(child, "SIGTERM");
      }),
  };
  live.add(managed);
  return managed;
}

/** Runs a command to completion; rejects with its output when it fails. */
export function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const managed = startProcess(command, args, { env });
  return new Promise((resolve, reject) => {
    managed.child.once("exit", (code) => {
      live.delete(managed);
      if (code === 0) resolve(managed.output());
      else reject(new Error(`${[command, ...args].join(" ")} exited with ${code}:\n${managed.output()}`));
    });
  });
}

/** Polls `probe` until it resolves truthy, failing after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}
