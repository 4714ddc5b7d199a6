/**
 * The limiter behind every 429: counts per key, says when to retry, keeps limiters with the same
 * store apart by name, and keeps answering (counting in memory) while Redis is unreachable.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/http/errors.js";
import { Limiter } from "../../../src/api/http/rateLimit.js";

const redis = new Redis("redis://127.0.0.1:6379", {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
});
const prefix = () => `onekey:test:${randomBytes(6).toString("hex")}`;

beforeAll(async () => {
  await redis.connect();
});

afterAll(() => {
  redis.disconnect();
});

async function refusal(limiter: Limiter, key: string): Promise<ApiError> {
  const error = await limiter.consume(key, "tenant calls").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("Limiter", () => {
  it("refuses the call over the limit with 429, Retry-After and what was too many; other keys are unaffected", async () => {
    const limiter = new Limiter(2, 60, "tenant");
    expect((await limiter.consume("project:1")).remaining).toBe(1);
    expect((await limiter.consume("project:1")).remaining).toBe(0);
    const error = await refusal(limiter, "project:1");
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/Too many tenant calls; retry in \d+ s/);
    expect(Number(error.headers["Retry-After"])).toBeGreaterThan(0);
    expect((await limiter.consume("project:2")).remaining).toBe(1);
  });

  it("shares counts through Redis between instances of the same name, and keeps names apart", async () => {
    const store = { redis, keyPrefix: prefix() };
    const a = new Limiter(2, 60, "tenant", store);
    const b = new Limiter(2, 60, "tenant", store);
    const other = new Limiter(2, 60, "admin", store);
    await a.consume("project:1");
    await b.consume("project:1");
    expect((await refusal(a, "project:1")).status).toBe(429);
    expect((await refusal(b, "project:1")).status).toBe(429);
    expect((await other.consume("project:1")).remaining).toBe(1);
  });

  it("counts in memory while Redis is unreachable instead of failing the request", async () => {
    // A port that accepts nothing: the client can never become ready.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const away = new Redis(`redis://127.0.0.1:${port}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    try {
      const limiter = new Limiter(1, 60, "tenant", { redis: away, keyPrefix: prefix() });
      expect((await limiter.consume("project:1")).remaining).toBe(0);
      expect((await refusal(limiter, "project:1")).status).toBe(429);
    } finally {
      away.disconnect();
    }
  });
});
