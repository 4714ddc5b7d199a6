/**
 * Liveness and readiness of the tenant API: GET /livez and GET /readyz, beside Ponder's own
 * /health (the process serves) and /ready (historical indexing is done), which describe the
 * indexing, not the API. Ponder mounts the API at the root and reserves only /health, /ready,
 * /status, /metrics and /client, so the names the other OneKey services use are free here.
 *
 * Readiness needs what every request needs: the API's own database (keys, sessions, audit) and
 * the read model (Ponder's tables). The chain's RPC and Redis are checked and reported but
 * optional: without the RPC the expiry clock falls back to the wall clock, and without Redis the
 * rate limits count per process (http/rateLimit.ts). Failing readiness on them would take every
 * replica out of the balancer at once for a dependency the API is built to run without.
 */
import { CheckFailed, type CheckSpec, livenessResponse, readinessHandler } from "@onekey/service-kit/health";
import type { Redis } from "ioredis";
import { type Kysely, sql } from "kysely";
import { hexToNumber, type PublicClient } from "viem";
import type { ApiDatabase } from "../../../db/tables.js";
import type { ApiApp } from "../kit.js";

export interface ApiHealthDeps {
  chainId: number;
  store: Kysely<ApiDatabase>;
  /** One cheap read of Ponder's tables (throws when they cannot be read). */
  readModel: () => Promise<unknown>;
  /** The API's own client of the chain (the expiry clock's). */
  chain?: Pick<PublicClient, "request">;
  /** The rate limits' shared store, when ONEKEY_REDIS_URL is set. */
  redis?: Pick<Redis, "ping" | "status">;
}

export function healthChecks(deps: ApiHealthDeps): Record<string, CheckSpec> {
  const { chain, redis } = deps;
  return {
    database: { run: () => sql`select 1`.execute(deps.store) },
    readModel: { run: () => deps.readModel() },
    ...(chain
      ? {
          rpc: {
            optional: true,
            run: async () => {
              // One try: a probe that retries outlives its timeout and says only that it timed out.
              const served = hexToNumber(await chain.request({ method: "eth_chainId" }, { retryCount: 0 }));
              if (served !== deps.chainId) throw new CheckFailed(`the RPC serves chain ${served}, not ${deps.chainId}`);
            },
          },
        }
      : {}),
    ...(redis
      ? {
          redis: {
            optional: true,
            run: async () => {
              if (redis.status !== "ready") throw new CheckFailed(`not connected (${redis.status})`);
              await redis.ping();
            },
          },
        }
      : {}),
  };
}

/** Adds GET /livez (200 while the process serves) and GET /readyz (the checks above, 1 s each). */
export function registerHealthRoutes(app: ApiApp, deps: ApiHealthDeps): ApiApp {
  const checks = healthChecks(deps);
  app.get("/livez", () => livenessResponse());
  app.get("/readyz", readinessHandler(checks));
  return app;
}
