import type { AddressInfo } from "node:net";
import { freePort } from "@onekey/devnet/processes";
import type { Readiness } from "@onekey/service-kit/health";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../db/migrator.js";
import { type ApiDb, openApiDb } from "../../../db/open.js";
import { newEncryptionKey, startWorker } from "../../../harness/worker.js";
import { readWorkerConfig } from "../../../webhooks/worker/config.js";
import { createWorkerHealth, serveHealth, stallMsFor } from "../../../webhooks/worker/health.js";
import { openTestApiDb, type TestApiDb } from "../../support/testApiDb.js";

const SECRET = "SECRET-DB-PASSWORD-9";

let database: TestApiDb;
let away: ApiDb;

beforeAll(async () => {
  database = await openTestApiDb("postgres", "onekey_worker_health");
  away = openApiDb({
    kind: "postgres",
    url: `postgres://worker:${SECRET}@127.0.0.1:${await freePort()}/none`,
    schema: "onekey_api",
  });
});
afterAll(async () => {
  await away?.close();
  await database?.close();
});

describe("worker liveness", () => {
  it("is 200 while every loop has run within the stall time, and 503 naming the loop that stopped", async () => {
    let clock = 1_000_000;
    const health = createWorkerHealth({
      db: database.store.db,
      loops: ["pipeline", "claims"],
      stallMs: 60_000,
      now: () => clock,
    });
    const live = async () => {
      const res = (await health.respond("/livez")) as Response;
      return { status: res.status, body: await res.json() };
    };
    expect(await live()).toEqual({ status: 200, body: { status: "live" } });
    clock += 30_000;
    health.tick("pipeline");
    clock += 40_000;
    // The claim loop last ran 70 s ago; the pipeline 40 s ago.
    expect(await live()).toEqual({
      status: 503,
      body: { status: "not_live", error: "the claims loop last ran 70 s ago" },
    });
    health.tick("claims");
    expect((await live()).status).toBe(200);
    expect(health.respond("/metrics")).toBeUndefined();
    expect(stallMsFor(100)).toBe(60_000);
    expect(stallMsFor(10_000)).toBe(200_000);
  });
});

describe("worker readiness", () => {
  it("is 200 while the database answers, 503 naming it when unreachable; liveness stays 200", async () => {
    const up = createWorkerHealth({ db: database.store.db, loops: ["pipeline"], stallMs: 60_000 });
    const ready = (await up.respond("/readyz")) as Response;
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: { ok: true } } });

    const down = createWorkerHealth({ db: away.db, loops: ["pipeline"], stallMs: 60_000 });
    const server = await serveHealth(down, 0, "127.0.0.1");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${url}/readyz`);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(JSON.parse(text) as Readiness).toMatchObject({
        status: "not_ready",
        checks: { database: { ok: false, error: expect.stringMatching(/ECONNREFUSED/) } },
      });
      expect(text).not.toContain(SECRET);
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      expect((await fetch(`${url}/nothing`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe("the worker process", () => {
  const base = {
    ONEKEY_INDEXER_DATABASE_URL: "postgres://127.0.0.1/x",
    ONEKEY_WEBHOOK_ENCRYPTION_KEY: "aa".repeat(32),
  };

  it("reads the health port (off by default, 127.0.0.1) and refuses the metrics port for it", () => {
    expect(readWorkerConfig(base).health).toBeUndefined();
    expect(readWorkerConfig({ ...base, ONEKEY_WEBHOOK_HEALTH_PORT: "9464" }).health).toEqual({
      port: 9464,
      host: "127.0.0.1",
    });
    expect(() =>
      readWorkerConfig({ ...base, ONEKEY_WEBHOOK_HEALTH_PORT: "9464", ONEKEY_WEBHOOK_METRICS_PORT: "9464" }),
    ).toThrow(/ONEKEY_WEBHOOK_HEALTH_PORT must differ/);
  });

  it("serves /livez and /readyz on ONEKEY_WEBHOOK_HEALTH_PORT", async () => {
    await migrate(database.store.db, "latest");
    const port = await freePort();
    const worker = await startWorker({
      databaseUrl: database.url as string,
      encryptionKey: newEncryptionKey(),
      env: { ONEKEY_API_SCHEMA: database.schema, ONEKEY_WEBHOOK_HEALTH_PORT: String(port) },
    });
    try {
      expect(worker.logs()).toContain(`"healthPort":${port}`);
      const live = await fetch(`http://127.0.0.1:${port}/livez`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: { ok: true } } });
    } finally {
      await worker.stop();
    }
  });
});
