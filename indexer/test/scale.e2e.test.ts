/**
 * The production layout on one machine, started with the operators' own commands (`npm run
 * start:indexer | start:api | start:worker | start:issuer`): one indexer, two tenant API replicas
 * behind a small balancer (harness/balancer.ts), three webhook workers and two issuer replicas
 * (behind a second balancer), all on one PostgreSQL and one Redis. It checks that
 *
 *  - every part reports ready on its readiness endpoint, with the checks it promises;
 *  - rate limits are one limit across replicas: a project's tenant calls through the balancer, and
 *    an address's sign-ins at the issuer, are refused once their total reaches the configured
 *    number (with per-process counters each replica would have let it through again);
 *  - an endpoint's delivery rate limit holds across the webhook workers (each takes its share of
 *    it, counting the live workers: WEBHOOKS.md), not once per worker;
 *  - when a webhook worker and an API replica are SIGKILLed in the middle of a burst, no request
 *    through the balancer fails, and every webhook arrives (WEBHOOKS.md: at least once, never
 *    lost; a duplicate is the same message with the same webhook-id, and there are at most as
 *    many as the killed worker had in flight to the endpoint).
 */
import { randomBytes } from "node:crypto";
import { freePort } from "@onekey/devnet/processes";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../harness/api.js";
import { type Balancer, startBalancer } from "../harness/balancer.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { type Receiver, startReceiver } from "../harness/receiver.js";
import { type ServiceProcess, startService } from "../harness/services.js";
import { newEncryptionKey } from "../harness/worker.js";
import { type ChainStack, eventually, startChainStack } from "./support/stack.js";

const REDIS_URL = "redis://127.0.0.1:6379";
/** Tenant calls per project per minute, and issuer sign-ins per address per minute. */
const API_LIMIT = 60;
const ISSUER_SIGN_IN_LIMIT = 10;
/** Requests one webhook worker sends to one endpoint at once: the most a SIGKILL can make it resend. */
const ENDPOINT_CONCURRENCY = 8;
const BURST = { blocks: 5, perBlock: 100 };
const VIEWS = "onekey";
/** Hardhat's public test accounts #5 and #6: dev keys. */
const SPONSOR_SIGNER_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const KYC_SIGNER_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";

let stack: ChainStack;
let database: TestDatabase;
let db: pg.Pool;
let receiver: Receiver;
let indexer: ServiceProcess;
let indexerUrl: string;
const replicas: { service: ServiceProcess; url: string }[] = [];
const workers: { service: ServiceProcess; healthUrl: string }[] = [];
const issuers: { service: ServiceProcess; url: string }[] = [];
let apiBalancer: Balancer;
let issuerBalancer: Balancer;
let projectHooks: bigint;
let projectLimited: bigint;
let projectPaced: bigint;
let keyHooks: string;
let keyLimited: string;
let keyPaced: string;

/** What every process of the run shares: the chain, the book, PostgreSQL, Redis (a prefix of this run's own). */
function sharedEnv(): Record<string, string> {
  return {
    ONEKEY_NETWORK: "local",
    ONEKEY_RPC_URL: stack.chain.rpcUrl,
    ONEKEY_DEPLOY_BOOK_DIR: stack.bookDir,
    ONEKEY_REDIS_URL: REDIS_URL,
    ONEKEY_LOG_LEVEL: "warn",
  };
}

let apiEnv: Record<string, string>;

