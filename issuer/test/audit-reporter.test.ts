/**
 * The issuer's audit reporter (src/audit/reporter.ts) against a real local HTTP receiver standing
 * in for the tenant API's ingest: reports arrive in order with the token, are retried while the
 * API fails or limits, a refused one is dropped (and said so) without holding up the next, and
 * while the API is away the caller never waits and the queue stays bounded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AuditReporter, type IssuerAuditEntry, type ReportOutcome } from "../src/audit/reporter.js";

const TOKEN = "ingest-token-of-the-tenant-api-0123456789";

interface Received {
  path: string;
  authorization: string | undefined;
  body: IssuerAuditEntry;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A receiver answering each request with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  let n = 0;
  server = createServer(async (req: IncomingMessage, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const status = statuses[Math.min(n++, statuses.length - 1)] as number;
    if (status < 300) {
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(text) });
    }
    res.writeHead(status, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

const entry = (n: number): IssuerAuditEntry => ({
  actor: "0x00000000000000000000000000000000000a11ce",
  action: "issuer.kyc_settings.update",
  target: `project:${n}`,
  projectId: String(n),
  outcome: "ok",
  requestId: `req-${n}`,
  detail: { providers: ["sandbox"], checks: ["document"] },
  at: "2026-12-06T10:00:00.000Z",
});

function reporterTo(url: string, options: { maxQueued?: number } = {}) {
  const outcomes: [ReportOutcome, string, string | undefined][] = [];
  const reporter = new AuditReporter({
    url,
    token: TOKEN,
    backoffMs: () => 5,
    timeoutMs: 1_000,
    onOutcome: (outcome, e, why) => outcomes.push([outcome, e.requestId, why]),
    ...options,
  });
  return { reporter, outcomes };
}

describe("the issuer's audit reporter", () => {
  it("sends each report, in order, with the ingest token, to the audit-entries route", async () => {
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
    expect(outcomes.map((o) => o[0])).toEqual(["sent", "sent", "sent"]);
  });

  it("retries while the API fails or limits, and delivers the report once", async () => {
    const api = await receiver([503, 429, 201]);
    const { reporter, outcomes } = reporterTo(api.url);
    reporter.report(entry(1));
    await reporter.flushed();
    expect(api.received.map((r) => r.body.requestId)).toEqual(["req-1"]);
    expect(outcomes).toEqual([
      ["retried", "req-1", "status 503"],
      ["retried", "req-1", "status 429"],
      ["sent", "req-1", undefined],
    ]);
  });

  it("drops a report the API refuses (never taken), says why, and sends the next", async () => {
    const api = await receiver([400, 201]);
    const { reporter, outcomes } = reporterTo(api.url);
    reporter.report(entry(1));
    reporter.report(entry(2));
    await reporter.flushed();
    expect(api.received.map((r) => r.body.requestId)).toEqual(["req-2"]);
    expect(outcomes).toEqual([
      ["dropped", "req-1", "refused with 400"],
      ["sent", "req-2", undefined],
    ]);
  });

  it("never makes the caller wait while the API is away, and keeps at most maxQueued", async () => {
    // A port nobody listens on: connection refused, every attempt retried.
    const away = await receiver([201]);
    const url = away.url;
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const { reporter, outcomes } = reporterTo(url, { maxQueued: 3 });
    const started = performance.now();
    for (const n of [1, 2, 3, 4, 5]) reporter.report(entry(n));
    expect(performance.now() - started).toBeLessThan(50);
    expect(reporter.queued).toBe(3);
    // The one being sent stays; the oldest waiting ones made room.
    expect(outcomes.filter((o) => o[0] === "dropped").map((o) => o[1])).toEqual(["req-2", "req-3"]);
    reporter.stop();
    await reporter.flushed();
  });
});
