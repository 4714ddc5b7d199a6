/**
 * `Idempotency-Key` on the tenant API's writes (the IETF httpapi idempotency-key draft, as Stripe
 * does it): a retried POST, PATCH, PUT or DELETE with the same key and the same request gets the
 * first answer, marked `Idempotent-Replayed: true`, instead of acting twice; the same key with a
 * different request is a 409; a key is kept 24 hours.
 *
 * Keys are scoped to the credential that sent them (a session, or an API key) and checked only
 * after it is authenticated, so a revoked credential replays nothing and one tenant's key never
 * meets another's. Only successful answers are kept: a refused request (4xx) or a failure (5xx)
 * leaves no record, so fixing the request and retrying with the same key acts on it afresh.
 *
 * The first answer is stored encrypted under a key derived from the client's Idempotency-Key,
 * which is itself stored only as a hash: the table alone reveals nothing it replays (a created API
 * key's secret, for one). No library does this over our store and our credentials; the whole rule
 * is the claim below, one INSERT ... ON CONFLICT DO NOTHING.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import type { Context, Next } from "hono";
import type { Kysely } from "kysely";
import type { ApiDatabase } from "../../../db/tables.js";
import { ApiError, badRequest } from "./errors.js";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A first request still 'running' after this long died with its process: its key is free again.
 * Far above any request's own time limit; if the first one still finishes, its claim is no longer
 * the row's and it neither overwrites nor frees the retry's.
 */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;
/** Visible ASCII, 1 to 255 characters (a UUID is the usual choice). */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Expired rows removed per claim, so the table stays at about a day of writes without a job. */
const SWEEP_BATCH = 100;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** JSON with sorted keys: `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What makes two requests "the same": method, path, query and body (JSON compared canonically). */
export function requestFingerprint(method: string, url: string, body: string): string {
  const { pathname, search } = new URL(url);
  let normalized = body;
  try {
    normalized = body.trim() === "" ? "" : canonical(JSON.parse(body));
  } catch {
    // Not JSON: compared byte for byte.
  }
  return sha256(`${method}\n${pathname}${search}\n${normalized}`);
}

function cipherKey(idempotencyKey: string, scope: string): Buffer {
  return Buffer.from(hkdfSync("sha256", idempotencyKey, scope, "onekey idempotent response v1", 32));
}

export function sealResponse(body: string, idempotencyKey: string, scope: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cipherKey(idempotencyKey, scope), iv);
  const sealed = Buffer.concat([cipher.update(body, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString("base64")).join(".");
}

export function openResponse(sealed: string, idempotencyKey: string, scope: string): string {
  const [iv, tag, data] = sealed.split(".").map((part) => Buffer.from(part, "base64"));
  if (!iv || !tag || !data) throw new Error("malformed idempotent response");
  const decipher = createDecipheriv("aes-256-gcm", cipherKey(idempotencyKey, scope), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
}

/**
 * Serves `next` at most once per (scope, Idempotency-Key) for 24 hours. `scope` names the
 * authenticated credential (`session:<token hash>`, `key:<key id>`). Requests without the header,
 * and reads, pass straight through.
 */
export async function idempotent(
  c: Context,
  next: Next,
  store: Kysely<ApiDatabase>,
  scope: string,
  now: () => Date,
): Promise<Response | undefined> {
  if (!WRITES.has(c.req.method)) return void (await next());
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return void (await next());
  if (!KEY_FORMAT.test(key)) throw badRequest(IDEMPOTENCY_HEADER, "must be 1 to 255 visible ASCII characters");

  const id = sha256(`${scope}\n${key}`);
  // Hono keeps the body it read, so the route's validator reads it again from here.
  const fingerprint = requestFingerprint(c.req.method, c.req.url, await c.req.text());

  const claim = randomBytes(16).toString("hex");
  for (let attempt = 0; ; attempt++) {
    const at = now();
    await sweep(store, at);
    const claimed = await store
      .insertInto("idempotency_keys")
      .values({ id, fingerprint, state: "running", claim, created_at: at })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (claimed) break;

    const first = await store.selectFrom("idempotency_keys").selectAll().where("id", "=", id).executeTakeFirst();
    if (!first) continue; // Freed between the two statements: claim again.
    const age = at.getTime() - new Date(first.created_at).getTime();
    const stale = age >= IDEMPOTENCY_TTL_MS || (first.state === "running" && age >= ABANDONED_AFTER_MS);
    if (stale && attempt === 0) {
      await store
        .deleteFrom("idempotency_keys")
        .where("id", "=", id)
        .where("created_at", "=", first.created_at)
        .execute();
      continue;
    }
    if (first.fingerprint !== fingerprint) {
      throw new ApiError(
        409,
        "idempotency_key_reused",
        "This Idempotency-Key was used for a different request in the last 24 hours; use a new key",
        IDEMPOTENCY_HEADER,
      );
    }
    if (first.state !== "done" || first.body_ciphertext === null || first.status === null) {
      throw new ApiError(
        409,
        "idempotency_request_in_progress",
        "The first request with this Idempotency-Key is still being served; retry shortly",
        IDEMPOTENCY_HEADER,
        { "Retry-After": "1" },
      );
    }
    return new Response(openResponse(first.body_ciphertext, key, scope), {
      status: first.status,
      headers: { "Content-Type": first.content_type ?? "application/json", "Idempotent-Replayed": "true" },
    });
  }

  let kept = false;
  try {
    await next();
    const res = c.res;
    if (res.status >= 200 && res.status < 300) {
      const body = await res.clone().text();
      await store
        .updateTable("idempotency_keys")
        .set({
          state: "done",
          status: res.status,
          content_type: res.headers.get("content-type"),
          body_ciphertext: sealResponse(body, key, scope),
        })
        .where("id", "=", id)
        .where("claim", "=", claim)
        .execute();
      kept = true;
    }
  } finally {
    // Refused, failed or thrown: free the key so the corrected request can use it.
    if (!kept) await store.deleteFrom("idempotency_keys").where("id", "=", id).where("claim", "=", claim).execute();
  }
  return undefined;
}

/** Drops a batch of expired keys (any claim does this, so no scheduled job is needed). */
async function sweep(store: Kysely<ApiDatabase>, at: Date): Promise<void> {
  const cutoff = new Date(at.getTime() - IDEMPOTENCY_TTL_MS);
  await store
    .deleteFrom("idempotency_keys")
    .where("id", "in", (eb) =>
      eb.selectFrom("idempotency_keys").select("id").where("created_at", "<", cutoff).limit(SWEEP_BATCH),
    )
    .execute();
}
