/**
 * Runs a production process through its root command (`npm run start:indexer | start:api |
 * start:worker | start:issuer`), exactly as an operator starts it, and waits until its HTTP
 * probe answers 200. Used by the scale test and the API benchmark.
 */
import { readdirSync, readFileSync } from "node:fs";
import { type Managed, repoRoot, startProcess, waitFor } from "@onekey/devnet/processes";

export type StartCommand = "start:indexer" | "start:api" | "start:worker" | "start:issuer";

export interface ServiceProcess {
  name: string;
  process: Managed;
  logs: () => string;
  /** SIGTERM to the whole process group (npm, its shell, the service, Ponder's child). */
  stop: () => Promise<void>;
  /** SIGKILL to the whole group: no drain, no goodbye. */
  kill: () => Promise<void>;
  /** CPU time (user + system) the group's live processes have used so far, in ms (Linux /proc). */
  cpuMs: () => number;
}

export async function startService(options: {
  name: string;
  command: StartCommand;
  env: Record<string, string>;
  /** Polled until it answers 200 (e.g. the service's /livez or /readyz). */
  probeUrl: string;
  timeoutMs?: number;
  echo?: boolean;
}): Promise<ServiceProcess> {
  const managed = startProcess("npm", ["run", "-s", options.command], {
    cwd: repoRoot,
    env: options.env,
    echo: options.echo,
  });
  const exited = () => managed.child.exitCode !== null || managed.child.signalCode !== null;
  try {
    await waitFor(
      `${options.name} (${options.command}) at ${options.probeUrl}`,
      async () => {
        if (exited()) throw new Error(`${options.name} exited:\n${managed.output().slice(-3000)}`);
        const res = await fetch(options.probeUrl, { signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        return res.status === 200;
      },
      options.timeoutMs ?? 120_000,
    );
  } catch (error) {
    await managed.stop();
    // waitFor retries a thrown probe until its deadline: say why the process is gone.
    if (exited()) throw new Error(`${options.name} exited:\n${managed.output().slice(-3000)}`);
    throw error;
  }
  const group = managed.child.pid as number;
  return {
    name: options.name,
    process: managed,
    logs: managed.output,
    stop: managed.stop,
    kill: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        managed.child.once("exit", () => resolve());
        process.kill(-group, "SIGKILL");
      }),
    cpuMs: () => groupCpuMs(group),
  };
}

/** CPU ms of the processes whose process group is `group`: utime + stime from /proc/<pid>/stat. */
function groupCpuMs(group: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command name (which may hold spaces): state ppid pgrp ... utime(12) stime(13).
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return (ticks * 1000) / ticksPerSecond;
}
