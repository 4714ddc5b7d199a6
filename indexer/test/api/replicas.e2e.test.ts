/**
 * Two replicas of the tenant API (`ponder start` and a `ponder serve` read replica on one
 * PostgreSQL) behind an imagined balancer share one rate limit through Redis: a project's
 * tenant calls spread over both replicas are refused once, together, they reach the limit. With
 * per-process counts each replica would have let the limit through again.
 */
import { randomBytes } from "node:crypto";
import { PROJECT_ROLES } from "@onekey/deploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../harness/api.js";
import { type PonderProcess, startPonder } from "../../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../../harness/postgres.js";
import { type ChainStack, startChainStack } from "../support/stack.js";

const LIMIT = 6;
const REDIS_URL = "redis://127.0.0.1:6379";

describe("tenant API replicas share rate limits through Redis", () => {
  let stack: ChainStack;
  let database: TestDatabase;
  let primary: PonderProcess;
  let replica: PonderProcess;
  let key: string;

  beforeAll(async () => {
    stack = await startChainStack();
    const owner = stack.onekey.account(2);
    const orgId = await stack.onekey.createOrganization(owner);
    const projectId = await stack.onekey.createProject(owner, orgId, "replicated");
    const last = await stack.onekey.grantRole(owner, projectId, stack.onekey.account(3).address, PROJECT_ROLES.READER);

    database = await createTestDatabase("onekey_replicas");
    const shared = {
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: stack.bookDir,
      database: { kind: "postgres", url: database.url } as const,
      schema: "replicas",
      env: {
        ONEKEY_REDIS_URL: REDIS_URL,
        // A prefix of this run's own: counts from another run never leak in.
        ONEKEY_API_REDIS_KEY_PREFIX: `onekey:test:${randomBytes(6).toString("hex")}`,
        ONEKEY_API_RATE_LIMIT_POINTS: String(LIMIT),
        ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
      },
    };
    primary = await startPonder({ ...shared, command: "start" });
    await primary.waitForBlock(last.blockNumber);
    replica = await startPonder({ ...shared, command: "serve" });

    const api = new ApiClient(primary.url);
    key = (await api.createKey(await api.login(owner), projectId)).key;
  }, 180_000);

  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
    await database?.drop();
    await stack?.stop();
  });

  it("counts a project's calls across both replicas and refuses the one over the limit on either", async () => {
    const replicas = [new ApiClient(primary.url), new ApiClient(replica.url)];
    const statuses: number[] = [];
    // Alternate: each replica alone sees only half of the limit's calls.
    for (let call = 0; call < LIMIT; call++) {
      statuses.push((await (replicas[call % 2] as ApiClient).get("/v1/project", key)).status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));

    for (const client of replicas) {
      const refused = await client.get("/v1/project", key);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: "rate_limited" } });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });
});
