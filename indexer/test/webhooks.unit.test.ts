/**
 * The webhook building blocks on their own: the retry schedule, the destination policy (SSRF),
 * sealed secrets, the envelope and ids, the worker's configuration, and the sender against a real
 * local HTTP server, its signatures checked with node:crypto from the Standard Webhooks spec.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../harness/receiver.js";
import {
  checkDestination,
  checkUrlShape,
  DestinationError,
  guardedLookup,
  isPublicAddress,
} from "../src/webhooks/destinations.js";
import { envelope, eventIdFor } from "../src/webhooks/events.js";
import { newSigningSecret, openSecret, parseEncryptionKey, sealSecret } from "../src/webhooks/secrets.js";
import { readWorkerConfig } from "../worker/config.js";
import { parseSchedule, retryDelay } from "../worker/schedule.js";
import { Sender } from "../worker/sender.js";

describe("retry schedule", () => {
  it("parses durations and refuses anything else, naming the variable", () => {
    expect(parseSchedule("5s,5m,30m,2h,500ms")).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 500]);
    for (const bad of ["", "5", "5 days", "5s,,5m", "-1s"]) {
      expect(() => parseSchedule(bad)).toThrow(/ONEKEY_WEBHOOK_RETRY_SCHEDULE/);
    }
  });

  it("the default schedule spans more than 24 hours", () => {
    const total = parseSchedule("5s,5m,30m,2h,5h,10h,10h").reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });

  it("jitters each wait within +-jitter and ends after the last retry", () => {
    const schedule = [1_000, 10_000];
    expect(retryDelay(schedule, 1, 0.2, () => 0)).toBe(800);
    expect(retryDelay(schedule, 1, 0.2, () => 1)).toBe(1_200);
    expect(retryDelay(schedule, 2, 0.2, () => 0.5)).toBe(10_000);
    expect(retryDelay(schedule, 3, 0.2)).toBeUndefined();
  });
});

describe("destinations", () => {
  it("classifies loopback, private, link-local, CGNAT, unique-local and mapped addresses as non-public", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fc00::1",
      "::ffff:127.0.0.1",
      "not-an-ip",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) expect(isPublicAddress(address)).toBe(true);
  });

  it("production refuses http, credentials and every non-public destination; local allows loopback", async () => {
    expect(() => checkUrlShape("http://example.com/hook", "production")).toThrow(/https/);
    expect(() => checkUrlShape("https://u:p@example.com/hook", "production")).toThrow(/credentials/);
    expect(() => checkUrlShape("https://example.com/hook#x", "production")).toThrow(/fragment/);
    for (const url of [
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://[::1]/hook",
      "https://10.0.0.5/hook",
      "https://169.254.169.254/latest/meta-data",
    ]) {
      await expect(checkDestination(url, "production"), url).rejects.toBeInstanceOf(DestinationError);
    }
    await expect(checkDestination("https://8.8.8.8/hook", "production")).resolves.toBeInstanceOf(URL);
    await expect(checkDestination("http://127.0.0.1:9/hook", "local")).resolves.toBeInstanceOf(URL);
  });

  it("the connection-time lookup refuses a host that resolves to loopback in production only", async () => {
    const lookup = (mode: "local" | "production") =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(mode)("localhost", {}, (error, address) => resolve({ error, address })),
      );
    const refused = await lookup("production");
    expect(refused.error?.code).toBe("EDESTINATION");
    const allowed = await lookup("local");
    expect(allowed.error).toBeNull();
    expect(["127.0.0.1", "::1"]).toContain(allowed.address);
  });
});

describe("sealed secrets", () => {
  const key = parseEncryptionKey("11".repeat(32));

  it("round-trips, and fails for another endpoint id, a tampered seal or another key", () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sealed = sealSecret(key, "ep_a", secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(key, "ep_a", sealed)).toBe(secret);
    expect(() => openSecret(key, "ep_b", sealed)).toThrow();
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === "A" ? "B" : "A"}${sealed.at(-1)}`;
    expect(() => openSecret(key, "ep_a", flipped)).toThrow();
    expect(() => openSecret(parseEncryptionKey("22".repeat(32)), "ep_a", sealed)).toThrow();
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => parseEncryptionKey("abcd")).toThrow(/32 bytes/);
    expect(parseEncryptionKey(Buffer.alloc(32, 1).toString("base64"))).toHaveLength(32);
  });
});

describe("envelope and ids", () => {
  const event = {
    id: eventIdFor("31337:0xabc:4"),
    type: "consent.granted",
    chainId: 31337,
    blockNumber: "12",
    blockHash: "0xabc",
    blockTimestamp: "1764583200",
    transactionHash: "0xdef",
    logIndex: 4,
    data: { projectId: "7", subject: "0x01" },
    createdAt: new Date(0),
  };

  it("derives the same id from the same source, and different ids from different ones", () => {
    expect(eventIdFor("31337:0xabc:4")).toBe(event.id);
    expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(eventIdFor("31337:0xabd:4")).not.toBe(event.id);
  });

  it("builds the version-1 body with block time and the finality judged at send time", () => {
    expect(JSON.parse(envelope(event, "7", true))).toEqual({
      id: event.id,
      type: "consent.granted",
      version: 1,
      projectId: "7",
      chainId: 31337,
      createdAt: "2025-12-01T10:00:00.000Z",
      block: { number: "12", hash: "0xabc", timestamp: "1764583200", finalized: true },
      transactionHash: "0xdef",
      logIndex: 4,
      data: { projectId: "7", subject: "0x01" },
    });
    const timeBased = JSON.parse(envelope({ ...event, blockNumber: null, blockHash: null }, "7", true));
    expect(timeBased.block).toBeNull();
  });
});

describe("worker configuration", () => {
  const base = { DATABASE_URL: "postgres://127.0.0.1/x", ONEKEY_WEBHOOK_ENCRYPTION_KEY: "aa".repeat(32) };

  it("reads defaults: a 15 s timeout, 7 retries, finality, local mode on the local network", () => {
    const config = readWorkerConfig(base);
    expect(config).toMatchObject({ timeoutMs: 15_000, mode: "local", defaultConfirmations: null, leaseMs: 30_000 });
    expect(config.retrySchedule).toHaveLength(7);
    expect(readWorkerConfig({ ...base, ONEKEY_NETWORK: "base", ONEKEY_RPC_URL: "https://rpc.example" }).mode).toBe(
      "production",
    );
  });

  it("fails fast on a missing or malformed value, naming it", () => {
    expect(() => readWorkerConfig({ ...base, DATABASE_URL: "" })).toThrow(/DATABASE_URL/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_ENCRYPTION_KEY: "short" })).toThrow(/32 bytes/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_RETRY_SCHEDULE: "soon" })).toThrow(/RETRY_SCHEDULE/);
    expect(() => readWorkerConfig({ ...base, ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "lots" })).toThrow(
      /DEFAULT_CONFIRMATIONS/,
    );
  });
});

describe("sender", () => {
  let receiver: Receiver;
  const sender = new Sender(300, "local");
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sender.close();
    await receiver.close();
  });

  /** The Standard Webhooks signature, computed from the spec alone. */
  const specSignature = (secret: string, id: string, timestamp: string, body: string) =>
    `v1,${createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
      .update(`${id}.${timestamp}.${body}`)
      .digest("base64")}`;

  it("signs as the spec says, once per live secret", async () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const outcome = await sender.send(receiver.url("/ok"), "evt_1", '{"x":1}', [a, b]);
    expect(outcome).toMatchObject({ statusCode: 200, error: null });
    const [got] = receiver.on("/ok");
    const timestamp = String(got?.headers["webhook-timestamp"]);
    expect(got?.headers["webhook-id"]).toBe("evt_1");
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(String(got?.headers["webhook-signature"]).split(" ")).toEqual([
      specSignature(a, "evt_1", timestamp, '{"x":1}'),
      specSignature(b, "evt_1", timestamp, '{"x":1}'),
    ]);
  });

  it("reports a timeout, a refused connection and a refused destination as errors without a status", async () => {
    receiver.script("/hang", ["hang"]);
    expect(await sender.send(receiver.url("/hang"), "evt_2", "{}", [newSigningSecret()])).toMatchObject({
      statusCode: null,
      error: "timeout",
    });
    expect((await sender.send("http://127.0.0.1:9/x", "evt_3", "{}", [newSigningSecret()])).error).toBe(
      "connection refused",
    );
    const production = new Sender(300, "production");
    expect((await production.send(receiver.url("/ok"), "evt_4", "{}", [newSigningSecret()])).error).toBe(
      "refused: non-public address",
    );
    await production.close();
    expect(receiver.on("/ok")).toHaveLength(1);
  });
});
