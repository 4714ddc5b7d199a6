/**
 * The app around the routes (src/api/app.ts) end to end: validation that names the bad field and
 * never answers 5xx, per-project rate limits, the OpenAPI document, metrics and structured logs.
 */
import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../../harness/api.js";
import { describeApiWorld, expectCleanLogs, expectError, RATE_LIMIT } from "../support/apiWorld.js";

describeApiWorld("tenant API app", (w) => {
  describe("validation and limits", () => {
    const malformed: [string, string, unknown, number, string, string?][] = [
      // method, path, body, status, code, field
      ["GET", "/v1/subjects/0x1234", undefined, 400, "invalid_request", "address"],
      ["GET", "/v1/subjects/not-an-address", undefined, 400, "invalid_request", "address"],
      ["GET", `/v1/subjects/0x${"g".repeat(40)}`, undefined, 400, "invalid_request", "address"],
      ["GET", `/v1/subjects/0x${"a".repeat(40)}?x=1`, undefined, 400, "invalid_request", "x"],
      ["GET", "/v1/consents?limit=0", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=501", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=abc", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=1&limit=2", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?minLevel=256", undefined, 400, "invalid_request", "minLevel"],
      ["GET", "/v1/consents?minLevel=-1", undefined, 400, "invalid_request", "minLevel"],
      ["GET", "/v1/consents?status=pending", undefined, 400, "invalid_request", "status"],
      ["GET", "/v1/consents?updatedSince=yesterday", undefined, 400, "invalid_request", "updatedSince"],
      ["GET", "/v1/consents?updatedSince=2026-13-45T99:99:99Z", undefined, 400, "invalid_request", "updatedSince"],
      ["GET", "/v1/consents?cursor=%25%25%25", undefined, 400, "invalid_request", "cursor"],
      ["GET", "/v1/consents?cursor=bm90LWEtY3Vyc29y", undefined, 400, "invalid_request", "cursor"],
      ["GET", `/v1/consents?cursor=${"A".repeat(201)}`, undefined, 400, "invalid_request", "cursor"],
      [
        "GET",
        "/v1/subjects/0x0000000000000000000000000000000000000001/attestations?cursor=x",
        undefined,
        400,
        "invalid_request",
        "cursor",
      ],
      ["GET", "/v1/admin/projects/0/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/abc/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/18446744073709551616/api-keys", undefined, 400, "invalid_request", "projectId"],
      // Beyond the API's bigint columns (int64), though a valid uint64 on-chain.
      ["GET", "/v1/admin/projects/9223372036854775808/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/99999999999999999999999/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["DELETE", "/v1/admin/projects/1/api-keys/not-a-key", undefined, 400, "invalid_request", "keyId"],
      ["POST", "/v1/admin/projects/1/api-keys", {}, 400, "invalid_request", "name"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "", scopes: ["read"] }, 400, "invalid_request", "name"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "x".repeat(65), scopes: ["read"] },
        400,
        "invalid_request",
        "name",
      ],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "<script>", scopes: ["read"] }, 400, "invalid_request", "name"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: [] }, 400, "invalid_request", "scopes"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: ["admin"] }, 400, "invalid_request", "scopes.0"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: "read" }, 400, "invalid_request", "scopes"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "k", scopes: ["read"], expiresAt: "soon" },
        400,
        "invalid_request",
        "expiresAt",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "k", scopes: ["read"], projectId: "2" },
        400,
        "invalid_request",
        "projectId",
      ],
      ["POST", "/v1/admin/projects/1/api-keys", [1, 2], 400, "invalid_request"],
      ["POST", "/v1/admin/projects/1/api-keys", "just a string", 400, "invalid_request"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: -1 },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: 1e9 },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: "1" },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      ["POST", "/v1/auth/login", { message: "hello", signature: "0x00" }, 400, "siwe_message_malformed", "message"],
      ["POST", "/v1/auth/login", { message: "x".repeat(5000), signature: "0x00" }, 400, "invalid_request", "message"],
      ["POST", "/v1/auth/login", { message: "m", signature: "zz" }, 400, "invalid_request", "signature"],
      ["POST", "/v1/auth/login", { message: 5, signature: "0x00" }, 400, "invalid_request", "message"],
      ["POST", "/v1/auth/login", null, 400, "invalid_request"],
    ];

    const cases = malformed.map(([method, path, body, status, code, field]) => ({
      label: `${method} ${path.slice(0, 70)} ${JSON.stringify(body)?.slice(0, 50) ?? ""}`,
      method,
      path,
      body,
      status,
      code,
      field,
    }));
    it.each(cases)("$label -> $status $code $field", async ({ method, path, body, status, code, field }) => {
      const token = path.startsWith("/v1/admin") ? w.sessionA : path.startsWith("/v1/auth") ? undefined : w.keyC;
      const res = await w.api.request(method, path, { token, body });
      expectError(res, status, code, field);
    });

    it("answers malformed JSON, a wrong content type and an oversized header with a 4xx, never a 5xx", async () => {
      const badJson = await w.api.request("POST", `/v1/admin/projects/${w.projectA}/api-keys`, {
        token: w.sessionA,
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      });
      expectError(badJson, 400, "invalid_request", "body");
      const form = await w.api.request("POST", "/v1/auth/login", {
        rawBody: "message=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(form.status).toBeGreaterThanOrEqual(400);
      expect(form.status).toBeLessThan(500);
      const weird = await w.api.request("GET", "/v1/project", {
        headers: { authorization: `Bearer ${"x".repeat(4000)}` },
      });
      expectError(weird, 401, "api_key_malformed");
    });

    it("rate-limits per project with 429 and Retry-After, leaving other projects alone", async () => {
      const session = await w.api.login(w.ownerA);
      const { key } = await w.api.createKey(session, w.projectD);
      w.secrets.push(session, key);
      const statuses: number[] = [];
      let limited: ApiResponse | undefined;
      for (let i = 0; i < RATE_LIMIT + 5 && !limited; i++) {
        const res = await w.api.get("/v1/project", key);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
      expect(limited).toBeDefined();
      expectError(limited as ApiResponse, 429, "rate_limited");
      expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
      // Project A's budget is its own.
      expect((await w.api.get("/v1/project", w.keyA)).status).toBe(200);
      const metrics = (await w.api.get("/metrics/api")).body as unknown as string;
      expect(metrics).toMatch(
        new RegExp(`onekey_api_rate_limited_total\\{project_id="${w.projectD}",scope="tenant"\\} 1`),
      );
      expect(metrics).toMatch(
        new RegExp(
          `onekey_api_requests_total\\{route="/v1/project",method="GET",status="200",project_id="${w.projectA}"\\} \\d+`,
        ),
      );
    });

    it("documents every route in /openapi.json", async () => {
      const res = await w.api.get<{ openapi: string; paths: Record<string, Record<string, { responses: object }>> }>(
        "/openapi.json",
      );
      expect(res.body.openapi).toBe("3.1.0");
      const operations = Object.entries(res.body.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          "POST /v1/auth/nonce",
          "POST /v1/auth/login",
          "GET /v1/auth/session",
          "POST /v1/auth/logout",
          "GET /v1/admin/projects/{projectId}/api-keys",
          "POST /v1/admin/projects/{projectId}/api-keys",
          "POST /v1/admin/projects/{projectId}/api-keys/{keyId}/rotate",
          "DELETE /v1/admin/projects/{projectId}/api-keys/{keyId}",
          "GET /v1/admin/projects/{projectId}/audit-log",
          "GET /v1/project",
          "GET /v1/subjects/{address}",
          "GET /v1/subjects/{address}/attestations",
          "GET /v1/consents",
          "GET /v1/budget",
          "GET /v1/budget/operations",
          "GET /v1/analytics/{family}",
          "POST /v1/webhooks/endpoints",
          "GET /v1/webhooks/endpoints",
          "GET /v1/webhooks/endpoints/{endpointId}",
          "PATCH /v1/webhooks/endpoints/{endpointId}",
          "DELETE /v1/webhooks/endpoints/{endpointId}",
          "POST /v1/webhooks/endpoints/{endpointId}/rotate-secret",
          "POST /v1/webhooks/endpoints/{endpointId}/test",
          "GET /v1/webhooks/settings",
          "PUT /v1/webhooks/settings",
          "GET /v1/webhooks/deliveries",
          "GET /v1/webhooks/deliveries/{deliveryId}",
          "POST /v1/webhooks/deliveries/{deliveryId}/replay",
          "POST /v1/webhooks/replay",
          "GET /v1/webhooks/event-types",
          "GET /v1/admin/projects",
          "GET /v1/admin/projects/{projectId}/consents",
          "GET /v1/admin/projects/{projectId}/usage",
          "GET /v1/admin/projects/{projectId}/analytics/{family}",
          "POST /v1/admin/projects/{projectId}/records/{address}/openings",
          "GET /v1/admin/organizations/{orgId}/statements/{month}",
          "GET /v1/operator/incidents",
          "POST /v1/operator/incidents/{id}/acknowledge",
          "POST /v1/operator/incidents/{id}/resolve",
          "POST /v1/operator/governance",
          "GET /v1/operator/analytics",
          "GET /v1/operator/subjects/{address}",
          "POST /v1/operator/subjects/{address}/provider-deletion",
          "GET /v1/operator/organizations",
          "GET /v1/operator/providers",
          "PUT /v1/operator/providers/{name}",
          "POST /v1/internal/key-releases",
          "POST /v1/internal/audit-entries",
          // The webhook routes again, for an admin session on the project of the path (the dashboard).
          ...[
            "POST /endpoints",
            "GET /endpoints",
            "GET /endpoints/{endpointId}",
            "PATCH /endpoints/{endpointId}",
            "DELETE /endpoints/{endpointId}",
            "POST /endpoints/{endpointId}/rotate-secret",
            "POST /endpoints/{endpointId}/test",
            "GET /settings",
            "PUT /settings",
            "GET /deliveries",
            "GET /deliveries/{deliveryId}",
            "POST /deliveries/{deliveryId}/replay",
            "POST /replay",
          ].map((op) => op.replace(" /", " /v1/admin/projects/{projectId}/webhooks/")),
        ].sort(),
      );
      for (const ops of Object.values(res.body.paths)) {
        for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain("400");
      }
    });

    it("serves its reference offline at /docs (Scalar's script from the API itself), the error catalogue and OneKey-Version", async () => {
      const page = await fetch(`${w.api.baseUrl}/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = html.match(/<script src="([^"]+)"/)?.[1];
      expect(script).toMatch(/^\/docs\/scalar\.js\?v=/);
      const bundle = await fetch(`${w.api.baseUrl}${script}`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
      const errors = await fetch(`${w.api.baseUrl}/docs/errors`);
      expect(await errors.text()).toContain('<a id="api_version_unknown"></a>');

      const types = await w.api.get<{ data: { type: string }[] }>("/v1/webhooks/event-types");
      expect(types.status).toBe(200);
      expect(types.headers.get("onekey-version")).toBe("2026-12-05");
      expect(types.body.data.length).toBeGreaterThan(10);
      const refused = await w.api.request("GET", "/v1/project", {
        token: w.keyA,
        headers: { "OneKey-Version": "2020-01-01" },
      });
      expectError(refused, 400, "api_version_unknown", "OneKey-Version");
      expect(refused.headers.get("onekey-version")).toBe("2026-12-05");
    });
  });

  it("answers GET /livez and /readyz (database, read model, RPC) beside Ponder's own /health and /ready", async () => {
    expect(await w.api.get("/livez")).toMatchObject({ status: 200, body: { status: "live" } });
    const ready = await w.api.get("/readyz");
    expect(ready).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { database: { ok: true }, readModel: { ok: true }, rpc: { ok: true } } },
    });
    expect((await w.api.get("/health")).status).toBe(200);
    expect((await w.api.get("/ready")).status).toBe(200);
  });

  it("logs structured JSON lines without keys, tokens or subject addresses", () => expectCleanLogs(w, 100));
});
