/**
 * Liveness and readiness of one webhook worker, served on ONEKEY_WEBHOOK_HEALTH_PORT
 * (127.0.0.1 by default, off when unset), in the shape every OneKey service answers
 * (@onekey/service-kit/health):
 *
 *   GET /livez  200 while each of the worker's loops (the pipeline pass, the claim loop) has run
 *               within `stallMs`; 503 naming the loop that stopped (restart the worker).
 *   GET /readyz 200 while its database answers `select 1` within 1 s; 503 naming it otherwise.
 *
 * A loop that fails (the database is away, say) still counts as having run: liveness is about a
 * stuck process, readiness about an unreachable dependency.
 */
import { createServer, type Server } from "node:http";
import { HEALTH_HEADERS, livenessResponse, readinessResponse } from "@onekey/service-kit/health";
import { type Kysely, sql } from "kysely";
import type { ApiDatabase } from "../../db/tables.js";

export interface WorkerHealth {
  /** Records that `loop` just finished a round. */
  tick(loop: string): void;
  /** The answer to GET `path`, or undefined for any other path. */
  respond(path: string): Promise<Response> | undefined;
}

export function createWorkerHealth(options: {
  db: Kysely<ApiDatabase>;
  /** The loops liveness watches. */
  loops: readonly string[];
  /** How long a loop may go without a round before the worker counts as stuck. */
  stallMs: number;
  now?: () => number;
}): WorkerHealth {
  const now = options.now ?? Date.now;
  const started = now();
  const last = new Map(options.loops.map((loop) => [loop, started]));
  return {
    tick(loop) {
      last.set(loop, now());
    },
    respond(path) {
      if (path === "/livez") {
        const at = now();
        const stuck = [...last].find(([, ran]) => at - ran > options.stallMs);
        return Promise.resolve(
          livenessResponse(
            stuck ? `the ${stuck[0]} loop last ran ${Math.round((at - stuck[1]) / 1000)} s ago` : undefined,
          ),
        );
      }
      if (path === "/readyz") return readinessResponse({ database: () => sql`select 1`.execute(options.db) });
      return undefined;
    },
  };
}

/** The worker's loops run every poll interval: one that has not run for 20 of them (1 min at least) is stuck. */
export const stallMsFor = (pollMs: number) => Math.max(60_000, 20 * pollMs);

export function serveHealth(health: WorkerHealth, port: number, host: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const answer = req.method === "GET" ? health.respond(new URL(req.url ?? "/", "http://worker").pathname) : undefined;
    if (!answer) return res.writeHead(404, HEALTH_HEADERS).end();
    const response = await answer;
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
