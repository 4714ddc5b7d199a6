/**
 * Idempotency-Key (src/api/http/idempotency.ts) over a real store, on PGlite and PostgreSQL: a
 * small Hono app whose write counts how often it really acted, so every replay, conflict and
 * expiry is checked against what happened, not only against what was answered.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../../db/migrator.js";
import type { ApiDb } from "../../../db/open.js";
import { ApiError, errorResponse } from "../../../src/api/http/errors.js";
import {
  ABANDONED_AFTER_MS,
  IDEMPOTENCY_TTL_MS,
  idempotent,
  requestFingerprint,
} from "../../../src/api/http/idempotency.js";
import { openTestApiDb, type TestApiDb } from "../../support/testApiDb.js";

describe.each(["pglite", "postgres"] as const)("Idempotency-Key on %s", (kind) => {
  let store: ApiDb;
  let test: TestApiDb;
  let clock: Date;
  /** How many times the write really ran, and what it did each time. */
  let acted: string[];
  /** When set, the write waits for it (to hold a first request open). */
  let gate: Promise<void> | undefined;
  /** How many writes are held at the gate now or were. */
  let waiting: number;
  let app: Hono;

  beforeAll(async () => {
    test = await openTestApiDb(kind, "onekey_idempotency");
    store = test.store;
    await migrate(store.db, "latest");
    app = new Hono();
    // The credential's identity is the scope; tests send it as a header to stand in for auth.
    app.use("/things/*", (c, next) => idempotent(c, next, store.db, `key:${c.req.header("x-who")}`, () => clock));
    app.post("/things/:name", async (c) => {
      const body = await c.req.json<{ size?: number; refuse?: boolean }>();
      if (body.refuse) throw new ApiError(400, "invalid_request", "size: refused", "size");
      const held = gate;
      if (held) {
        waiting++;
        await held;
      }
      acted.push(c.req.param("name"));
      return c.json({ n: acted.length, secret: `okk_secret_${acted.length}`, size: body.size }, 201);
    });
    app.get("/things/:name", (c) => c.json({ reads: acted.length }));
    app.onError((error, c) => {
      if (error instanceof ApiError) return errorResponse(c, error);
      throw error;
    });
  });
  afterAll(async () => {
    await test?.close();
  });
  beforeEach(async () => {
    await store.db.deleteFrom("idempotency_keys").execute();
    clock = new Date("2026-12-05T12:00:00Z");
    acted = [];
    gate = undefined;
    waiting = 0;
  });

  const send = async (path: string, body: unknown, key?: string, who = "a", method = "POST") => {
    const headers: Record<string, string> = { "content-type": "application/json", "x-who": who };
    if (key !== undefined) headers["idempotency-key"] = key;
    const res = await app.request(path, { method, headers, body: method === "GET" ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  it("acts once for a retried write and answers the retry with the first response", async () => {
    const first = await send("/things/x", { size: 1 }, "k-1");
    const retry = await send("/things/x", { size: 1 }, "k-1");
    expect(acted).toEqual(["x"]);
    expect(first).toMatchObject({ status: 201, body: { n: 1, secret: "okk_secret_1" } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
  });

  it("treats the same JSON with its keys in another order as the same request", async () => {
    await app.request("/things/x", {
      method: "POST",
      headers: { "content-type": "application/json", "x-who": "a", "idempotency-key": "k-2" },
      body: '{"size":1,"colour":"red"}',
    });
    const retry = await app.request("/things/x", {
      method: "POST",
      headers: { "content-type": "application/json", "x-who": "a", "idempotency-key": "k-2" },
      body: '{ "colour": "red", "size": 1 }',
    });
    expect(retry.status).toBe(201);
    expect(acted).toEqual(["x"]);
  });

  it("refuses the same key with another body or path (409) and does not act", async () => {
    await send("/things/x", { size: 1 }, "k-3");
    const otherBody = await send("/things/x", { size: 2 }, "k-3");
    const otherPath = await send("/things/y", { size: 1 }, "k-3");
    expect(otherBody).toMatchObject({ status: 409, body: { error: { code: "idempotency_key_reused" } } });
    expect(otherPath.status).toBe(409);
    expect(acted).toEqual(["x"]);
  });

  it("acts once when the same write arrives many times at once", async () => {
    let open!: () => void;
    gate = new Promise((r) => {
      open = r;
    });
    const burst = Array.from({ length: 8 }, () => send("/things/x", { size: 1 }, "k-4"));
    // The losers answer at once (409, in progress) while the winner is held at the gate.
    const waitFor = async () => {
      while ((await store.db.selectFrom("idempotency_keys").select("id").execute()).length === 0) {
        await new Promise((r) => setImmediate(r));
      }
    };
    await waitFor();
    open();
    const results = await Promise.all(burst);
    expect(acted).toEqual(["x"]);
    // Each answer is the one write's (first or replayed), or a 409 asking to retry shortly.
    for (const r of results) {
      if (r.status === 201) expect(r.body).toMatchObject({ n: 1 });
      else {
        expect(r).toMatchObject({ status: 409, body: { error: { code: "idempotency_request_in_progress" } } });
        expect(r.headers.get("retry-after")).toBe("1");
      }
    }
    expect(results.filter((r) => r.status === 201 && !r.headers.get("idempotent-replayed"))).toHaveLength(1);
    const after = await send("/things/x", { size: 1 }, "k-4");
    expect(after).toMatchObject({ status: 201, body: { n: 1 } });
    expect(acted).toEqual(["x"]);
  });

  it("keeps no refused answer: the corrected request with the same key acts", async () => {
    const refused = await send("/things/x", { refuse: true }, "k-5");
    expect(refused.status).toBe(400);
    const corrected = await send("/things/x", { size: 3 }, "k-5");
    expect(corrected).toMatchObject({ status: 201, body: { size: 3 } });
    expect(acted).toEqual(["x"]);
  });

  it("forgets a key after 24 hours, and frees one whose first request died", async () => {
    await send("/things/x", { size: 1 }, "k-6");
    clock = new Date(clock.getTime() + IDEMPOTENCY_TTL_MS - 1000);
    expect((await send("/things/x", { size: 1 }, "k-6")).headers.get("idempotent-replayed")).toBe("true");
    clock = new Date(clock.getTime() + 2000);
    expect((await send("/things/x", { size: 1 }, "k-6")).body).toMatchObject({ n: 2 });
    expect(acted).toHaveLength(2);

    // A process died mid-request: its claim stays 'running', refused as in progress until
    // ABANDONED_AFTER_MS, then free again.
    const id = createHash("sha256").update("key:a\nk-7").digest("hex");
    const fingerprint = requestFingerprint("POST", "http://localhost/things/z", '{"size":1}');
    await store.db
      .insertInto("idempotency_keys")
      .values({ id, fingerprint, state: "running", claim: "dead-process", created_at: clock })
      .execute();
    expect((await send("/things/z", { size: 1 }, "k-7")).body).toMatchObject({
      error: { code: "idempotency_request_in_progress" },
    });
    clock = new Date(clock.getTime() + ABANDONED_AFTER_MS + 1);
    expect((await send("/things/z", { size: 1 }, "k-7")).status).toBe(201);
    expect(acted).toEqual(["x", "x", "z"]);
  });

  it("keeps the retry's answer when a first request taken over as abandoned finishes after all", async () => {
    let release!: () => void;
    gate = new Promise((r) => {
      release = r;
    });
    const first = send("/things/x", { size: 1 }, "k-slow");
    // Held inside the write (past its claim), so the retry below cannot overtake it.
    while (waiting === 0) await new Promise((r) => setImmediate(r));
    clock = new Date(clock.getTime() + ABANDONED_AFTER_MS + 1);
    gate = undefined;
    const retry = await send("/things/x", { size: 1 }, "k-slow");
    expect(retry).toMatchObject({ status: 201, body: { n: 1 } });
    release();
    expect((await first).body).toMatchObject({ n: 2 });
    // The first one's late completion did not overwrite or free the retry's record.
    const again = await send("/things/x", { size: 1 }, "k-slow");
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(retry.body);
  });

  it("sweeps expired keys as new ones are claimed", async () => {
    for (let i = 0; i < 3; i++) await send("/things/x", { size: i }, `old-${i}`);
    clock = new Date(clock.getTime() + IDEMPOTENCY_TTL_MS + 1);
    await send("/things/x", { size: 9 }, "new");
    const left = await store.db.selectFrom("idempotency_keys").select("id").execute();
    expect(left).toHaveLength(1);
  });

  it("scopes keys to the credential: another tenant's identical key acts for itself and sees nothing", async () => {
    const a = await send("/things/x", { size: 1 }, "shared-key", "a");
    const b = await send("/things/x", { size: 1 }, "shared-key", "b");
    expect(b.body.secret).not.toBe(a.body.secret);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    expect(acted).toHaveLength(2);
  });

  it("stores neither the key nor the answer in the clear", async () => {
    const first = await send("/things/x", { size: 1 }, "k-8-visible");
    const rows = await store.db.selectFrom("idempotency_keys").selectAll().execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(first.body.secret as string);
    expect(dump).not.toContain("k-8-visible");
    expect(rows[0]?.state).toBe("done");
  });

  it("refuses a malformed key (400) and lets reads and unkeyed writes through", async () => {
    const bad = await send("/things/x", { size: 1 }, "has space");
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_request", field: "Idempotency-Key" } } });
    expect(acted).toEqual([]);
    await send("/things/x", { size: 1 });
    await send("/things/x", { size: 1 });
    expect(acted).toHaveLength(2);
    expect((await send("/things/x", undefined, "k-9", "a", "GET")).status).toBe(200);
    expect(await store.db.selectFrom("idempotency_keys").select("id").execute()).toEqual([]);
  });
});
