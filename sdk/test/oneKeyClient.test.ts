/**
 * The client against a real local HTTP server: what goes over the wire (method, path, query,
 * headers, JSON body) and how error bodies become OneKeyApiError.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OneKeyApiError, OneKeyClient, paginate } from "../src/index.js";

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

const API_KEY = "okk_test0000000000000000000000000000000000000000";
let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
/** Answers in order; when empty, 200 {}. */
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const reply = replies.shift() ?? { status: 200, body: {} };
      const text = reply.raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        ...(text && reply.raw === undefined ? { "Content-Type": "application/json" } : {}),
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  requests = [];
  replies = [];
});

const client = () => new OneKeyClient({ baseUrl, apiKey: API_KEY });

/** The one request the server saw. */
function only(): Recorded {
  expect(requests).toHaveLength(1);
  return requests[0] as Recorded;
}

describe("OneKeyClient requests", () => {
  it("sends the API key as a bearer token and asks for JSON", async () => {
    replies.push({ status: 200, body: { projectId: "7", slug: "acme-app" } });
    const project = await client().getProject();
    expect(project).toEqual({ projectId: "7", slug: "acme-app" });
    const req = only();
    expect(req).toMatchObject({ method: "GET", path: "/v1/project", query: {}, body: "" });
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers.accept).toBe("application/json");
    expect(req.headers["content-type"]).toBeUndefined();
  });

  it("keeps a path prefix of the base URL and ignores trailing slashes", async () => {
    await new OneKeyClient({ baseUrl: `${baseUrl}/indexer/`, apiKey: API_KEY }).getBudget();
    expect(only().path).toBe("/indexer/v1/budget");
  });

  it("maps each tenant route to its method, path and query", async () => {
    const c = client();
    const subject = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    await c.getSubject(subject);
    await c.listAttestations(subject, { limit: 10, cursor: "abc" });
    await c.listConsents({
      minLevel: 2,
      status: "all",
      updatedSince: new Date("2026-01-01T00:00:00Z"),
      limit: 500,
    });
    await c.listConsents({ updatedSince: 1767225600 });
    await c.listConsents();
    await c.getBudget();
    await c.listSponsoredOperations({ limit: 5 });
    await c.getAnalytics("usage");
    await c.getAnalytics("performance", {
      granularity: "hour",
      from: new Date("2026-11-01T00:00:00Z"),
      to: "2026-11-02",
    });
    expect(requests.map(({ method, path, query }) => ({ method, path, query }))).toEqual([
      { method: "GET", path: `/v1/subjects/${subject}`, query: {} },
      { method: "GET", path: `/v1/subjects/${subject}/attestations`, query: { limit: "10", cursor: "abc" } },
      {
        method: "GET",
        path: "/v1/consents",
        query: { minLevel: "2", status: "all", updatedSince: "2026-01-01T00:00:00.000Z", limit: "500" },
      },
      { method: "GET", path: "/v1/consents", query: { updatedSince: "1767225600" } },
      { method: "GET", path: "/v1/consents", query: {} },
      { method: "GET", path: "/v1/budget", query: {} },
      { method: "GET", path: "/v1/budget/operations", query: { limit: "5" } },
      { method: "GET", path: "/v1/analytics/usage", query: {} },
      {
        method: "GET",
        path: "/v1/analytics/performance",
        query: { granularity: "hour", from: "2026-11-01T00:00:00.000Z", to: "2026-11-02" },
      },
    ]);
  });

  it("maps each webhook route to its method, path, query and JSON body", async () => {
    const c = client();
    replies.push({ status: 201, body: { endpoint: { id: "whe_1" }, secret: "whsec_x" } });
    expect(
      await c.createWebhookEndpoint({
        url: "https://example.com/hooks",
        eventTypes: ["consent.granted"],
        rateLimitPerSecond: 5,
      }),
    ).toEqual({ endpoint: { id: "whe_1" }, secret: "whsec_x" });
    replies.push({ status: 200, body: { data: [{ id: "whe_1" }] } });
    expect(await c.listWebhookEndpoints()).toEqual([{ id: "whe_1" }]);
    await c.getWebhookEndpoint("whe_1");
    await c.updateWebhookEndpoint("whe_1", { enabled: false, description: "paused" });
    replies.push({ status: 204 });
    expect(await c.deleteWebhookEndpoint("whe_1")).toBeUndefined();
    await c.rotateWebhookSecret("whe_1", { graceSeconds: 3600 });
    replies.push({ status: 202, body: { eventId: "evt_1" } });
    expect(await c.sendTestWebhook("whe_1")).toEqual({ eventId: "evt_1" });
    await c.listWebhookDeliveries({ endpointId: "whe_1", status: "dead", limit: 20 });
    await c.getWebhookDelivery("wdl_1");
    await c.replayWebhookDelivery("wdl_1");
    await c.replayWebhooks({
      endpointId: "whe_1",
      since: new Date("2026-03-01T00:00:00Z"),
      until: "2026-03-02T00:00:00Z",
    });
    await c.getWebhookSettings();
    await c.updateWebhookSettings({ confirmations: 12, budgetLowThreshold: "1000" });

    expect(requests.map(({ method, path, query }) => [method, path, query])).toEqual([
      ["POST", "/v1/webhooks/endpoints", {}],
      ["GET", "/v1/webhooks/endpoints", {}],
      ["GET", "/v1/webhooks/endpoints/whe_1", {}],
      ["PATCH", "/v1/webhooks/endpoints/whe_1", {}],
      ["DELETE", "/v1/webhooks/endpoints/whe_1", {}],
      ["POST", "/v1/webhooks/endpoints/whe_1/rotate-secret", {}],
      ["POST", "/v1/webhooks/endpoints/whe_1/test", {}],
      ["GET", "/v1/webhooks/deliveries", { endpointId: "whe_1", status: "dead", limit: "20" }],
      ["GET", "/v1/webhooks/deliveries/wdl_1", {}],
      ["POST", "/v1/webhooks/deliveries/wdl_1/replay", {}],
      ["POST", "/v1/webhooks/replay", {}],
      ["GET", "/v1/webhooks/settings", {}],
      ["PUT", "/v1/webhooks/settings", {}],
    ]);
    const bodies = requests.map((r) => (r.body ? JSON.parse(r.body) : undefined));
    expect(bodies).toEqual([
      { url: "https://example.com/hooks", eventTypes: ["consent.granted"], rateLimitPerSecond: 5 },
      undefined,
      undefined,
      { enabled: false, description: "paused" },
      undefined,
      { graceSeconds: 3600 },
      undefined,
      undefined,
      undefined,
      undefined,
      { endpointId: "whe_1", since: "2026-03-01T00:00:00.000Z", until: "2026-03-02T00:00:00Z" },
      undefined,
      { confirmations: 12, budgetLowThreshold: "1000" },
    ]);
    for (const r of requests) {
      expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(r.headers["content-type"]).toBe(r.body ? "application/json" : undefined);
    }
  });

  it("encodes path parameters", async () => {
    await client().getWebhookEndpoint("a/b?c");
    expect(only().path).toBe("/v1/webhooks/endpoints/a%2Fb%3Fc");
  });

  it("uses the fetch it is given", async () => {
    const seen: string[] = [];
    const c = new OneKeyClient({
      baseUrl,
      apiKey: API_KEY,
      fetch: (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return fetch(input, init);
      },
    });
    await c.getProject();
    expect(seen).toEqual([`GET ${baseUrl}/v1/project`]);
    expect(only().path).toBe("/v1/project");
  });

  it("refuses a bad configuration", () => {
    expect(() => new OneKeyClient({ baseUrl: "not a url", apiKey: API_KEY })).toThrow(TypeError);
    expect(() => new OneKeyClient({ baseUrl: "ftp://example.com", apiKey: API_KEY })).toThrow(TypeError);
    expect(() => new OneKeyClient({ baseUrl, apiKey: "" })).toThrow(TypeError);
  });
});

