/**
 * The background loops of one replica: the chain watcher, the cleanup job and the providers'
 * recovery probes. Every replica may run them: the watcher and the cleanup claim their work in
 * PostgreSQL, and a probe only touches this replica's breakers.
 */
import type { Logger } from "../logger.js";
import { loggableError } from "../logger.js";
import type { KycParts } from "../server.js";

export function startBackgroundJobs(
  parts: Pick<KycParts, "watcher" | "cleanup" | "registry">,
  intervals: { chainPollMs: number; cleanupMs: number; probeMs: number },
  logger: Logger,
): () => Promise<void> {
  let stopped = false;
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const loop = (name: string, everyMs: number, work: () => Promise<unknown>) => {
    const run = () => {
      if (stopped) return;
      const task = work()
        .then(() => undefined)
        .catch((error: unknown) => logger.warn({ job: name, err: loggableError(error) }, "background job failed"))
        .finally(() => {
          running.delete(task);
          if (!stopped) {
            const timer = setTimeout(run, everyMs);
            timers.add(timer);
            timer.unref();
          }
        });
      running.add(task);
    };
    run();
  };
  loop("chain-watcher", intervals.chainPollMs, async () => {
    // Catch up in ranges, then wait for the next block.
    while (!stopped && (await parts.watcher.tick()) > 0);
  });
  loop("cleanup", intervals.cleanupMs, () => parts.cleanup.runOnce());
  loop("provider-probe", intervals.probeMs, () => parts.registry.probe());
  return async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(running);
  };
}
