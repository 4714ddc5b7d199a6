/**
 * The dashboard's origin only (src/api/http/cors.ts), on the app as Ponder serves it: wrapped in
 * Ponder's own `cors({ origin: "*" })`, which answers every preflight before our app runs. Built
 * on a store that records any use, so "changes nothing" is checked, not assumed.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { ApiDatabase } from "../../../db/tables.js";
import { createLogger } from "../../../lib/logger.js";
import { createApi } from "../../../src/api/app.js";
import { readApiConfig } from "../../../src/api/config.js";
import { createMetrics } from "../../../src/api/http/metrics.js";
import type { ReadModel } from "../../../src/api/readModel.js";

const DASHBOARD = "https://dash.example.com";
const ELSEWHERE = "https://evil.example";

function recording<T extends object>(what: string, uses: string[]): T {
  return new Proxy({} as T, {
    get(_, property) {
      uses.push(`${what}.${String(property)}`);
      throw new Error(`${what}.${String(property)} is not available in this test`);
    },
  });
}

/** The API as `ponder serve` runs it: Ponder's permissive CORS outside, our app inside. */
function servedApi(env: Record<string, string>) {
  const uses: string[] = [];
  const api = createApi({
    config: readApiConfig(env),
    store: recording<Kysely<ApiDatabase>>("store", uses),
    readModel: recording<ReadModel>("readModel", uses),
    verifySignature: () => Promise.reject(new Error("no signatures here")),
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics: createMetrics(),
  });
  const ponder = new Hono().use(cors({ origin: "*", maxAge: 86400 })).route("/", api);
  return { ponder, uses };
}

const production = {
  ONEKEY_NETWORK: "baseSepolia",
  ONEKEY_RPC_URL: "https://sepolia.base.example",
  ONEKEY_API_SIWE_DOMAIN: "dash.example.com",
};

describe("CORS: the dashboard's origin only", () => {
  it("lets the dashboard read answers and the headers it needs, and nobody else", async () => {
    const { ponder } = servedApi(production);
    const fromDashboard = await ponder.request("/openapi.json", { headers: { Origin: DASHBOARD } });
    expect(fromDashboard.status).toBe(200);
    expect(fromDashboard.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(fromDashboard.headers.get("access-control-expose-headers")).toContain("Idempotent-Replayed");
    expect(fromDashboard.headers.get("vary")).toContain("Origin");

    const fromElsewhere = await ponder.request("/openapi.json", { headers: { Origin: ELSEWHERE } });
    expect(fromElsewhere.status).toBe(200);
    // Ponder's `*` is gone: the browser withholds the answer from the other page.
    expect(fromElsewhere.headers.get("access-control-allow-origin")).toBeNull();
    expect(fromElsewhere.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("refuses a write from another site's page before anything runs, though Ponder's preflight let it out", async () => {
    const { ponder, uses } = servedApi(production);
    const preflight = await ponder.request("/v1/auth/nonce", {
      method: "OPTIONS",
      headers: { Origin: ELSEWHERE, "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);

    const write = await ponder.request("/v1/auth/nonce", { method: "POST", headers: { Origin: ELSEWHERE } });
    expect(write.status).toBe(403);
    expect(write.headers.get("content-type")).toBe("application/problem+json");
    expect(write.headers.get("access-control-allow-origin")).toBeNull();
    const problem = (await write.json()) as { code: string; detail: string; requestId?: string };
    expect(problem.code).toBe("origin_not_allowed");
    expect(problem.detail).toContain(ELSEWHERE);
    expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(uses).toEqual([]);
  });

  it("passes writes from the dashboard, from the API's own pages and from servers (no Origin) to the handler", async () => {
    for (const headers of [
      { Origin: DASHBOARD },
      { Origin: "https://api.example.com", Host: "api.example.com" },
      {} as Record<string, string>,
    ]) {
      const { ponder, uses } = servedApi(production);
      const write = await ponder.request("/v1/auth/nonce", { method: "POST", headers });
      // The handler ran: it reached for the (recording) store.
      expect(write.status).not.toBe(403);
      expect(uses.some((use) => use.startsWith("store."))).toBe(true);
    }
  });

  it("on a local chain, accepts any page served from this machine and no other", async () => {
    const { ponder } = servedApi({});
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:41234", "http://[::1]:8080"]) {
      const answer = await ponder.request("/openapi.json", { headers: { Origin: origin } });
      expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
    }
    for (const origin of ["https://localhost.evil.example", "http://192.168.1.2:5173"]) {
      const answer = await ponder.request("/openapi.json", { headers: { Origin: origin } });
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("reads ONEKEY_API_DASHBOARD_ORIGINS as a list of origins and names a bad one", () => {
    expect(readApiConfig(production).dashboardOrigins).toEqual({ kind: "list", origins: [DASHBOARD] });
    expect(
      readApiConfig({ ...production, ONEKEY_API_DASHBOARD_ORIGINS: "https://a.example, https://b.example:8443" })
        .dashboardOrigins,
    ).toEqual({ kind: "list", origins: ["https://a.example", "https://b.example:8443"] });
    expect(() => readApiConfig({ ...production, ONEKEY_API_DASHBOARD_ORIGINS: "https://a.example/app" })).toThrow(
      /ONEKEY_API_DASHBOARD_ORIGINS .*not an origin/,
    );
    expect(() => readApiConfig({ ...production, ONEKEY_API_DASHBOARD_ORIGINS: "ftp://a.example" })).toThrow(
      /ONEKEY_API_DASHBOARD_ORIGINS .*must be http\(s\)/,
    );
  });
});