describe("OneKeyClient errors", () => {
  async function errorOf(run: () => Promise<unknown>): Promise<OneKeyApiError> {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(OneKeyApiError);
      return error as OneKeyApiError;
    }
    throw new Error("expected the call to throw");
  }

  it("builds OneKeyApiError from the API's error body", async () => {
    replies.push({
      status: 400,
      body: { error: { code: "invalid_request", message: "limit: Too big", field: "limit" } },
      headers: { "X-Request-Id": "req-1" },
    });
    const error = await errorOf(() => client().listConsents({ limit: 5000 }));
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: "limit: Too big",
      field: "limit",
      requestId: "req-1",
    });
  });

  it("maps 401, 403 and 404 without a field", async () => {
    replies.push(
      { status: 401, body: { error: { code: "api_key_revoked", message: "API key revoked" } } },
      {
        status: 403,
        body: { error: { code: "scope_missing", message: 'This key lacks the "webhooks:manage" scope' } },
      },
      { status: 404, body: { error: { code: "not_found", message: "No consenting subject with this address" } } },
    );
    const c = client();
    const errors = [
      await errorOf(() => c.getProject()),
      await errorOf(() => c.listWebhookEndpoints()),
      await errorOf(() => c.listAttestations("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")),
    ];
    expect(errors.map(({ status, code, field }) => ({ status, code, field }))).toEqual([
      { status: 401, code: "api_key_revoked", field: undefined },
      { status: 403, code: "scope_missing", field: undefined },
      { status: 404, code: "not_found", field: undefined },
    ]);
    expect(errors[1]?.message).toBe('This key lacks the "webhooks:manage" scope');
  });

  it("reads Retry-After on 429", async () => {
    replies.push({
      status: 429,
      body: { error: { code: "rate_limited", message: "Too many requests; retry in 7 s" } },
      headers: { "Retry-After": "7" },
    });
    const error = await errorOf(() => client().getBudget());
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 7 });
  });

  it("reports a response without the error body as unexpected_response", async () => {
    replies.push({ status: 502, raw: "<html>Bad Gateway</html>", headers: { "Content-Type": "text/html" } });
    const error = await errorOf(() => client().getProject());
    expect(error).toMatchObject({ status: 502, code: "unexpected_response" });
    expect(error.message).toContain("502");
  });

  it("reports a success response that is not JSON as unexpected_response", async () => {
    replies.push({ status: 200, raw: "ok" });
    const error = await errorOf(() => client().getProject());
    expect(error).toMatchObject({ status: 200, code: "unexpected_response" });
  });
});

