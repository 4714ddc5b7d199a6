/**
 * Key releases into the audit trail (src/api/routes/keyReleases.ts), on the app with a real API
 * database (PGlite): the key service's report becomes a `key.release` entry of the trail; a wrong
 * or missing service token, a malformed report, or an API without a token writes nothing, and
 * wrong tokens are limited per client.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrator.js";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { ReadModel } from "../../src/api/readModel.js";
import { openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const TOKEN = "ingest-token-of-the-tenant-api-0123456789";
const READER = "0x000000000000000000000000000000000000bEaD";
const UID = `0x${"ab".repeat(32)}`;

const report = (overrides: Record<string, unknown> = {}) => ({
  reader: READER,
  uid: UID,
  chainId: 31337,
  keyId: "k_123",
  outcome: "released",
  at: "2026-12-06T10:00:00.000Z",
  ...overrides,
});

let test: TestApiDb;
const db = () => test.store.db as Kysely<ApiDatabase>;

function api(env: Record<string, string>) {
  return createApi({
    config: readApiConfig({ ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "3", ...env }),
    store: db(),
    readModel: {} as ReadModel,
    verifySignature: () => Promise.reject(new Error("no signatures here")),
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics: createMetrics(),
  });
}

const post = (app: ReturnType<typeof api>, body: unknown, token?: string) =>
  app.request("/v1/internal/key-releases", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const releases = () =>
  db()
    .selectFrom("audit_log")
    .select(["actor", "action", "target", "result", "detail", "project_id"])
    .where("action", "=", "key.release")
    .orderBy("id")
    .execute();

beforeAll(async () => {
  test = await openTestApiDb("pglite", "onekey_key_releases");
  await migrate(db(), "latest");
});
afterAll(async () => {
  await test?.close();
});
beforeEach(async () => {
  await db().deleteFrom("audit_log").execute();
});

describe("POST /v1/internal/key-releases", () => {
  it("writes each decision to the trail: who, which record, released or refused and why", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    expect((await post(app, report(), TOKEN)).status).toBe(201);
    expect(
      (await post(app, report({ outcome: "refused", reason: "ConditionNotMet", reader: UID.slice(0, 42) }), TOKEN))
        .status,
    ).toBe(201);
    const rows = await releases();
    expect(rows.map((r) => [r.actor, r.target, r.result, r.project_id])).toEqual([
      [READER.toLowerCase(), UID, "ok", null],
      [UID.slice(0, 42), UID, "denied", null],
    ]);
    const detail = (r: (typeof rows)[number]) => (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail);
    expect(detail(rows[0] as (typeof rows)[number])).toEqual({
      keyId: "k_123",
      chainId: 31337,
      source: "keyservice",
      decidedAt: "2026-12-06T10:00:00.000Z",
    });
    expect(detail(rows[1] as (typeof rows)[number])).toMatchObject({ reason: "ConditionNotMet" });
  });

  it("refuses a wrong or missing token, limited per client, and writes nothing", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const wrong = await post(app, report(), `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe("ingest_token_invalid");
    expect((await post(app, report())).status).toBe(401);
    expect((await post(app, report(), "short")).status).toBe(401);
    const limited = await post(app, report(), "again");
    expect(limited.status).toBe(429);
    expect(await releases()).toEqual([]);
  });

  it("answers a malformed report 400 naming the field (to the token's holder only), and an API without a token 503", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const bad = await post(app, report({ uid: "0x1234" }), TOKEN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe("uid");
    // Without the token, the same body is a 401: the schema is not told to strangers.
    expect((await post(app, report({ uid: "0x1234" }))).status).toBe(401);
    const unconfigured = await post(api({}), report(), TOKEN);
    expect(unconfigured.status).toBe(503);
    expect(((await unconfigured.json()) as { code: string }).code).toBe("audit_ingest_not_configured");
    expect(await releases()).toEqual([]);
  });
});

describe("POST /v1/internal/audit-entries", () => {
  const ADMIN = "0x00000000000000000000000000000000000a11CE";
  const entry = (overrides: Record<string, unknown> = {}) => ({
    actor: ADMIN,
    action: "issuer.kyc_settings.update",
    target: "project:7",
    projectId: "7",
    outcome: "ok",
    requestId: "req-issuer-42",
    detail: { providers: ["sandbox"], checks: ["document", "liveness"] },
    at: "2026-12-06T10:00:00.000Z",
    ...overrides,
  });
  const postEntry = (app: ReturnType<typeof api>, body: unknown, token?: string) =>
    app.request("/v1/internal/audit-entries", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const issuerEntries = () =>
    db()
      .selectFrom("audit_log")
      .select(["actor", "action", "target", "result", "detail", "project_id", "request_id"])
      .where("action", "like", "issuer.%")
      .orderBy("id")
      .execute();

  it("writes the issuer's admin action to the project's trail with the issuer's request id", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    expect((await postEntry(app, entry(), TOKEN)).status).toBe(201);
    expect(
      (await postEntry(app, entry({ outcome: "denied", detail: { reason: "not_project_admin" } }), TOKEN)).status,
    ).toBe(201);
    const rows = await issuerEntries();
    expect(rows.map((r) => [r.actor, r.action, r.target, r.result, String(r.project_id), r.request_id])).toEqual([
      [ADMIN.toLowerCase(), "issuer.kyc_settings.update", "project:7", "ok", "7", "req-issuer-42"],
      [ADMIN.toLowerCase(), "issuer.kyc_settings.update", "project:7", "denied", "7", "req-issuer-42"],
    ]);
    const detail = typeof rows[0]?.detail === "string" ? JSON.parse(rows[0].detail) : rows[0]?.detail;
    expect(detail).toEqual({
      providers: ["sandbox"],
      checks: ["document", "liveness"],
      source: "issuer",
      actedAt: "2026-12-06T10:00:00.000Z",
    });
  });

  it("refuses a wrong token (sharing the key releases' refusal budget) and writes nothing", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const wrong = await postEntry(app, entry(), `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe("ingest_token_invalid");
    expect((await post(app, report(), "guess")).status).toBe(401);
    expect((await postEntry(app, entry())).status).toBe(401);
    expect((await postEntry(app, entry(), "again")).status).toBe(429);
    expect(await issuerEntries()).toEqual([]);
  });

  it("answers 400 naming the field for an action off the allow-list, personal-looking detail or a bad actor, and writes nothing", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const cases: [Record<string, unknown>, string][] = [
      [{ action: "api_key.create" }, "action"],
      [{ action: "record.open" }, "action"],
      [{ detail: { name: "Ada Lovelace, born 1815" } }, "detail.name"],
      [{ actor: "alice" }, "actor"],
      [{ outcome: "maybe" }, "outcome"],
      [{ requestId: "a b" }, "requestId"],
      [{ extra: 1 }, ""],
    ];
    for (const [overrides, field] of cases) {
      const answer = await postEntry(app, entry(overrides), TOKEN);
      expect(answer.status, JSON.stringify(overrides)).toBe(400);
      if (field) expect(((await answer.json()) as { field: string }).field).toBe(field);
    }
    expect(await issuerEntries()).toEqual([]);
  });
});

describe("Idempotency-Key on the ingest routes", () => {
  const entry = {
    actor: "0x00000000000000000000000000000000000a11ce",
    action: "issuer.kyc_settings.update",
    target: "project:7",
    projectId: "7",
    outcome: "ok",
    requestId: "req-issuer-retried",
    at: "2026-12-06T10:00:00.000Z",
  };
  const send = (app: ReturnType<typeof api>, path: string, body: unknown, key: string, token = TOKEN) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key },
      body: JSON.stringify(body),
    });
  const rows = (action: string) =>
    db().selectFrom("audit_log").select(["action", "request_id"]).where("action", "=", action).execute();

  it("writes a report retried with its key once, and answers the retry as the first", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    for (const [path, body, action] of [
      ["/v1/internal/key-releases", report(), "key.release"],
      ["/v1/internal/audit-entries", entry, "issuer.kyc_settings.update"],
    ] as const) {
      const key = crypto.randomUUID();
      const first = await send(app, path, body, key);
      expect(first.status).toBe(201);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      // The reporter timed out before this answer came and sends the same report again.
      const retried = await send(app, path, body, key);
      expect(retried.status).toBe(201);
      expect(retried.headers.get("idempotent-replayed")).toBe("true");
      expect(await retried.json()).toEqual({ recorded: true });
      expect(await rows(action)).toHaveLength(1);
      // Another report (its own key) is written.
      expect((await send(app, path, body, crypto.randomUUID())).status).toBe(201);
      expect(await rows(action)).toHaveLength(2);
    }
  });

  it("refuses a key reused for another report (409) and replays nothing to a caller without the token", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const key = crypto.randomUUID();
    expect((await send(app, "/v1/internal/audit-entries", entry, key)).status).toBe(201);
    const reused = await send(app, "/v1/internal/audit-entries", { ...entry, outcome: "denied" }, key);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as { code: string }).code).toBe("idempotency_key_reused");
    // A stranger who learnt the key gets the token's refusal, not the recorded answer.
    const stranger = await send(app, "/v1/internal/audit-entries", entry, key, `${TOKEN}x`);
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get("idempotent-replayed")).toBeNull();
    expect(await rows("issuer.kyc_settings.update")).toHaveLength(1);
  });

  it("takes a malformed key as a 400 and writes nothing", async () => {
    const app = api({ ONEKEY_API_AUDIT_INGEST_TOKEN: TOKEN });
    const bad = await send(app, "/v1/internal/key-releases", report(), "not a key");
    expect(bad.status).toBe(400);
    expect(await releases()).toEqual([]);
  });
});
