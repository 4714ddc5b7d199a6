/**
 * The API's conventions, on the app itself (built on dependencies that record and refuse any use,
 * as the OpenAPI document is): the offline reference at /docs and the script it loads, the error
 * catalogue that problem `type`s point into, the document's `servers` and error responses, the
 * `OneKey-Version` header, and the webhook event-type catalogue.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { repoRoot } from "@onekey/devnet/processes";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { readApiConfig } from "../../src/api/config.js";
import { API_VERSIONS, CURRENT_API_VERSION } from "../../src/api/http/apiVersion.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { ReadModel } from "../../src/api/readModel.js";
import { DERIVED_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from "../../webhooks/catalogue.js";

/** A stand-in that notes every use, then throws. */
function refused<T extends object>(what: string, uses: string[]): T {
  return new Proxy({} as T, {
    get(_, property) {
      uses.push(`${what}.${String(property)}`);
      throw new Error(`${what}.${String(property)} is not available in this test`);
    },
  });
}

function world(env: Record<string, string> = {}) {
  const uses: string[] = [];
  const metrics = createMetrics();
  const app = createApi({
    config: readApiConfig(env),
    store: refused<Kysely<ApiDatabase>>("store", uses),
    readModel: refused<ReadModel>("readModel", uses),
    verifySignature: () => Promise.reject(new Error("no signatures here")),
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics,
  });
  return { app, uses, metrics };
}

const EXTERNAL = /\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i;

describe("GET /docs", () => {
  const { app } = world();

  it("serves the reference page, which names no other origin, and the script it loads", async () => {
    const page = await app.request("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(EXTERNAL);
    expect(html).toContain('"url":"/openapi.json"');
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toMatch(EXTERNAL);

    const sources = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] as string);
    expect(sources).toHaveLength(1);
    const script = await app.request(sources[0] as string);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("cache-control")).toContain("max-age=31536000");
    const plain = Buffer.from(await script.arrayBuffer());
    expect(plain.length).toBeGreaterThan(1_000_000);
    expect(plain.toString("utf8", 0, 2000)).toContain("document");

    const gzipped = await app.request(sources[0] as string, { headers: { "Accept-Encoding": "gzip, br" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).equals(plain)).toBe(true);
  });

  it("serves the error catalogue with an anchor per code, where a problem's type points", async () => {
    const page = await app.request("/docs/errors");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<a id="invalid_request"></a>');
    expect(html).toContain("<table>");

    const refusal = await app.request("/v1/project", { headers: { "OneKey-Version": "1999-01-01" } });
    const { type } = (await refusal.json()) as { type: string };
    const [path, anchor] = type.split("#");
    expect(path).toBe("/docs/errors");
    expect(html).toContain(`<a id="${anchor}"></a>`);
  });
});

describe("GET /openapi.json", () => {
  type Operation = {
    parameters?: { $ref?: string }[];
    responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  };

  it("names its server: relative by default, the public URL when set", async () => {
    const local = (await (await world().app.request("/openapi.json")).json()) as { servers: unknown };
    expect(local.servers).toEqual([{ url: "/", description: "The server that serves this document" }]);
    const deployed = world({ ONEKEY_API_PUBLIC_URL: "https://api.onekey.example/" }).app;
    const document = (await (await deployed.request("/openapi.json")).json()) as { servers: unknown };
    expect(document.servers).toEqual([{ url: "https://api.onekey.example", description: "This deployment" }]);
  });

  it("describes every error answer of every route as a Problem, and the version header on every /v1 route", async () => {
    const document = (await (await world().app.request("/openapi.json")).json()) as {
      info: { description: string };
      paths: Record<string, Record<string, Operation>>;
    };
    expect(document.info.description).toContain("OneKey-Version: YYYY-MM-DD");
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const { route, operation } of operations) {
      const errors = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
      if (!errors.some(([status]) => status === "400") || !errors.some(([status]) => status === "500")) {
        wrong.push(`${route}: no 400 or 500`);
      }
      for (const [status, response] of errors) {
        const schema = response.content?.["application/problem+json"]?.schema.$ref;
        if (schema !== "#/components/schemas/Problem") wrong.push(`${route} ${status}`);
      }
      if (!operation.parameters?.some((p) => p.$ref === "#/components/parameters/OneKeyVersion")) {
        wrong.push(`${route}: no OneKey-Version`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("OneKey-Version", () => {
  it("is served on every /v1 answer: the default without the header, the one asked for with it", async () => {
    const { app } = world();
    const plain = await app.request("/v1/webhooks/event-types");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("OneKey-Version")).toBe(API_VERSIONS[0]);
    const asked = await app.request("/v1/webhooks/event-types", { headers: { "OneKey-Version": CURRENT_API_VERSION } });
    expect(asked.status).toBe(200);
    expect(asked.headers.get("OneKey-Version")).toBe(CURRENT_API_VERSION);
    // A refusal says the version too.
    const refusedKey = await app.request("/v1/project");
    expect(refusedKey.status).toBe(401);
    expect(refusedKey.headers.get("OneKey-Version")).toBe(API_VERSIONS[0]);
  });

  it.each(["2025-01-01", "latest", "2026-12-05; drop table"])(
    "refuses %s with a problem and does nothing else",
    async (version) => {
      const { app, uses, metrics } = world();
      const answer = await app.request("/v1/webhooks/endpoints", {
        method: "POST",
        headers: {
          Authorization: "Bearer okk_not_a_real_key",
          "Content-Type": "application/json",
          "Idempotency-Key": "k-1",
          "OneKey-Version": version,
        },
        body: JSON.stringify({ url: "https://hooks.example.com/x" }),
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await answer.json()) as { code: string; field: string; detail: string; type: string };
      expect(problem).toMatchObject({
        code: "api_version_unknown",
        field: "OneKey-Version",
        type: "/docs/errors#api_version_unknown",
      });
      expect(problem.detail).toContain(API_VERSIONS.join(", "));
      expect(answer.headers.get("OneKey-Version")).toBe(API_VERSIONS[0]);
      expect(uses).toEqual([]);
      expect((await metrics.authFailures.get()).values).toEqual([]);

      // The same request with a known version goes on to the credentials (and the store).
      const accepted = await app.request("/v1/webhooks/endpoints", {
        method: "POST",
        headers: { Authorization: "Bearer okk_not_a_real_key", "OneKey-Version": CURRENT_API_VERSION },
      });
      expect(accepted.status).not.toBe(400);
    },
  );
});

describe("GET /v1/webhooks/event-types", () => {
  it("lists exactly the catalogue's types, without credentials, each with its description and data type", async () => {
    const answer = await world().app.request("/v1/webhooks/event-types");
    expect(answer.status).toBe(200);
    const { data } = (await answer.json()) as {
      data: { type: string; description: string; dataSchema: string; source: string }[];
    };
    expect(data.map((e) => e.type)).toEqual([...WEBHOOK_EVENT_TYPES]);
    const sdkEvents = readFileSync(join(repoRoot, "sdk", "src", "events.ts"), "utf8");
    const derived = new Set<string>(DERIVED_EVENT_TYPES);
    for (const entry of data) {
      expect(entry.description.length).toBeGreaterThan(10);
      expect(sdkEvents, `${entry.type}: ${entry.dataSchema}`).toContain(`export interface ${entry.dataSchema} `);
      expect(sdkEvents).toContain(`"${entry.type}": ${entry.dataSchema};`);
      expect(entry.source).toBe(derived.has(entry.type) ? "derived" : "chain");
    }
  });
});