describe("pagination", () => {
  it("follows nextCursor across pages and stops at null", async () => {
    replies.push(
      { status: 200, body: { data: [{ subject: "a" }, { subject: "b" }], nextCursor: "c1" } },
      { status: 200, body: { data: [{ subject: "c" }], nextCursor: "c2" } },
      { status: 200, body: { data: [], nextCursor: null } },
    );
    const seen: string[] = [];
    for await (const consent of client().iterateConsents({ status: "all", limit: 2 })) seen.push(consent.subject);
    expect(seen).toEqual(["a", "b", "c"]);
    expect(requests.map((r) => r.query)).toEqual([
      { status: "all", limit: "2" },
      { status: "all", limit: "2", cursor: "c1" },
      { status: "all", limit: "2", cursor: "c2" },
    ]);
  });

  it("fetches no further page once the loop stops", async () => {
    replies.push(
      { status: 200, body: { data: [{ id: "d1" }, { id: "d2" }], nextCursor: "c1" } },
      { status: 200, body: { data: [{ id: "d3" }], nextCursor: null } },
    );
    for await (const delivery of client().iterateWebhookDeliveries({ endpointId: "whe_1" })) {
      expect(delivery.id).toBe("d1");
      break;
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query).toEqual({ endpointId: "whe_1" });
  });

  it("walks attestations and sponsored operations too", async () => {
    replies.push(
      { status: 200, body: { data: [{ uid: "u1" }], nextCursor: "n" } },
      { status: 200, body: { data: [{ uid: "u2" }], nextCursor: null } },
      { status: 200, body: { data: [{ userOpHash: "h1" }], nextCursor: null } },
    );
    const c = client();
    const uids: string[] = [];
    for await (const a of c.iterateAttestations("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")) uids.push(a.uid);
    const ops: string[] = [];
    for await (const op of c.iterateSponsoredOperations({ limit: 100 })) ops.push(op.userOpHash);
    expect(uids).toEqual(["u1", "u2"]);
    expect(ops).toEqual(["h1"]);
    expect(requests.map((r) => [r.path, r.query])).toEqual([
      ["/v1/subjects/0x70997970c51812dc3a010c7d01b50e0d17dc79c8/attestations", {}],
      ["/v1/subjects/0x70997970c51812dc3a010c7d01b50e0d17dc79c8/attestations", { cursor: "n" }],
      ["/v1/budget/operations", { limit: "100" }],
    ]);
  });

  it("stops with an error on a repeated cursor instead of looping", async () => {
    const pages = [
      { data: [1], nextCursor: "same" },
      { data: [2], nextCursor: "same" },
    ];
    const seen: number[] = [];
    await expect(async () => {
      for await (const n of paginate(async () => pages.shift() ?? { data: [], nextCursor: null })) seen.push(n);
    }).rejects.toThrow(/repeated cursor/);
    expect(seen).toEqual([1, 2]);
  });

  it("passes an API error of a later page through", async () => {
    replies.push(
      { status: 200, body: { data: [{ subject: "a" }], nextCursor: "bad" } },
      {
        status: 400,
        body: { error: { code: "invalid_request", message: "cursor: is not a cursor", field: "cursor" } },
      },
    );
    const seen: string[] = [];
    const run = async () => {
      for await (const consent of client().iterateConsents()) seen.push(consent.subject);
    };
    await expect(run()).rejects.toMatchObject({ status: 400, field: "cursor" });
    expect(seen).toEqual(["a"]);
  });
});
