/**
 * The services' audit reporter (@onekey/service-kit/audit-reporter, used by the issuer and the key
 * service) against a real local HTTP receiver standing in for the tenant API's ingest: reports
 * arrive in order with the token and one Idempotency-Key each (the same on every retry); the API
 * failing, limiting or refusing the token is retried and said once per outage; only a report the
 * API will never take (400/413/422) is dropped; a full queue loses refusals before genuine
 * actions; the caller never waits; and a shutdown flush is bounded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AuditReporter, type OutageEvent, type ReportOutcome } from "@onekey/service-kit/audit-reporter";
import { afterEach, describe, expect, it } from "vitest";
import type { IssuerAuditEntry } from "../src/audit/reporter.js";

const TOKEN = "ingest-token-of-the-tenant-api-0123456789";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Received {
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: IssuerAuditEntry;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/**
 * A receiver answering each request with the next status of `statuses` (the last one repeats);
 * "hang" holds the answer until `release()`. `attempts` has every request, `received` the taken ones.
 */
async function receiver(statuses: (number | "hang")[]) {
  const received: Received[] = [];
  const attempts: Received[] = [];
  const held: (() => void)[] = [];
  let n = 0;
  server = createServer(async (req: IncomingMessage, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const got = {
      path: req.url ?? "",
      authorization: req.headers.authorization,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      body: JSON.parse(text),
    };
    attempts.push(got);
    const status = statuses[Math.min(n++, statuses.length - 1)] as number | "hang";
    if (status === "hang") {
      held.push(() => {
        received.push(got);
        res.writeHead(201).end("{}");
      });
      return;
    }
    if (status < 300) received.push(got);
    res.writeHead(status, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    attempts,
    /** Answers every held request 201. */
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    held: () => held.length,
  };
}

const entry = (n: number, outcome: IssuerAuditEntry["outcome"] = "ok"): IssuerAuditEntry => ({
  actor: "0x00000000000000000000000000000000000a11ce",
  action: "issuer.kyc_settings.update",
  target: `project:${n}`,
  projectId: String(n),
  outcome,
  requestId: `req-${n}`,
  detail: { providers: ["sandbox"], checks: ["document"] },
  at: "2026-12-06T10:00:00.000Z",
});

function reporterTo(url: string, options: { maxQueued?: number; timeoutMs?: number } = {}) {
  const outcomes: [ReportOutcome, string, string | undefined][] = [];
  const outages: OutageEvent["state"][] = [];
  const reporter = new AuditReporter<IssuerAuditEntry>({
    url,
    path: "/v1/internal/audit-entries",
    token: TOKEN,
    backoffMs: () => 5,
    timeoutMs: options.timeoutMs ?? 1_000,
    maxQueued: options.maxQueued,
    expendable: (e) => e.outcome === "denied",
    onOutcome: (outcome, e, why) => outcomes.push([outcome, e.requestId, why]),
    onOutage: (event) => outages.push(event.state),
  });
  return { reporter, outcomes, outages };
}

/** Resolves once `check` holds, polling the event loop (no fixed sleep). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe("the services' audit reporter", () => {
  it("sends each report, in order, with the ingest token and its own Idempotency-Key", async () => {
    const api = await receiver([201]);
    const { reporter, outcomes } = reporterTo(api.url);
    for (const n of [1, 2, 3]) reporter.report(entry(n));
    await reporter.flushed();
    expect(api.received.map((r) => [r.path, r.authorization, r.body.requestId])).toEqual([
      ["/v1/internal/audit-entries", `Bearer ${TOKEN}`, "req-1"],
      ["/v1/internal/audit-entries", `Bearer ${TOKEN}`, "req-2"],
      ["/v1/internal/audit-entries", `Bearer ${TOKEN}`, "req-3"],
    ]);
    expect(api.received[0]?.body).toEqual(entry(1));
    const keys = api.received.map((r) => r.idempotencyKey);
    for (const key of keys) expect(key).toMatch(UUID);
    expect(new Set(keys).size).toBe(3);
    expect(outcomes.map((o) => o[0])).toEqual(["sent", "sent", "sent"]);
  });

  it("retries a failing, limiting or token-refusing API with the same Idempotency-Key, and says the outage once", async () => {
    const api = await receiver([503, 429, 401, 403, 201]);
    const { reporter, outcomes, outages } = reporterTo(api.url);
    reporter.report(entry(1));
    await reporter.flushed();
    expect(api.received.map((r) => r.body.requestId)).toEqual(["req-1"]);
    expect(new Set(api.attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    expect(outcomes).toEqual([
      ["retried", "req-1", "status 503"],
      ["retried", "req-1", "status 429"],
      ["retried", "req-1", "status 401"],
      ["retried", "req-1", "status 403"],
      ["sent", "req-1", undefined],
    ]);
    expect(outages).toEqual(["down", "up"]);
    expect(reporter.drops).toEqual({ refused_400: 0, refused_413: 0, refused_422: 0, queue_full: 0 });
  });

  it("sends a report whose answer timed out again under the same key (so the API writes it once)", async () => {
    const api = await receiver(["hang", 201]);
    const { reporter, outcomes } = reporterTo(api.url, { timeoutMs: 200 });
    reporter.report(entry(1));
    await reporter.flushed();
    api.release();
    expect(api.attempts).toHaveLength(2);
    expect(api.attempts[0]?.idempotencyKey).toMatch(UUID);
    expect(api.attempts[1]?.idempotencyKey).toBe(api.attempts[0]?.idempotencyKey);
    expect(outcomes.map((o) => [o[0], o[2]])).toEqual([
      ["retried", "TimeoutError"],
      ["sent", undefined],
    ]);
  });

  it("drops only what the API will never take (400, 413, 422), counts why, and sends the next", async () => {
    const api = await receiver([400, 413, 422, 404, 201]);
    const { reporter, outcomes } = reporterTo(api.url);
    for (const n of [1, 2, 3, 4]) reporter.report(entry(n));
    await reporter.flushed();
    expect(api.received.map((r) => r.body.requestId)).toEqual(["req-4"]);
    expect(outcomes).toEqual([
      ["dropped", "req-1", "refused_400"],
      ["dropped", "req-2", "refused_413"],
      ["dropped", "req-3", "refused_422"],
      ["retried", "req-4", "status 404"],
      ["sent", "req-4", undefined],
    ]);
    expect(reporter.drops).toEqual({ refused_400: 1, refused_413: 1, refused_422: 1, queue_full: 0 });
  });

  it("never makes the caller wait, and a full queue loses refusals before genuine actions", async () => {
    const api = await receiver(["hang", 201]);
    const { reporter, outcomes } = reporterTo(api.url, { maxQueued: 4 });
    reporter.report(entry(1));
    // report() returned while the API had not answered: the caller was not held.
    await until(() => api.held() === 1);
    expect(api.received).toHaveLength(0);
    reporter.report(entry(2, "denied"));
    reporter.report(entry(3));
    reporter.report(entry(4, "denied"));
    // Full: the oldest waiting refusal goes, then the next, and only then a genuine action.
    reporter.report(entry(5));
    reporter.report(entry(6));
    expect(reporter.queued).toBe(4);
    // A refusal arriving when only genuine actions wait is the one dropped.
    reporter.report(entry(7, "denied"));
    reporter.report(entry(8));
    expect(outcomes.filter((o) => o[0] === "dropped").map((o) => [o[1], o[2]])).toEqual([
      ["req-2", "queue_full"],
      ["req-4", "queue_full"],
      ["req-7", "queue_full"],
      ["req-3", "queue_full"],
    ]);
    api.release();
    await reporter.flushed();
    // The one in flight when the queue filled was never pushed out.
    expect(api.received.map((r) => r.body.requestId)).toEqual(["req-1", "req-5", "req-6", "req-8"]);
    expect(reporter.drops.queue_full).toBe(4);
  });

  it("flushes on shutdown within a time limit: true once emptied, false (and stopped) when the API is away", async () => {
    const api = await receiver([201]);
    const done = reporterTo(api.url);
    done.reporter.report(entry(1));
    expect(await done.reporter.flush(5_000)).toBe(true);
    expect(api.received).toHaveLength(1);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));

    const away = await receiver(["hang"]);
    const stuck = reporterTo(away.url, { timeoutMs: 60_000 });
    stuck.reporter.report(entry(2));
    expect(await stuck.reporter.flush(50)).toBe(false);
    expect(stuck.reporter.queued).toBe(1);
    // Stopped: nothing more is queued or sent.
    stuck.reporter.report(entry(3));
    expect(stuck.reporter.queued).toBe(1);
  });
});
