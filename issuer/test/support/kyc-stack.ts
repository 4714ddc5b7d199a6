/**
 * The KYC pieces on top of the shared chain stack (stack.ts): two sandbox providers ("sandbox"
 * and "sandbox-b", for fallback), the local ANS-104 bundler node the records are uploaded to and
 * the issuer reads them back from, and an issuer replica wired to all of them with a clock the
 * tests can move (expiry) and logs they can read (no PII in them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type RunningKycSandbox, startKycSandbox } from "@onekey/devnet/kyc-sandbox/server";
import { type RunningLocalBundler, startLocalBundler } from "@onekey/devnet/local-bundler";
import { BundlerStorage, createDataItem } from "@onekey/web/privacy";
import { type Hex, keccak256, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createLogger } from "../../src/logger.js";
import { freshRedisPrefix, type RunningIssuer, startIssuer } from "./stack.js";

export interface Clock {
  offsetMs: number;
  now(): Date;
  advance(ms: number): void;
}

export function testClock(): Clock {
  const clock: Clock = {
    offsetMs: 0,
    now: () => new Date(Date.now() + clock.offsetMs),
    advance: (ms) => {
      clock.offsetMs += ms;
    },
  };
  return clock;
}

export interface KycStack {
  issuer: RunningIssuer;
  sandbox: RunningKycSandbox;
  sandboxB: RunningKycSandbox;
  bundler: RunningLocalBundler;
  clock: Clock;
  /** Every line the issuer logged (JSON). */
  logs: string[];
  /** Another issuer replica (same database, providers and storage), with `overrides`. */
  replica(overrides?: Record<string, string>): Promise<RunningIssuer>;
  stop(): Promise<void>;
}

function sandboxEnv(prefix: string, box: RunningKycSandbox): Record<string, string> {
  return {
    [`${prefix}URL`]: box.url,
    [`${prefix}APP_TOKEN`]: box.credentials.appToken,
    [`${prefix}SECRET_KEY`]: box.credentials.secretKey,
    [`${prefix}WEBHOOK_SECRET`]: box.credentials.webhookSecret,
  };
}

export async function startKycStack(env: Record<string, string> = {}): Promise<KycStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "onekey-kyc-bundler-"));
  const sandbox = await startKycSandbox({ slowMs: 1_500, webhookRetryMs: [100, 500, 2_000] });
  const sandboxB = await startKycSandbox({ slowMs: 1_500, webhookRetryMs: [100, 500, 2_000] });
  const bundler = await startLocalBundler({ dataDir });
  const clock = testClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const env_ = {
    ONEKEY_ISSUER_REDIS_KEY_PREFIX: freshRedisPrefix(),
    ONEKEY_ISSUER_PROVIDERS: "sandbox,sandbox-b",
    ...sandboxEnv("ONEKEY_ISSUER_SANDBOX_", sandbox),
    ...sandboxEnv("ONEKEY_ISSUER_SANDBOX_B_", sandboxB),
    ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: bundler.url,
    ONEKEY_ISSUER_PROVIDER_TIMEOUT_MS: "600",
    ONEKEY_ISSUER_BREAKER_FAILURES: "2",
    ONEKEY_ISSUER_BREAKER_HALF_OPEN_MS: "400",
    ONEKEY_ISSUER_PROJECT_CACHE_MS: "0",
    ONEKEY_ISSUER_SESSION_SUBJECT_RATE_PER_MINUTE: "50",
    // A week: the expiry tests move the clock past a session's day without signing in again.
    ONEKEY_ISSUER_AUTH_TOKEN_TTL_SECONDS: String(7 * 86_400),
    ...env,
  };
  const logger = createLogger("debug", sink);
  const issuer = await startIssuer(env_, { now: clock.now, logger });
  const replicas: RunningIssuer[] = [];
  sandbox.setWebhookUrl(`${issuer.url}/v1/providers/sandbox/webhook`);
  sandboxB.setWebhookUrl(`${issuer.url}/v1/providers/sandbox-b/webhook`);
  return {
    issuer,
    sandbox,
    sandboxB,
    bundler,
    clock,
    logs,
    replica: async (overrides = {}) => {
      const replica = await startIssuer({ ...env_, ...overrides }, { now: clock.now, logger });
      replicas.push(replica);
      return replica;
    },
    stop: async () => {
      for (const replica of replicas) await replica.stop();
      await issuer.stop();
      await sandbox.stop();
      await sandboxB.stop();
      await bundler.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Uploads `bytes` as a signed ANS-104 item to the bundler node; what a record report names. */
export async function storeRecord(
  bundlerUrl: string,
  bytes: Uint8Array,
  signer: LocalAccount = privateKeyToAccount(generatePrivateKey()),
): Promise<{ storageId: Hex; storageIdBase64Url: string; ciphertextHash: Hex }> {
  const item = await createDataItem({ data: bytes, tags: [{ name: "App-Name", value: "OneKey" }], signer });
  await new BundlerStorage({ url: bundlerUrl }).upload(item);
  return { storageId: item.id, storageIdBase64Url: item.idBase64Url, ciphertextHash: keccak256(bytes) };
}
