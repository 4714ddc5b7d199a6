/** The tenant API's settings (src/api/config.ts): the environment scheme's names, and the PGlite fallback. */
import { describe, expect, it } from "vitest";
import { readApiConfig } from "../../src/api/config.js";

describe("tenant API configuration", () => {
  it("reads its own settings as ONEKEY_API_*, and the shared log level unless ONEKEY_API_LOG_LEVEL is set", () => {
    const config = readApiConfig({
      ONEKEY_INDEXER_DATABASE_URL: "postgres://127.0.0.1/x",
      ONEKEY_API_SIWE_DOMAIN: "dash.example.com",
      ONEKEY_API_SESSION_TTL_SECONDS: "600",
      ONEKEY_API_RATE_LIMIT_POINTS: "7",
      ONEKEY_API_ADMIN_RATE_LIMIT_POINTS: "8",
      ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "9",
      ONEKEY_API_METRICS_TOKEN: "a-metrics-token-of-16+",
      ONEKEY_LOG_LEVEL: "warn",
    });
    expect(config).toMatchObject({
      store: { kind: "postgres", url: "postgres://127.0.0.1/x", schema: "onekey_api" },
      siweDomain: "dash.example.com",
      sessionTtlSeconds: 600,
      rateLimit: { points: 7 },
      adminRateLimitPoints: 8,
      authRateLimitPoints: 9,
      metricsToken: "a-metrics-token-of-16+",
      logLevel: "warn",
    });
    expect(readApiConfig({ ONEKEY_LOG_LEVEL: "warn", ONEKEY_API_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
  });

  it("runs on its own PGlite without the indexer's database, whatever DATABASE_URL says", () => {
    expect(readApiConfig({ DATABASE_URL: "postgres://127.0.0.1/x" }).store).toEqual({
      kind: "pglite",
      directory: ".ponder/api-pglite",
    });
  });

  it("reads the issuer's database and operator route; the issuer's URL and token come together or not at all", () => {
    const token = "t".repeat(32);
    expect(
      readApiConfig({
        ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: "postgres://reader@127.0.0.1/issuer",
        ONEKEY_API_ISSUER_URL: "http://127.0.0.1:8787/",
        ONEKEY_API_ISSUER_OPERATOR_TOKEN: token,
      }),
    ).toMatchObject({
      issuerDatabase: { url: "postgres://reader@127.0.0.1/issuer", schema: "onekey_issuer" },
      issuerOperator: { url: "http://127.0.0.1:8787", token },
    });
    const unset = readApiConfig({});
    expect([unset.issuerDatabase, unset.issuerOperator]).toEqual([undefined, undefined]);
    expect(() => readApiConfig({ ONEKEY_API_ISSUER_URL: "http://127.0.0.1:8787" })).toThrow(
      /ONEKEY_API_ISSUER_URL and ONEKEY_API_ISSUER_OPERATOR_TOKEN/,
    );
    expect(() => readApiConfig({ ONEKEY_API_ISSUER_URL: "ftp://x", ONEKEY_API_ISSUER_OPERATOR_TOKEN: token })).toThrow(
      /ONEKEY_API_ISSUER_URL/,
    );
    expect(() =>
      readApiConfig({ ONEKEY_API_ISSUER_URL: "http://127.0.0.1:8787", ONEKEY_API_ISSUER_OPERATOR_TOKEN: "short" }),
    ).toThrow(/ONEKEY_API_ISSUER_OPERATOR_TOKEN/);
  });
});
