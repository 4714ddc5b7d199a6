/** The worker's settings (webhooks/worker/config.ts): defaults, and a named failure for each bad value. */
import { describe, expect, it } from "vitest";
import { readWorkerConfig } from "../../../webhooks/worker/config.js";

describe("worker configuration", () => {
  const base = {
    ONEKEY_INDEXER_DATABASE_URL: "postgres://127.0.0.1/x",
    ONEKEY_WEBHOOK_ENCRYPTION_KEY: "aa".repeat(32),
  };

  it("reads defaults: a 15 s timeout, 7 retries, finality, local mode on the local network", () => {
    const config = readWorkerConfig(base);
    expect(config).toMatchObject({ timeoutMs: 15_000, mode: "local", defaultConfirmations: null, leaseMs: 30_000 });
    expect(config.retrySchedule).toHaveLength(7);
    expect(readWorkerConfig({ ...base, ONEKEY_NETWORK: "base", ONEKEY_RPC_URL: "https://rpc.example" }).mode).toBe(
      "production",
    );
  });

  it("fails fast on a missing or malformed value, naming it", () => {
    expect(() => readWorkerConfig({ ...base, ONEKEY_INDEXER_DATABASE_URL: "" })).toThrow(/ONEKEY_INDEXER_DATABASE_URL/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_ENCRYPTION_KEY: "short" })).toThrow(/32 bytes/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_RETRY_SCHEDULE: "soon" })).toThrow(/RETRY_SCHEDULE/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "lots" })).toThrow(
      /DEFAULT_CONFIRMATIONS/,
    );
  });

  it("follows the environment scheme: the indexer's database, and the shared log level unless its own is set", () => {
    const config = readWorkerConfig({ ...base, ONEKEY_LOG_LEVEL: "warn" });
    expect(config).toMatchObject({ databaseUrl: "postgres://127.0.0.1/x", logLevel: "warn" });
    expect(readWorkerConfig({ ...base, ONEKEY_LOG_LEVEL: "warn", ONEKEY_WEBHOOK_LOG_LEVEL: "debug" }).logLevel).toBe(
      "debug",
    );
    // The old name is not read: a worker configured the old way fails at start, naming the new one.
    expect(() =>
      readWorkerConfig({ DATABASE_URL: "postgres://127.0.0.1/x", ONEKEY_WEBHOOK_ENCRYPTION_KEY: "aa".repeat(32) }),
    ).toThrow(/ONEKEY_INDEXER_DATABASE_URL/);
  });
});
