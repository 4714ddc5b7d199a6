/**
 * What `npm run dev` seeds (scripts/dev-seed.ts), against the real pieces dev runs: a local chain
 * with OneKey deployed, Ponder's tenant API on PostgreSQL and the webhook worker. The demo project's
 * API key works against GET /v1/project, its webhook endpoint exists and points at dev's receiver,
 * which verifies the delivered test event; `--empty` seeds nothing; the banner shows the key's
 * secret and .dev/stack.json's entry does not.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { waitFor } from "@onekey/devnet/processes";
import { type PonderProcess, startPonder } from "@onekey/indexer/harness/ponder";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { newEncryptionKey, startWorker, type WorkerProcess } from "@onekey/indexer/harness/worker";
import { createPublicClient, http } from "viem";
import {
  DEMO_KEY_SCOPES,
  type DevDemo,
  demoBanner,
  demoStackEntry,
  parseDevArgs,
  seedDevDemo,
} from "../../scripts/dev-seed.js";

let scratch: string;
let chain: LocalChain;
let database: TestDatabase;
let ponder: PonderProcess;
let worker: WorkerProcess;
let demo: DevDemo | undefined;
const receiverLog: string[] = [];

describe("npm run dev's seeding", () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "onekey-dev-seed-"));
    chain = await startLocalChain({ ignitionDir: join(scratch, "ignition"), deployBookDir: join(scratch, "book") });
    database = await createTestDatabase("onekey_dev_seed");
    const encryptionKey = newEncryptionKey();
    const webhookEnv = { ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0" };
    ponder = await startPonder({
      rpcUrl: chain.rpcUrl,
      deployBookDir: join(scratch, "book"),
      database: { kind: "postgres", url: database.url },
      schema: "dev_seed",
      viewsSchema: "onekey",
      env: { ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey, ...webhookEnv },
    });
    worker = await startWorker({ databaseUrl: database.url, encryptionKey, env: webhookEnv });
  });

  after(async () => {
    await demo?.stop();
    await worker?.stop();
    await ponder?.stop();
    await database?.drop();
    await chain?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("reads --empty, and refuses any other argument", () => {
    assert.deepEqual(parseDevArgs([]), { empty: false });
    assert.deepEqual(parseDevArgs(["--empty"]), { empty: true });
    assert.throws(
      () => parseDevArgs(["--emtpy"]),
      /npm run dev: Unknown option '--emtpy'.*\(usage: npm run dev \[-- --empty\]\)/s,
    );
    assert.throws(() => parseDevArgs(["demo"]), /Unexpected argument 'demo'/);
    assert.throws(() => parseDevArgs(["--empty=yes"]), /does not take an argument/);
  });

  it("--empty seeds nothing: no transaction, no receiver, and the banner says so", async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const before = await client.getBlockNumber({ cacheTime: 0 });
    if (!chain.deployment) throw new Error("no deployment");
    const bare = await seedDevDemo({
      empty: true,
      rpcUrl: chain.rpcUrl,
      deployment: chain.deployment,
      apiUrl: ponder.url,
    });
    assert.equal(bare.seed, undefined);
    assert.equal(bare.receiver, undefined);
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), before);
    assert.equal(demoStackEntry(bare.seed), null);
    assert.match(demoBanner(bare.seed, "http://localhost:5173").join("\n"), /none \(--empty\)/);
  });

  it("seeds the demo project's API key and a webhook endpoint at a receiver that verifies deliveries", async () => {
    if (!chain.deployment) throw new Error("no deployment");
    demo = await seedDevDemo({
      empty: false,
      rpcUrl: chain.rpcUrl,
      deployment: chain.deployment,
      apiUrl: ponder.url,
      log: (line) => receiverLog.push(line),
    });
    const { seed, receiver } = demo;
    assert.ok(seed && receiver);

    // The key works against the tenant API, and sees the demo project.
    const project = await seed.client.getProject();
    assert.equal(project.projectId, String(seed.projectId));
    assert.equal(project.slug, "demo");
    assert.match(seed.apiKey.secret, /^okk_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(seed.apiKey.scopes, DEMO_KEY_SCOPES);

    // The endpoint exists, enabled, at the receiver.
    const endpoints = await seed.client.listWebhookEndpoints();
    assert.deepEqual(
      endpoints.map((e) => ({ id: e.id, url: e.url, enabled: e.enabled })),
      [{ id: seed.webhook.endpointId, url: receiver.url, enabled: true }],
    );

    // The worker delivers the test event; the receiver checks its signature and says so.
    await waitFor("the receiver to verify the test event", async () =>
      receiver.verified.includes(seed.webhook.testEventId),
    );
    assert.ok(
      receiverLog.includes(`webhook webhook.test ${seed.webhook.testEventId} verified`),
      receiverLog.join("\n"),
    );
    await waitFor("the worker to record the delivery", async () => {
      const deliveries = await seed.client.listWebhookDeliveries({ endpointId: seed.webhook.endpointId });
      return deliveries.data.find((d) => d.eventId === seed.webhook.testEventId)?.status === "delivered";
    });

    // A forged delivery is refused and logged as such.
    const forged = await fetch(receiver.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": "evt_forged",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      },
      body: "{}",
    });
    assert.equal(forged.status, 400);
    assert.equal(receiverLog.at(-1), "webhook rejected (bad_signature)");
    const huge = await fetch(receiver.url, { method: "POST", body: "x".repeat(2 << 20) });
    assert.equal(huge.status, 413);

    // The banner shows the secret (once); the stack file's entry names the key but holds no secret.
    const banner = demoBanner(seed, "http://localhost:5173").join("\n");
    assert.equal(banner.split(seed.apiKey.secret).length - 1, 1);
    assert.match(banner, new RegExp(`endpoint ${seed.webhook.endpointId}`));
    const entry = demoStackEntry(seed);
    assert.deepEqual(entry, {
      orgId: String(seed.orgId),
      projectId: String(seed.projectId),
      slug: "demo",
      apiKeyId: seed.apiKey.id,
      webhookEndpointId: seed.webhook.endpointId,
      webhookReceiverUrl: receiver.url,
    });
    assert.doesNotMatch(JSON.stringify(entry), /okk_/);
    assert.doesNotMatch(receiverLog.join("\n"), /okk_|whsec_/);
  });
});
