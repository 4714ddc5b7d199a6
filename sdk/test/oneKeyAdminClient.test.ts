/**
 * OneKeyAdminClient against a local HTTP server standing in for the tenant API: the SIWE sign-in
 * (the message it builds, signed by a viem LocalAccount or WalletClient and checked here with
 * viem's own parser and verifier), the session and API key routes on the wire, and the refusals
 * that happen before anything is signed or sent.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWalletClient, custom, type Hex, verifyMessage } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OneKeyAdminClient, OneKeyApiError, OneKeyClient } from "../src/index.js";

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
  headers?: Record<string, string>;
}

const TOKEN = "oks_test0000000000000000000000000000000000000000";
const NONCE = "a1b2c3d4e5f6a7b8c";
let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
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
      const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(text ? { "Content-Type": "application/json" } : {}), ...reply.headers });
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

const nonceReply = (domain = "dashboard.example", chainId = 8453): Reply => ({
  status: 201,
  body: { nonce: NONCE, expiresAt: new Date(Date.now() + 300_000).toISOString(), domain, chainId },
});

const sessionReply = (address: string): Reply => ({
  status: 200,
  body: { token: TOKEN, address: address.toLowerCase(), expiresAt: "2030-01-01T00:00:00.000Z", projects: ["7"] },
});

const admin = () => new OneKeyAdminClient({ baseUrl, sessionToken: TOKEN });

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("OneKeyAdminClient.signIn", () => {
  it("signs the EIP-4361 message for the API's nonce, domain and chain with a LocalAccount", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    replies.push(nonceReply(), sessionReply(account.address));
    const before = Date.now();
    const { client, session } = await OneKeyAdminClient.signIn({
      baseUrl,
      signer: account,
      statement: "Automation signs in",
    });

    expect(requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ["POST", "/v1/auth/nonce", undefined],
      ["POST", "/v1/auth/login", undefined],
    ]);
    const login = JSON.parse(requests[1]?.body ?? "") as { message: string; signature: Hex };
    expect(Object.keys(login).sort()).toEqual(["message", "signature"]);
    const fields = parseSiweMessage(login.message);
    expect(fields).toMatchObject({
      address: account.address,
      domain: "dashboard.example",
      chainId: 8453,
      nonce: NONCE,
      uri: baseUrl,
      version: "1",
      statement: "Automation signs in",
    });
    expect(fields.issuedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(fields.issuedAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await verifyMessage({ address: account.address, message: login.message, signature: login.signature })).toBe(
      true,
    );

    // The session answer, without its token; the token goes with every later call.
    expect(session).toEqual({
      address: account.address.toLowerCase(),
      expiresAt: "2030-01-01T00:00:00.000Z",
      projects: ["7"],
    });
    expect(JSON.stringify(session)).not.toContain(TOKEN);
    expect(client.sessionToken()).toBe(TOKEN);
    replies.push({ status: 200, body: { address: account.address.toLowerCase(), expiresAt: "x", projects: [] } });
    await client.getSession();
    expect(requests[2]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("signs with a WalletClient's account (personal_sign through the wallet)", async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    const asked: { method: string; params: unknown }[] = [];
    // A browser wallet: it signs over EIP-1193 when asked, as MetaMask would.
    const wallet = createWalletClient({
      account: key.address,
      transport: custom({
        async request({ method, params }: { method: string; params: unknown }) {
          asked.push({ method, params });
          if (method !== "personal_sign") throw new Error(`unexpected ${method}`);
          const [data] = params as [Hex];
          return key.signMessage({ message: { raw: data } });
        },
      }),
    });
    replies.push(nonceReply("localhost", 31337), sessionReply(key.address));
    await OneKeyAdminClient.signIn({ baseUrl, signer: wallet, domain: "localhost", chainId: 31337 });
    expect(asked.map((a) => a.method)).toEqual(["personal_sign"]);
    const login = JSON.parse(requests[1]?.body ?? "") as { message: string; signature: Hex };
    expect(parseSiweMessage(login.message)).toMatchObject({
      address: key.address,
      domain: "localhost",
      chainId: 31337,
    });
    expect(await verifyMessage({ address: key.address, message: login.message, signature: login.signature })).toBe(
      true,
    );
  });

  it("passes whatever a smart account signs (ERC-1271 / ERC-6492 bytes) through unchanged", async () => {
    const smart = "0x1234567890123456789012345678901234567890" as const;
    const wrapped = `0x${"ab".repeat(200)}${"6492".repeat(16)}` as Hex;
    const signed: string[] = [];
    const signer = {
      address: smart,
      signMessage: async ({ message }: { message: string }) => {
        signed.push(message);
        return wrapped;
      },
    };
    replies.push(nonceReply(), sessionReply(smart));
    await OneKeyAdminClient.signIn({ baseUrl, signer });
    const login = JSON.parse(requests[1]?.body ?? "") as { message: string; signature: Hex };
    expect(login.signature).toBe(wrapped);
    expect(signed).toEqual([login.message]);
    expect(parseSiweMessage(login.message).address).toBe(smart);
  });

  it("refuses, before signing, an API that asks for another domain or chain", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    let signatures = 0;
    const signer = {
      address: account.address,
      signMessage: (args: { message: string }) => {
        signatures++;
        return account.signMessage(args);
      },
    };
    replies.push(nonceReply("evil.example", 8453));
    const wrongDomain = await errorOf(() => OneKeyAdminClient.signIn({ baseUrl, signer, domain: "dashboard.example" }));
    expect(String(wrongDomain)).toMatch(/domain "evil.example", not "dashboard.example"; nothing was signed/);
    replies.push(nonceReply("dashboard.example", 1));
    const wrongChain = await errorOf(() =>
      OneKeyAdminClient.signIn({ baseUrl, signer, domain: "dashboard.example", chainId: 8453 }),
    );
    expect(String(wrongChain)).toMatch(/chain 1, not 8453; nothing was signed/);
    expect(signatures).toBe(0);
    expect(requests.map((r) => r.path)).toEqual(["/v1/auth/nonce", "/v1/auth/nonce"]);
  });

  it("refuses a signer without an address, or without signMessage, before calling the API", async () => {
    const noAccount = { account: undefined, signMessage: async () => "0x" as Hex };
    await expect(
      OneKeyAdminClient.signIn({
        baseUrl,
        signer: noAccount as unknown as Parameters<typeof OneKeyAdminClient.signIn>[0]["signer"],
      }),
    ).rejects.toThrow(/needs an account/);
    const noSign = { address: "0x1234567890123456789012345678901234567890" };
    await expect(
      OneKeyAdminClient.signIn({
        baseUrl,
        signer: noSign as unknown as Parameters<typeof OneKeyAdminClient.signIn>[0]["signer"],
      }),
    ).rejects.toThrow(/cannot sign/);
    expect(requests).toHaveLength(0);
  });

  it("maps a refused login to OneKeyApiError with the API's code", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    replies.push(nonceReply(), {
      status: 401,
      body: { error: { code: "siwe_signature_invalid", message: "The signature does not match the address" } },
      headers: { "X-Request-Id": "req-9" },
    });
    const error = await errorOf(() => OneKeyAdminClient.signIn({ baseUrl, signer: account }));
    expect(error).toBeInstanceOf(OneKeyApiError);
    expect(error).toMatchObject({ status: 401, code: "siwe_signature_invalid", requestId: "req-9" });
  });
});

describe("OneKeyAdminClient requests", () => {
  it("maps session and API key routes to their method, path and JSON body, with the session token", async () => {
    const c = admin();
    replies.push(
      { status: 200, body: { address: "0xabc", expiresAt: "2030-01-01T00:00:00.000Z", projects: ["7"] } },
      { status: 200, body: { data: [{ id: "key_1" }] } },
      { status: 201, body: { key: "okk_secret", apiKey: { id: "key_2" } } },
      { status: 201, body: { key: "okk_secret", apiKey: { id: "key_3" } } },
      { status: 201, body: { key: "okk_new", apiKey: { id: "key_4" }, previous: { id: "key_2" } } },
      { status: 201, body: { key: "okk_new2", apiKey: { id: "key_5" }, previous: { id: "key_4" } } },
      { status: 200, body: { apiKey: { id: "key_5", status: "revoked" } } },
      { status: 200, body: { data: [{ id: "1", action: "api_key.revoke" }], nextCursor: null } },
      { status: 204 },
    );
    expect(await c.getSession()).toMatchObject({ projects: ["7"] });
    expect(await c.listApiKeys(7n)).toEqual([{ id: "key_1" }]);
    expect(await c.createApiKey("7", { name: "ci", scopes: ["read", "webhooks:manage"] })).toEqual({
      key: "okk_secret",
      apiKey: { id: "key_2" },
    });
    await c.createApiKey(7, { name: "ci", scopes: ["read"], expiresAt: new Date("2030-01-01T00:00:00Z") });
    await c.rotateApiKey(7, "key_2", { gracePeriodSeconds: 3600 });
    await c.rotateApiKey(7, "key_4");
    expect(await c.revokeApiKey(7, "key_5")).toEqual({ id: "key_5", status: "revoked" });
    expect(await c.listAuditLog(7, { limit: 10 })).toMatchObject({ data: [{ action: "api_key.revoke" }] });
    expect(await c.signOut()).toBeUndefined();

    expect(requests.map(({ method, path, query }) => [method, path, query])).toEqual([
      ["GET", "/v1/auth/session", {}],
      ["GET", "/v1/admin/projects/7/api-keys", {}],
      ["POST", "/v1/admin/projects/7/api-keys", {}],
      ["POST", "/v1/admin/projects/7/api-keys", {}],
      ["POST", "/v1/admin/projects/7/api-keys/key_2/rotate", {}],
      ["POST", "/v1/admin/projects/7/api-keys/key_4/rotate", {}],
      ["DELETE", "/v1/admin/projects/7/api-keys/key_5", {}],
      ["GET", "/v1/admin/projects/7/audit-log", { limit: "10" }],
      ["POST", "/v1/auth/logout", {}],
    ]);
    expect(requests.map((r) => (r.body ? JSON.parse(r.body) : undefined))).toEqual([
      undefined,
      undefined,
      { name: "ci", scopes: ["read", "webhooks:manage"] },
      { name: "ci", scopes: ["read"], expiresAt: "2030-01-01T00:00:00.000Z" },
      { gracePeriodSeconds: 3600 },
      {},
      undefined,
      undefined,
      undefined,
    ]);
    for (const r of requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("maps the projects list and the session's webhook routes to /v1/admin/projects/{projectId}/webhooks/...", async () => {
    const c = admin();
    replies.push(
      { status: 200, body: { data: [{ projectId: "7", roles: ["admin"] }] } },
      { status: 201, body: { endpoint: { id: "whe_1" }, secret: "whsec_x" } },
      { status: 200, body: { data: [{ id: "whe_1" }] } },
    );
    expect(await c.listProjects()).toEqual([{ projectId: "7", roles: ["admin"] }]);
    expect(
      await c.createWebhookEndpoint(7n, { url: "https://example.com/hooks", eventTypes: ["consent.granted"] }),
    ).toEqual({ endpoint: { id: "whe_1" }, secret: "whsec_x" });
    expect(await c.listWebhookEndpoints(7)).toEqual([{ id: "whe_1" }]);
    await c.getWebhookEndpoint(7, "whe_1");
    await c.updateWebhookEndpoint(7, "whe_1", { enabled: false });
    replies.push({ status: 204 });
    expect(await c.deleteWebhookEndpoint(7, "whe_1")).toBeUndefined();
    await c.rotateWebhookSecret(7, "whe_1", { graceSeconds: 60 });
    await c.sendTestWebhook(7, "whe_1");
    await c.listWebhookDeliveries(7, { endpointId: "whe_1", status: "failed", limit: 5 });
    await c.getWebhookDelivery(7, "wdl_1");
    await c.replayWebhookDelivery(7, "wdl_1");
    await c.replayWebhooks(7, {
      endpointId: "whe_1",
      since: new Date("2026-03-01T00:00:00Z"),
      until: "2026-03-02T00:00:00Z",
    });
    await c.getWebhookSettings(7);
    await c.updateWebhookSettings(7, { confirmations: 3 });
    const base = "/v1/admin/projects/7/webhooks";
    expect(requests.map(({ method, path, query }) => [method, path, query])).toEqual([
      ["GET", "/v1/admin/projects", {}],
      ["POST", `${base}/endpoints`, {}],
      ["GET", `${base}/endpoints`, {}],
      ["GET", `${base}/endpoints/whe_1`, {}],
      ["PATCH", `${base}/endpoints/whe_1`, {}],
      ["DELETE", `${base}/endpoints/whe_1`, {}],
      ["POST", `${base}/endpoints/whe_1/rotate-secret`, {}],
      ["POST", `${base}/endpoints/whe_1/test`, {}],
      ["GET", `${base}/deliveries`, { endpointId: "whe_1", status: "failed", limit: "5" }],
      ["GET", `${base}/deliveries/wdl_1`, {}],
      ["POST", `${base}/deliveries/wdl_1/replay`, {}],
      ["POST", `${base}/replay`, {}],
      ["GET", `${base}/settings`, {}],
      ["PUT", `${base}/settings`, {}],
    ]);
    expect(requests.map((r) => (r.body ? JSON.parse(r.body) : undefined))).toEqual([
      undefined,
      { url: "https://example.com/hooks", eventTypes: ["consent.granted"] },
      undefined,
      undefined,
      { enabled: false },
      undefined,
      { graceSeconds: 60 },
      undefined,
      undefined,
      undefined,
      undefined,
      { endpointId: "whe_1", since: "2026-03-01T00:00:00.000Z", until: "2026-03-02T00:00:00Z" },
      undefined,
      { confirmations: 3 },
    ]);
    for (const r of requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("walks the audit log's pages", async () => {
    replies.push(
      { status: 200, body: { data: [{ id: "3" }, { id: "2" }], nextCursor: "c1" } },
      { status: 200, body: { data: [{ id: "1" }], nextCursor: null } },
    );
    const ids: string[] = [];
    for await (const entry of admin().iterateAuditLog(7n, { limit: 2 })) ids.push(entry.id);
    expect(ids).toEqual(["3", "2", "1"]);
    expect(requests.map((r) => r.query)).toEqual([{ limit: "2" }, { limit: "2", cursor: "c1" }]);
  });

  it("reads an organization's statement for a month with the session token", async () => {
    replies.push({ status: 200, body: { organization: "3", month: "2026-11", total: "12.34" } });
    const statement = await admin().getStatement(3n, "2026-11");
    expect(statement.total).toBe("12.34");
    expect(requests[0]).toMatchObject({ method: "GET", path: "/v1/admin/organizations/3/statements/2026-11" });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("hands out a tenant client for a project key on the same API", async () => {
    const project = admin().clientFor("okk_project");
    expect(project).toBeInstanceOf(OneKeyClient);
    replies.push({ status: 200, body: { projectId: "7" } });
    await project.getProject();
    expect(requests[0]).toMatchObject({ method: "GET", path: "/v1/project" });
    expect(requests[0]?.headers.authorization).toBe("Bearer okk_project");
  });

  it("refuses a bad project id, key id or expiry, and sends nothing", async () => {
    const c = admin();
    await expect(c.listApiKeys("7; drop")).rejects.toThrow(/projectId must be a non-negative integer/);
    await expect(c.listApiKeys(-1)).rejects.toThrow(TypeError);
    await expect(c.listApiKeys(1.5)).rejects.toThrow(TypeError);
    await expect(c.rotateApiKey("0x1", "key_1")).rejects.toThrow(TypeError);
    await expect(c.revokeApiKey(7, "")).rejects.toThrow(/keyId is required/);
    await expect(c.getWebhookEndpoint(7, "")).rejects.toThrow(/endpointId is required/);
    await expect(c.replayWebhookDelivery("x", "wdl_1")).rejects.toThrow(TypeError);
    await expect(
      c.replayWebhooks(7, { endpointId: "whe_1", since: new Date(Number.NaN), until: new Date() }),
    ).rejects.toThrow(/since is an invalid Date/);
    await expect(c.createApiKey(7, { name: "x", scopes: ["read"], expiresAt: new Date("nope") })).rejects.toThrow(
      /expiresAt is an invalid Date/,
    );
    const walk = async () => {
      for await (const _ of c.iterateAuditLog("seven")) break;
    };
    await expect(walk()).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });

  it("maps admin refusals to OneKeyApiError", async () => {
    replies.push(
      { status: 403, body: { error: { code: "not_project_admin", message: "Not an admin of this project" } } },
      { status: 409, body: { error: { code: "api_key_not_live", message: "Only an active key can be rotated" } } },
      {
        status: 400,
        body: { error: { code: "invalid_request", message: "expiresAt: must be in the future", field: "expiresAt" } },
      },
    );
    const c = admin();
    const errors = [
      await errorOf(() => c.listApiKeys(8)),
      await errorOf(() => c.rotateApiKey(7, "key_1")),
      await errorOf(() => c.createApiKey(7, { name: "x", scopes: ["read"], expiresAt: "2000-01-01T00:00:00Z" })),
    ] as OneKeyApiError[];
    expect(errors.map(({ status, code, field }) => ({ status, code, field }))).toEqual([
      { status: 403, code: "not_project_admin", field: undefined },
      { status: 409, code: "api_key_not_live", field: undefined },
      { status: 400, code: "invalid_request", field: "expiresAt" },
    ]);
  });

  it("reads RFC 9457 problem details, and the older error shape too", async () => {
    replies.push(
      {
        status: 409,
        body: {
          type: "/docs/errors#api_key_not_live",
          title: "Conflict",
          status: 409,
          detail: "Only an active key can be rotated",
          code: "api_key_not_live",
          field: "keyId",
          requestId: "req-1",
        },
        headers: { "Content-Type": "application/problem+json", "X-Request-Id": "req-1" },
      },
      { status: 404, body: { error: { code: "not_found", message: "No such key in this project" } } },
    );
    const c = admin();
    const problem = (await errorOf(() => c.rotateApiKey(7, "key_1"))) as OneKeyApiError;
    expect(problem).toMatchObject({
      status: 409,
      code: "api_key_not_live",
      message: "Only an active key can be rotated",
      field: "keyId",
      requestId: "req-1",
    });
    const older = (await errorOf(() => c.revokeApiKey(7, "key_1"))) as OneKeyApiError;
    expect(older).toMatchObject({ status: 404, code: "not_found", message: "No such key in this project" });
  });

  it("sends every write with an Idempotency-Key (a new one per call, or the caller's), and reads without", async () => {
    const c = admin();
    replies.push(
      { status: 201, body: { key: "okk_a", apiKey: {} } },
      { status: 201, body: { key: "okk_b", apiKey: {} } },
      { status: 201, body: { key: "okk_c", apiKey: {} } },
      { status: 200, body: { data: [] } },
    );
    await c.createApiKey(7, { name: "a", scopes: ["read"] });
    await c.createApiKey(7, { name: "b", scopes: ["read"] });
    await c.createApiKey(7, { name: "c", scopes: ["read"] }, { idempotencyKey: "order-42-key" });
    await c.listApiKeys(7);
    const keys = requests.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe("order-42-key");
    expect(keys[3]).toBeUndefined();
  });

  it("retries a write once after a 503 or a dropped connection, with the same Idempotency-Key", async () => {
    replies.push(
      { status: 503, body: { error: { code: "unavailable", message: "upstream" } } },
      {
        status: 201,
        body: { key: "okk_once", apiKey: { id: "key_1" } },
      },
    );
    const created = await admin().createApiKey(7, { name: "a", scopes: ["read"] });
    expect(created.key).toBe("okk_once");
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers["idempotency-key"]).toBe(requests[0]?.headers["idempotency-key"]);
    expect(requests[1]?.body).toBe(requests[0]?.body);

    // A connection that drops before any answer: the fetch throws, the write is sent again.
    const sent: { key: string | null }[] = [];
    let drops = 1;
    const flaky = new OneKeyAdminClient({
      baseUrl,
      sessionToken: TOKEN,
      fetch: async (input, init) => {
        sent.push({ key: new Headers(init?.headers).get("idempotency-key") });
        if (drops-- > 0) throw new TypeError("fetch failed");
        return fetch(input, init);
      },
    });
    replies.push({ status: 201, body: { key: "okk_after_drop", apiKey: {} } });
    expect((await flaky.createApiKey(7, { name: "a", scopes: ["read"] })).key).toBe("okk_after_drop");
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);

    // Reads are not retried, and a second 503 is the caller's to see.
    replies.push({ status: 503, body: { error: { code: "unavailable", message: "upstream" } } });
    expect(await errorOf(() => admin().listApiKeys(7))).toMatchObject({ status: 503 });
    replies.push(
      { status: 503, body: { error: { code: "unavailable", message: "upstream" } } },
      { status: 503, body: { error: { code: "unavailable", message: "upstream" } } },
    );
    expect(await errorOf(() => admin().createApiKey(7, { name: "a", scopes: ["read"] }))).toMatchObject({
      status: 503,
    });
  });

  it("waits out a first request still running (409 in progress, Retry-After) and gets its result", async () => {
    const inProgress = {
      status: 409,
      body: { code: "idempotency_request_in_progress", detail: "still running", status: 409 },
      headers: { "Retry-After": "0" },
    };
    replies.push({ status: 504, body: { error: { code: "timeout", message: "gateway" } } }, inProgress, inProgress, {
      status: 201,
      body: { key: "okk_first", apiKey: { id: "key_1" } },
    });
    const created = await admin().createApiKey(7, { name: "a", scopes: ["read"] });
    expect(created.key).toBe("okk_first");
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    // Another 409 is the caller's at once.
    replies.push({ status: 409, body: { code: "idempotency_key_reused", detail: "another request", status: 409 } });
    expect(await errorOf(() => admin().createApiKey(7, { name: "b", scopes: ["read"] }))).toMatchObject({
      status: 409,
      code: "idempotency_key_reused",
    });
    expect(requests).toHaveLength(5);
  });

  it("refuses a bad configuration", () => {
    expect(() => new OneKeyAdminClient({ baseUrl: "nope", sessionToken: TOKEN })).toThrow(TypeError);
    expect(() => new OneKeyAdminClient({ baseUrl, sessionToken: "" })).toThrow(/sessionToken is required/);
  });
});