beforeAll(async () => {
  stack = await startChainStack();
  database = await createTestDatabase("onekey_scale");
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  receiver = await startReceiver();
  const chain = stack.onekey;
  const owner = chain.account(2);
  const org = await chain.createOrganization(owner);
  projectHooks = await chain.createProject(owner, org, "scale-hooks");
  projectLimited = await chain.createProject(owner, org, "scale-limited");
  projectPaced = await chain.createProject(owner, org, "scale-paced");

  const run = randomBytes(6).toString("hex");
  apiEnv = {
    ...sharedEnv(),
    ONEKEY_INDEXER_DATABASE_URL: database.url,
    ONEKEY_INDEXER_SCHEMA: "scale_1",
    ONEKEY_API_REDIS_KEY_PREFIX: `onekey:test:${run}:api`,
    ONEKEY_API_RATE_LIMIT_POINTS: String(API_LIMIT),
    ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
    // The balancer is the only proxy: its X-Forwarded-For names the client.
    ONEKEY_API_TRUSTED_PROXIES: "127.0.0.1",
    ONEKEY_WEBHOOK_ENCRYPTION_KEY: newEncryptionKey(),
  };

  const indexerPort = await freePort();
  indexerUrl = `http://127.0.0.1:${indexerPort}`;
  indexer = await startService({
    name: "indexer",
    command: "start:indexer",
    env: { ...apiEnv, ONEKEY_INDEXER_PORT: String(indexerPort) },
    // Ponder's /ready: the backfill is done (its tables exist for the replicas to serve).
    probeUrl: `${indexerUrl}/ready`,
  });
  const head = Number(await chain.blockNumber());
  await eventually(
    "the indexer at the chain head",
    async () => {
      const status = (await (await fetch(`${indexerUrl}/status`)).json()) as {
        onekey?: { block?: { number: number } };
      };
      return status.onekey?.block?.number ?? -1;
    },
    (n) => n >= head,
  );

  // The other seven processes start together (each waits only for its own readiness).
  const starting: Promise<unknown>[] = [];
  for (let i = 0; i < 2; i++) {
    starting.push(
      freePort().then(async (port) => {
        const url = `http://127.0.0.1:${port}`;
        const service = await startService({
          name: `api-${i}`,
          command: "start:api",
          env: { ...apiEnv, ONEKEY_INDEXER_PORT: String(port) },
          probeUrl: `${url}/readyz`,
        });
        replicas[i] = { service, url };
      }),
    );
  }
  for (let i = 0; i < 3; i++) {
    starting.push(
      freePort().then(async (port) => {
        const healthUrl = `http://127.0.0.1:${port}`;
        const service = await startService({
          name: `worker-${i}`,
          command: "start:worker",
          env: {
            ...apiEnv,
            ONEKEY_WEBHOOK_HEALTH_PORT: String(port),
            ONEKEY_WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
            ONEKEY_WEBHOOK_POLL_MS: "100",
          },
          probeUrl: `${healthUrl}/readyz`,
        });
        workers[i] = { service, healthUrl };
      }),
    );
  }
  for (let i = 0; i < 2; i++) {
    starting.push(
      freePort().then(async (port) => {
        const url = `http://127.0.0.1:${port}`;
        const service = await startService({
          name: `issuer-${i}`,
          command: "start:issuer",
          env: {
            ...sharedEnv(),
            ONEKEY_ISSUER_PORT: String(port),
            ONEKEY_ISSUER_DATABASE_URL: database.url,
            ONEKEY_ISSUER_REDIS_KEY_PREFIX: `onekey:test:${run}:issuer`,
            ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SPONSOR_SIGNER_KEY,
            ONEKEY_ISSUER_KYC_SIGNER_KEY: KYC_SIGNER_KEY,
            ONEKEY_ISSUER_AUTH_RATE_PER_MINUTE: String(ISSUER_SIGN_IN_LIMIT),
            // No provider is called here; the sandbox's settings only have to be well formed.
            ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:9",
            ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_app_0123456789abcdef",
            ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "sbx_secret_0123456789abcdef",
            ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "sbx_whsec_0123456789abcdef",
          },
          probeUrl: `${url}/readyz`,
        });
        issuers[i] = { service, url };
      }),
    );
  }
  const started = await Promise.allSettled(starting);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;

  apiBalancer = await startBalancer({ upstreams: replicas.map((r) => r.url) });
  issuerBalancer = await startBalancer({ upstreams: issuers.map((r) => r.url) });

  // Through the balancer, as a tenant would: keys for both projects, a webhook endpoint for one.
  const api = new ApiClient(apiBalancer.url);
  const session = await api.login(owner);
  keyHooks = (await api.createKey(session, projectHooks, { scopes: ["read", "webhooks:manage"] })).key;
  keyLimited = (await api.createKey(session, projectLimited)).key;
  keyPaced = (await api.createKey(session, projectPaced, { scopes: ["read", "webhooks:manage"] })).key;
  const settings = await api.request("PUT", "/v1/webhooks/settings", { token: keyHooks, body: { confirmations: 0 } });
  expect(settings.status).toBe(200);
  const endpoint = await api.post(
    "/v1/webhooks/endpoints",
    { url: receiver.url("/scale"), rateLimitPerSecond: 10_000 },
    keyHooks,
  );
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
}, 240_000);

afterAll(async () => {
  await apiBalancer?.close();
  await issuerBalancer?.close();
  await Promise.all([...replicas, ...workers, ...issuers].map((p) => p?.service.stop()));
  await indexer?.stop();
  await receiver?.close();
  await db?.end();
  await database?.drop();
  await stack?.stop();
});

