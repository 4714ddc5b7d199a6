// biome-ignore-all lint/style/noNonNullAssertion: a test reads back what it has just asserted exists
/**
 * Webhooks end to end on PostgreSQL: a local chain, Ponder writing the outbox, the tenant API
 * registering endpoints, the worker as a child process, and a real HTTP receiver. The faults are
 * real too: SIGKILL of the worker mid-burst, Ponder re-indexing into a new schema, a reorg made
 * with evm_revert, and a receiver that fails, hangs and answers 410.
 */

import { oneKeyPaymasterAbi } from "@onekey/deploy";
import { mineBlocks } from "@onekey/devnet/local-chain";
import { ROLE } from "@onekey/devnet/onekey-chain";
import { freePort } from "@onekey/devnet/processes";
import { isKnownWebhookEvent, OneKeyClient, verifyWebhook } from "@onekey/sdk";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import type { Account } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../harness/api.js";
import { type PonderProcess, startPonder } from "../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { type Received, type Receiver, startReceiver } from "../harness/receiver.js";
import { newEncryptionKey, startWorker, type WorkerProcess } from "../harness/worker.js";
import { type ChainStack, eventually, startChainStack } from "./support/stack.js";

const VIEWS = "onekey";
const SCHEDULE = [200, 400, 800];
const TIMEOUT_MS = 1_000;
const WORKER_ENV: Record<string, string> = {
  ONEKEY_WEBHOOK_RETRY_SCHEDULE: SCHEDULE.map((ms) => `${ms}ms`).join(","),
  ONEKEY_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
  ONEKEY_WEBHOOK_POLL_MS: "50",
  // Few slots, so that the fairness test can tell a capped endpoint from an uncapped one.
  ONEKEY_WEBHOOK_CONCURRENCY: "4",
  ONEKEY_WEBHOOK_ENDPOINT_CONCURRENCY: "2",
};

interface Envelope {
  id: string;
  type: string;
  version: number;
  projectId: string;
  chainId: number;
  block: { number: string; hash: string; finalized: boolean } | null;
  data: Record<string, unknown>;
}
const parse = (r: Received) => JSON.parse(r.body) as Envelope;

let stack: ChainStack;
let database: TestDatabase;
let ponder: PonderProcess;
let worker: WorkerProcess;
let receiver: Receiver;
let api: ApiClient;
let db: pg.Pool;
const encryptionKey = newEncryptionKey();
let owner: Account;
let issuer: Account;
/** Projects: P delivers at 0 confirmations, F on finality, K takes the crash burst. */
let projectP: bigint;
let projectF: bigint;
let projectK: bigint;
let keyP: string;
let keyF: string;
let keyK: string;
let secretP: string;

const ponderEnv = {
  ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey,
  ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
  ONEKEY_API_RATE_LIMIT_POINTS: "5000",
};

/** Every secret each receiver path was given, for the SDK check at the end. */
const secretsByPath = new Map<string, string[]>();

async function register(key: string, path: string, extra: Record<string, unknown> = {}) {
  const res = await api.post<{ endpoint: { id: string }; secret: string }>(
    "/v1/webhooks/endpoints",
    { url: receiver.url(path), ...extra },
    key,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  secretsByPath.set(path, [...(secretsByPath.get(path) ?? []), res.body.secret]);
  return res.body;
}

const waitIndexed = (receipt: { blockNumber: bigint }) => ponder.waitForBlock(receipt.blockNumber);

/** Ponder (and the API client) on a deployment schema behind the one views schema. */
async function startIndexer(schema: string): Promise<void> {
  ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema,
    viewsSchema: VIEWS,
    env: ponderEnv,
  });
  api = new ApiClient(ponder.url);
}

beforeAll(async () => {
  stack = await startChainStack();
  database = await createTestDatabase("onekey_webhooks");
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  receiver = await startReceiver();
  const chain = stack.onekey;
  owner = chain.account(2);
  issuer = chain.account(1);
  await chain.registerIssuer(issuer.address);
  const org = await chain.createOrganization(owner);
  projectP = await chain.createProject(owner, org, "hooks-p");
  projectF = await chain.createProject(owner, org, "hooks-f");
  projectK = await chain.createProject(owner, org, "hooks-k");
  await startIndexer("hooks_1");
  await ponder.waitForBlock(await chain.blockNumber());
  const session = await api.login(owner);
  const scopes = ["webhooks:manage", "read"];
  keyP = (await api.createKey(session, projectP, { scopes })).key;
  keyF = (await api.createKey(session, projectF, { scopes })).key;
  keyK = (await api.createKey(session, projectK, { scopes })).key;
  expect((await api.request("PUT", "/v1/webhooks/settings", { token: keyP, body: { confirmations: 0 } })).status).toBe(
    200,
  );
  expect((await api.request("PUT", "/v1/webhooks/settings", { token: keyK, body: { confirmations: 0 } })).status).toBe(
    200,
  );
  secretP = (await register(keyP, "/p")).secret;
  await register(keyF, "/f");
  WORKER_ENV.ONEKEY_WEBHOOK_METRICS_PORT = String(await freePort());
  worker = await startWorker({ databaseUrl: database.url, encryptionKey, env: WORKER_ENV });
});