type Checks = Record<string, { ok: boolean; optional?: boolean }>;
const readiness = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Checks } };
};
const okChecks = (checks: Checks) =>
  Object.entries(checks)
    .filter(([, c]) => c.ok)
    .map(([name]) => name)
    .sort();

describe("production layout: 1 indexer, 2 API replicas, 3 webhook workers, 2 issuers", () => {
  it("reports every part ready, with the checks each promises", async () => {
    expect((await fetch(`${indexerUrl}/ready`)).status).toBe(200);
    for (const url of [indexerUrl, ...replicas.map((r) => r.url)]) {
      const { status, body } = await readiness(url);
      expect(status, url).toBe(200);
      expect(okChecks(body.checks)).toEqual(["database", "readModel", "redis", "rpc"]);
    }
    for (const { healthUrl } of workers) {
      const { status, body } = await readiness(healthUrl);
      expect(status).toBe(200);
      expect(okChecks(body.checks)).toEqual(["database"]);
    }
    for (const { url } of issuers) {
      const { status, body } = await readiness(url);
      expect(status).toBe(200);
      expect(okChecks(body.checks)).toEqual(["database", "kycSigner", "redis", "rpc", "sponsorSigner"]);
    }
    await Promise.all([apiBalancer.checkNow(), issuerBalancer.checkNow()]);
    expect(apiBalancer.upstreams.map((u) => u.healthy)).toEqual([true, true]);
    expect(issuerBalancer.upstreams.map((u) => u.healthy)).toEqual([true, true]);
  });

  it("holds a project's API limit across both replicas: the configured number in total, not per replica", async () => {
    const servedBefore = apiBalancer.upstreams.map((u) => u.served);
    const statuses = await inParallel(2 * API_LIMIT, 8, async () => {
      const res = await fetch(`${apiBalancer.url}/v1/project`, { headers: { authorization: `Bearer ${keyLimited}` } });
      await res.body?.cancel();
      return res.status;
    });
    const served = apiBalancer.upstreams.map((u, i) => u.served - (servedBefore[i] as number));
    // Both replicas took a share (round robin: half each), so counters of their own would have let
    // up to min(share, limit) through on each: more than the limit in total.
    expect(served.every((n) => n > 0)).toBe(true);
    expect(served.reduce((total, n) => total + Math.min(n, API_LIMIT), 0)).toBeGreaterThan(API_LIMIT);
    expect(statuses.filter((s) => s === 200)).toHaveLength(API_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(API_LIMIT);
  });

  it("holds the issuer's sign-in limit per address across both issuer replicas", async () => {
    const address = stack.onekey.account(7).address;
    const servedBefore = issuerBalancer.upstreams.map((u) => u.served);
    const statuses = await inParallel(2 * ISSUER_SIGN_IN_LIMIT, 4, async () => {
      const res = await fetch(`${issuerBalancer.url}/v1/auth/nonce`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ address }),
      });
      await res.body?.cancel();
      return res.status;
    });
    const served = issuerBalancer.upstreams.map((u, i) => u.served - (servedBefore[i] as number));
    expect(served.every((n) => n > 0)).toBe(true);
    expect(served.reduce((total, n) => total + Math.min(n, ISSUER_SIGN_IN_LIMIT), 0)).toBeGreaterThan(
      ISSUER_SIGN_IN_LIMIT,
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(ISSUER_SIGN_IN_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(ISSUER_SIGN_IN_LIMIT);
  });

  it("loses no webhook and fails no request when a worker and an API replica are SIGKILLed mid-burst", async () => {
    const [victimWorker, victimReplica] = [workers[0], replicas[1]];
    if (!victimWorker || !victimReplica) throw new Error("the layout did not start");

    // Load through the balancer until the end of the test: tenant reads and public reads.
    const outcomes: (number | string)[] = [];
    let loading = true;
    const load = Array.from({ length: 6 }, async (_, lane) => {
      for (let n = 0; loading; n++) {
        const path = (lane + n) % 2 === 0 ? "/v1/project" : "/v1/webhooks/event-types";
        try {
          const res = await fetch(`${apiBalancer.url}${path}`, { headers: { authorization: `Bearer ${keyHooks}` } });
          await res.body?.cancel();
          outcomes.push(res.status);
        } catch (error) {
          outcomes.push(String((error as Error).cause ?? error));
        }
      }
    });

    let kills: Promise<void> | undefined;
    let killedAt = 0;
    receiver.onRequest = (r) => {
      if (r.path === "/scale" && !kills && receiver.on("/scale").length >= 100) {
        killedAt = outcomes.length;
        kills = Promise.all([victimWorker.service.kill(), victimReplica.service.kill()]).then(() => undefined);
      }
    };
    const fromBlock = await stack.onekey.blockNumber();
    await stack.onekey.grantRolesInBlocks(stack.onekey.account(2), projectHooks, BURST.blocks, BURST.perBlock);
    const total = BURST.blocks * BURST.perBlock;
    await eventually(
      "the kills",
      async () => kills !== undefined,
      (started) => started,
      60_000,
    );
    await kills;
    receiver.onRequest = undefined;

    const events = await eventually(
      `all ${total} events ingested`,
      async () =>
        (
          await db.query<{ id: string }>(
            `SELECT e.id FROM ${VIEWS}.outbox o JOIN onekey_api.webhook_events e ON e.source_id = o.id
              WHERE $1 = ANY (o.project_ids) AND o.type = 'project.role_granted' AND o.block_number > $2`,
            [projectHooks.toString(), fromBlock.toString()],
          )
        ).rows,
      (rows) => rows.length === total,
      90_000,
    );
    await eventually(
      `all ${total} at the receiver`,
      async () => new Set(receiver.on("/scale").map((r) => r.id)).size,
      (n) => n === total,
      90_000,
    );
    loading = false;
    await Promise.all(load);

    // Never lost: exactly the ingested events arrived.
    const bodiesById = new Map<string, Set<string>>();
    for (const r of receiver.on("/scale")) bodiesById.set(r.id, (bodiesById.get(r.id) ?? new Set()).add(r.body));
    expect([...bodiesById.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    // A duplicate is the same message (same webhook-id, same body), and only the killed worker's
    // requests in flight can be sent twice.
    for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);
    const duplicates = receiver.on("/scale").length - total;
    expect(duplicates).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);

    // Every request through the balancer was answered by a live replica: a read that met the
    // killed one went to the other. 429 is the project's limit speaking, not a failure.
    const failures = outcomes.filter((o) => o !== 200 && o !== 429);
    expect(failures).toEqual([]);
    expect(apiBalancer.stats.failed).toBe(0);
    expect(outcomes.length - killedAt).toBeGreaterThan(50);

    // Readiness tells which parts are gone: the balancer took the replica out, and the survivors are ready.
    await apiBalancer.checkNow();
    expect(apiBalancer.upstreams[1]?.healthy).toBe(false);
    await expect(fetch(`${victimWorker.healthUrl}/readyz`)).rejects.toThrow();
    for (const { healthUrl } of workers.slice(1)) expect((await readiness(healthUrl)).status).toBe(200);
    expect((await readiness(replicas[0]?.url as string)).status).toBe(200);
  });
});

describe("webhook workers share an endpoint's rate limit", () => {
  // Runs after the kill above: the two live workers count each other and take half the rate each.
  it("delivers to an endpoint at its rateLimitPerSecond in total across the workers", async () => {
    const api = new ApiClient(apiBalancer.url);
    const settings = await api.request("PUT", "/v1/webhooks/settings", { token: keyPaced, body: { confirmations: 0 } });
    expect(settings.status).toBe(200);
    const rate = 20;
    const endpoint = await api.post(
      "/v1/webhooks/endpoints",
      { url: receiver.url("/paced"), rateLimitPerSecond: rate },
      keyPaced,
    );
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const count = 100;
    await stack.onekey.grantRolesInBlocks(stack.onekey.account(2), projectPaced, 1, count);
    await eventually(
      `all ${count} at the paced endpoint`,
      async () => new Set(receiver.on("/paced").map((r) => r.id)).size,
      (n) => n === count,
      60_000,
    );
    const arrivals = receiver.on("/paced").map((r) => r.at);
    const spanSeconds = ((arrivals.at(-1) as number) - (arrivals[0] as number)) / 1000;
    // Each worker alone at the full rate would deliver the lot in a third of the time.
    expect(arrivals.length).toBeLessThanOrEqual(rate * (spanSeconds + 1));
  });
});

/** Runs `task` `count` times, `concurrency` at a time; the results in completion order. */
async function inParallel<T>(count: number, concurrency: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started++;
        results.push(await task());
      }
    }),
  );
  return results;
}