afterAll(async () => {
  await worker?.stop();
  await ponder?.stop();
  await receiver?.close();
  await db?.end();
  await database?.drop();
  await stack?.stop();
});

const find = (path: string, type: string, where: (e: Envelope) => boolean = () => true) =>
  receiver.on(path).filter((r) => {
    const e = parse(r);
    return e.type === type && where(e);
  });

describe("endpoint management", () => {
  it("refuses bad input with a 400 that names the field, and stores nothing", async () => {
    const before = await api.get<{ data: unknown[] }>("/v1/webhooks/endpoints", keyP);
    const cases: [unknown, string][] = [
      [{ url: "not a url" }, "url"],
      [{ url: "ftp://example.com/hook" }, "url"],
      [{ url: "http://user:pw@example.com/hook" }, "url"],
      [{ url: receiver.url("/x"), eventTypes: ["consent.maybe"] }, "eventTypes.0"],
      [{ url: receiver.url("/x"), rateLimitPerSecond: 0 }, "rateLimitPerSecond"],
      [{ url: receiver.url("/x"), projectId: "2" }, "projectId"],
    ];
    for (const [body, field] of cases) {
      const res = await api.post<{ error: { field: string } }>("/v1/webhooks/endpoints", body, keyP);
      expect({ status: res.status, field: res.body.error?.field }).toEqual({ status: 400, field });
    }
    const after = await api.get<{ data: unknown[] }>("/v1/webhooks/endpoints", keyP);
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it("keeps projects apart: another project's endpoint is a 404, and a read-only key is refused", async () => {
    const { endpoint } = await register(keyF, "/f-private");
    expect((await api.get(`/v1/webhooks/endpoints/${endpoint.id}`, keyP)).status).toBe(404);
    expect((await api.request("DELETE", `/v1/webhooks/endpoints/${endpoint.id}`, { token: keyP })).status).toBe(404);
    const list = await api.get<{ data: { id: string }[] }>("/v1/webhooks/endpoints", keyP);
    expect(list.body.data.map((e) => e.id)).not.toContain(endpoint.id);
    const session = await api.login(owner);
    const readOnly = (await api.createKey(session, projectP, { scopes: ["read"] })).key;
    expect((await api.get("/v1/webhooks/endpoints", readOnly)).status).toBe(403);
    await api.request("DELETE", `/v1/webhooks/endpoints/${endpoint.id}`, { token: keyF });
  });
});

describe("delivery", () => {
  it("delivers a Standard Webhooks-signed, versioned envelope to the project the event concerns", async () => {
    const subject = await stack.onekey.newAccount();
    const receipt = await stack.onekey.grantConsent(subject, projectP);
    const [got] = await eventually(
      "consent.granted at /p",
      async () => find("/p", "consent.granted", (e) => e.data.subject === subject.address.toLowerCase()),
      (list) => list.length > 0,
    );
    const event = new Webhook(secretP).verify(got!.body, got!.headers as Record<string, string>) as Envelope;
    expect(event).toMatchObject({
      type: "consent.granted",
      version: 1,
      projectId: projectP.toString(),
      chainId: 31337,
      block: { number: receipt.blockNumber.toString(), hash: receipt.blockHash, finalized: false },
      data: { projectId: projectP.toString(), subject: subject.address.toLowerCase() },
    });
    expect(got!.headers["webhook-id"]).toBe(event.id);
    // Project F's endpoints never hear of project P's consent.
    expect(find("/f", "consent.granted", (e) => e.data.subject === subject.address.toLowerCase())).toHaveLength(0);
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(
        got!.body,
        got!.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it("retries 500s and timeouts on schedule, logs every attempt, and stops at the first 2xx", async () => {
    const { endpoint } = await register(keyP, "/flaky", { eventTypes: ["project.role_granted"] });
    receiver.script("/flaky", [500, "hang", 200]);
    await stack.onekey.grantRole(
      owner,
      projectP,
      privateKeyToAccount(generatePrivateKey()).address,
      ROLE.SPONSOR_MANAGER,
    );
    const hits = await eventually(
      "three attempts at /flaky",
      async () => receiver.on("/flaky"),
      (l) => l.length >= 3,
    );
    expect(new Set(hits.map((h) => h.id)).size).toBe(1);
    const [a, b, c] = hits as [Received, Received, Received];
    // Waits are the schedule +-20% jitter; the second attempt also waited out the timeout.
    expect(b.at - a.at).toBeGreaterThanOrEqual(SCHEDULE[0]! * 0.8);
    expect(c.at - b.at).toBeGreaterThanOrEqual(TIMEOUT_MS + SCHEDULE[1]! * 0.8 - 50);
    const list = await api.get<{ data: { id: string; status: string }[] }>(
      `/v1/webhooks/deliveries?endpointId=${endpoint.id}`,
      keyP,
    );
    const delivery = await eventually(
      "the delivery to be recorded as delivered",
      async () =>
        (
          await api.get<{
            status: string;
            attempts: number;
            log: { statusCode: number | null; error: string | null }[];
          }>(`/v1/webhooks/deliveries/${list.body.data[0]!.id}`, keyP)
        ).body,
      (d) => d.status === "delivered",
    );
    expect(delivery.log.map((l) => [l.statusCode, l.error])).toEqual([
      [500, null],
      [null, "timeout"],
      [200, null],
    ]);
    expect(receiver.on("/flaky")).toHaveLength(3);
  });

  it("disables an endpoint that answers 410 Gone, and one whose retries run out, with the reason", async () => {
    const gone = await register(keyP, "/gone", { eventTypes: ["project.role_granted"] });
    const down = await register(keyP, "/down", { eventTypes: ["project.role_granted"] });
    receiver.script("/gone", [410]);
    receiver.script("/down", [503]);
    await stack.onekey.grantRole(
      owner,
      projectP,
      privateKeyToAccount(generatePrivateKey()).address,
      ROLE.SPONSOR_MANAGER,
    );
    const state = (id: string) =>
      api.get<{ enabled: boolean; disabledReason: string | null }>(`/v1/webhooks/endpoints/${id}`, keyP);
    const goneState = await eventually(
      "/gone disabled",
      async () => (await state(gone.endpoint.id)).body,
      (e) => !e.enabled,
    );
    expect(goneState.disabledReason).toMatch(/410 Gone/);
    expect(receiver.on("/gone")).toHaveLength(1);
    const downState = await eventually(
      "/down disabled",
      async () => (await state(down.endpoint.id)).body,
      (e) => !e.enabled,
      20_000,
    );
    expect(downState.disabledReason).toMatch(/failed on every retry/);
    expect(receiver.on("/down")).toHaveLength(SCHEDULE.length + 1);
    const dead = await api.get<{ data: { status: string }[] }>(
      `/v1/webhooks/deliveries?endpointId=${down.endpoint.id}`,
      keyP,
    );
    expect(dead.body.data.map((d) => d.status)).toEqual(["dead"]);
    // A disabled endpoint gets nothing more until re-enabled; then a replay sends the dead letter again.
    receiver.script("/down", [200]);
    await api.request("PATCH", `/v1/webhooks/endpoints/${down.endpoint.id}`, { token: keyP, body: { enabled: true } });
    const dlv = (
      await api.get<{ data: { id: string }[] }>(`/v1/webhooks/deliveries?endpointId=${down.endpoint.id}`, keyP)
    ).body.data[0]!;
    expect((await api.post(`/v1/webhooks/deliveries/${dlv.id}/replay`, undefined, keyP)).status).toBe(202);
    await eventually(
      "the replay",
      async () => receiver.on("/down"),
      (l) => l.length === SCHEDULE.length + 2,
    );
    expect(new Set(receiver.on("/down").map((r) => r.id)).size).toBe(1);
  });

  it("signs with both secrets while a rotation overlaps", async () => {
    const { endpoint, secret: old } = await register(keyP, "/rotating", { eventTypes: ["consent.revoked"] });
    const rotated = await api.post<{ secret: string }>(
      `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`,
      { graceSeconds: 3600 },
      keyP,
    );
    expect(rotated.status).toBe(200);
    const refused = await api.post<{ error: { field: string } }>(
      `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`,
      { graceSeconds: -1 },
      keyP,
    );
    expect({ status: refused.status, field: refused.body.error?.field }).toEqual({
      status: 400,
      field: "graceSeconds",
    });
    secretsByPath.get("/rotating")?.push(rotated.body.secret);
    const subject = await stack.onekey.newAccount();
    await stack.onekey.grantConsent(subject, projectP);
    await stack.onekey.revokeConsent(subject, projectP);
    const [got] = await eventually(
      "/rotating",
      async () => receiver.on("/rotating"),
      (l) => l.length > 0,
    );
    const signatures = String(got!.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    for (const secret of [old, rotated.body.secret]) {
      expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({
        type: "consent.revoked",
      });
    }
  });

  it("sends attestation.expired once chain time passes a consenting subject's expiry", async () => {
    const subject = await stack.onekey.newAccount();
    await stack.onekey.grantConsent(subject, projectP);
    const now = Number((await stack.onekey.client.getBlock()).timestamp);
    const { uid } = await stack.onekey.attest(issuer, { subject: subject.address, level: 2, expiresAt: now + 30 });
    await stack.onekey.rpc("evm_increaseTime", [120]);
    await mineBlocks(stack.chain.rpcUrl, 1);
    const [got] = await eventually(
      "attestation.expired",
      async () => find("/p", "attestation.expired", (e) => e.data.uid === uid),
      (l) => l.length > 0,
    );
    expect(parse(got!)).toMatchObject({ block: null, data: { uid, subject: subject.address.toLowerCase(), level: 2 } });
  });
});

describe("integration surface", () => {
  it("fires budget.low when a withdrawal takes the balance below the project's threshold", async () => {
    const paymaster = stack.deployment.contracts.OneKeyPaymaster?.address as `0x${string}`;
    const res = await api.request("PUT", "/v1/webhooks/settings", {
      token: keyP,
      body: { budgetLowThreshold: (15n * 10n ** 15n).toString() },
    });
    expect(res.body).toMatchObject({ confirmations: 0, budgetLowThreshold: "15000000000000000" });
    await stack.onekey.grantRole(owner, projectP, owner.address, 4);
    const contract = { address: paymaster, abi: oneKeyPaymasterAbi };
    await stack.onekey.send(owner, contract, "fundProject", [projectP], 2n * 10n ** 16n);
    await stack.onekey.send(owner, contract, "withdrawBudget", [projectP, owner.address, 10n ** 16n]);
    const [low] = await eventually(
      "budget.low",
      async () => find("/p", "budget.low"),
      (l) => l.length > 0,
    );
    expect(parse(low!).data).toEqual({
      projectId: projectP.toString(),
      balance: (10n ** 16n).toString(),
      threshold: "15000000000000000",
    });
    // Funding crossed no threshold downwards: exactly one budget.low.
    expect(find("/p", "budget.low")).toHaveLength(1);
  });

  it("holds an endpoint to its rate limit without counting the waits as attempts", async () => {
    const { endpoint } = await register(keyP, "/slow", { eventTypes: ["project.role_granted"], rateLimitPerSecond: 5 });
    await stack.onekey.grantRolesInBlocks(owner, projectP, 1, 15);
    const hits = await eventually(
      "15 deliveries at /slow",
      async () => receiver.on("/slow"),
      (l) => l.length >= 15,
    );
    // 15 at 5 per second: at least two more one-second windows after the first.
    expect(hits.at(-1)!.at - hits[0]!.at).toBeGreaterThanOrEqual(1_900);
    expect(new Set(hits.map((h) => h.id)).size).toBe(15);
    const client = new OneKeyClient({ baseUrl: ponder.url, apiKey: keyP });
    // The receiver has answered before the worker records it: wait for the log, then read it.
    const log = await eventually(
      "15 deliveries recorded as delivered",
      async () => (await client.listWebhookDeliveries({ endpointId: endpoint.id, limit: 20 })).data,
      (data) => data.length === 15 && data.every((d) => d.status !== "pending"),
    );
    expect(log.map((d) => [d.status, d.attempts])).toEqual(Array(15).fill(["delivered", 1]));
  });

  it("keeps a slow endpoint from holding up other projects' deliveries", async () => {
    const stuck = await register(keyK, "/stuck", { eventTypes: ["project.role_granted"] });
    receiver.script("/stuck", ["hang"]);
    // Eight deliveries that each hang until the timeout: uncapped, they would fill all four slots.
    await stack.onekey.grantRolesInBlocks(owner, projectK, 1, 8);
    await eventually(
      "/stuck to be busy",
      async () => receiver.on("/stuck").length,
      (n) => n >= 2,
    );
    const subject = await stack.onekey.newAccount();
    await stack.onekey.grantConsent(subject, projectP);
    const sent = performance.now();
    const [got] = await eventually(
      "project P's consent",
      async () => find("/p", "consent.granted", (e) => e.data.subject === subject.address.toLowerCase()),
      (l) => l.length > 0,
    );
    expect(got!.at - sent).toBeLessThan(TIMEOUT_MS * 0.8);
    expect(receiver.on("/stuck").length).toBeLessThanOrEqual(2);
    await api.request("DELETE", `/v1/webhooks/endpoints/${stuck.endpoint.id}`, { token: keyK });
  });

  it("exposes Prometheus metrics of attempts by outcome and project", async () => {
    const text = await (await fetch(`http://127.0.0.1:${WORKER_ENV.ONEKEY_WEBHOOK_METRICS_PORT}/metrics`)).text();
    const value = (outcome: string) =>
      Number(
        new RegExp(`onekey_webhook_attempts_total\\{outcome="${outcome}",project_id="${projectP}"\\} (\\d+)`).exec(
          text,
        )?.[1] ?? 0,
      );
    expect(value("delivered")).toBeGreaterThan(10);
    expect(value("gone")).toBe(1);
    expect(value("deferred")).toBeGreaterThan(0);
    expect(text).toMatch(/onekey_webhook_due \d+/);
  });

  it("replays a time range to an endpoint with the same webhook-ids", async () => {
    const client = new OneKeyClient({ baseUrl: ponder.url, apiKey: keyP });
    const endpoint = (await client.listWebhookEndpoints()).find((e) => e.url.endsWith("/p"));
    expect(endpoint).toBeDefined();
    const seen = new Set(receiver.on("/p").map((r) => r.id));
    const before = receiver.on("/p").length;
    const { replayed } = await client.replayWebhooks({
      endpointId: endpoint!.id,
      since: new Date(Date.now() - 24 * 3600_000).toISOString(),
      until: new Date(Date.now() + 24 * 3600_000).toISOString(),
    });
    expect(replayed).toBeGreaterThan(3);
    const again = await eventually(
      "the replayed deliveries",
      async () => receiver.on("/p").slice(before),
      (l) => l.length >= replayed,
    );
    for (const r of again) expect(seen.has(r.id)).toBe(true);
    // A malformed range changes nothing and says which field is wrong.
    await expect(
      client.replayWebhooks({ endpointId: endpoint!.id, since: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" }),
    ).rejects.toMatchObject({ status: 400, field: "until" });
  });
});

describe("faults", () => {
  it("loses nothing when the worker is SIGKILLed mid-burst of 1,000 events; duplicates keep their webhook-id", async () => {
    await register(keyK, "/k", { rateLimitPerSecond: 10_000 });
    let killed: Promise<void> | undefined;
    let kills = 0;
    receiver.onRequest = (r) => {
      if (r.path === "/k" && receiver.on("/k").length === 150) {
        kills++;
        killed = worker.kill();
      }
    };
    // Ten blocks of 100 transactions: the burst lands faster than one worker delivers it.
    const fromBlock = await stack.onekey.blockNumber();
    await stack.onekey.grantRolesInBlocks(owner, projectK, 10, 100);
    await eventually(
      "the kill",
      async () => kills,
      (k) => k === 1,
      60_000,
    );
    await killed;
    receiver.onRequest = undefined;
    worker = await startWorker({ databaseUrl: database.url, encryptionKey, env: WORKER_ENV });
    // The kill may come before Ponder has indexed the last of the ten blocks (a loaded machine):
    // wait for all 1,000 events to be in the outbox rather than count them at once.
    const rows = await eventually(
      "all 1,000 events ingested",
      async () =>
        (
          await db.query<{ id: string }>(
            `SELECT e.id FROM ${VIEWS}.outbox o JOIN onekey_api.webhook_events e ON e.source_id = o.id
              WHERE ${projectK.toString()} = ANY (o.project_ids) AND o.type = 'project.role_granted'
                AND o.block_number > ${fromBlock.toString()}`,
          )
        ).rows,
      (found) => found.length === 1000,
      90_000,
    );
    expect(rows).toHaveLength(1000);
    await eventually(
      "all 1,000 at /k",
      async () => new Set(receiver.on("/k").map((r) => r.id)).size,
      (n) => n === 1000,
      90_000,
    );
    const byId = new Map<string, Set<string>>();
    for (const r of receiver.on("/k")) byId.set(r.id, (byId.get(r.id) ?? new Set()).add(r.body));
    expect([...byId.keys()].sort()).toEqual(rows.map((r) => r.id).sort());
    // A duplicate is the same message: same id, same body.
    for (const bodies of byId.values()) expect(bodies.size).toBe(1);
  });

  it("re-indexing into a new schema sends no old event again and mints no new ids", async () => {
    const before = new Set(receiver.received.map((r) => r.id));
    const countBefore = receiver.received.length;
    const eventsBefore = Number((await db.query("SELECT count(*) FROM onekey_api.webhook_events")).rows[0].count);
    await ponder.stop();
    await startIndexer("hooks_2");
    const subject = await stack.onekey.newAccount();
    const receipt = await stack.onekey.grantConsent(subject, projectP);
    await waitIndexed(receipt);
    await eventually(
      "the new event",
      async () => find("/p", "consent.granted", (e) => e.data.subject === subject.address.toLowerCase()),
      (l) => l.length === 1,
    );
    const eventsAfter = Number((await db.query("SELECT count(*) FROM onekey_api.webhook_events")).rows[0].count);
    expect(eventsAfter).toBe(eventsBefore + 1);
    const since = receiver.received.slice(countBefore);
    expect(since.filter((r) => before.has(r.id))).toEqual([]);
    expect(new Set(since.map((r) => r.id)).size).toBe(1);
  });

  it("never delivers an orphaned event as final: 0 confirmations get a retraction, finality never sees it", async () => {
    const snapshot = (await stack.onekey.rpc("evm_snapshot")) as string;
    const doomed = await stack.onekey.newAccount();
    await stack.onekey.grantConsent(doomed, projectP);
    await stack.onekey.grantConsent(doomed, projectF);
    const [early] = await eventually(
      "the doomed consent at /p",
      async () => find("/p", "consent.granted", (e) => e.data.subject === doomed.address.toLowerCase()),
      (l) => l.length > 0,
    );
    const doomedEvent = parse(early!);
    expect(doomedEvent.block?.finalized).toBe(false);
    await stack.onekey.rpc("evm_revert", [snapshot]);
    await mineBlocks(stack.chain.rpcUrl, 4);
    const [retraction] = await eventually(
      "event.retracted at /p",
      async () => find("/p", "event.retracted", (e) => e.data.retractedId === doomedEvent.id),
      (l) => l.length > 0,
    );
    expect(parse(retraction!).data).toMatchObject({
      retractedType: "consent.granted",
      block: { hash: doomedEvent.block?.hash },
    });
    // A consent that survives reaches F once final; the orphaned one never does.
    const survivor = await stack.onekey.newAccount();
    await stack.onekey.grantConsent(survivor, projectF);
    // Ponder moves its finalized block only once the head is two finality windows (60 blocks) past it.
    await mineBlocks(stack.chain.rpcUrl, 65);
    await eventually(
      "the survivor at /f",
      async () => find("/f", "consent.granted", (e) => e.data.subject === survivor.address.toLowerCase()),
      (l) => l.length > 0,
      60_000,
    );
    const [final] = find("/f", "consent.granted", (e) => e.data.subject === survivor.address.toLowerCase());
    expect(parse(final!).block?.finalized).toBe(true);
    expect(find("/f", "consent.granted", (e) => e.data.subject === doomed.address.toLowerCase())).toHaveLength(0);
    expect(find("/p", "consent.granted", (e) => e.data.subject === doomed.address.toLowerCase())).toHaveLength(1);
  });
});

describe("the integrator SDK", () => {
  it("verifies and parses every delivery the receiver got, typed by event", async () => {
    expect(receiver.received.length).toBeGreaterThan(1000);
    const types = new Set<string>();
    for (const r of receiver.received) {
      const secrets = secretsByPath.get(r.path) ?? [];
      const event = verifyWebhook(r.body, r.headers, secrets, { now: r.wallAt });
      expect(isKnownWebhookEvent(event), event.type).toBe(true);
      types.add(event.type);
    }
    expect([...types].sort()).toEqual(
      [
        "attestation.created",
        "attestation.expired",
        "budget.low",
        "consent.granted",
        "consent.revoked",
        "event.retracted",
        // Projects P and F existed before the first worker pass: their creation is delivered too.
        "project.created",
        "project.role_granted",
        "budget.funded",
        "budget.withdrawn",
      ].sort(),
    );
  });
});
