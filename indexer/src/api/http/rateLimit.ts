/**
 * Rate limits: per project for tenant and admin calls, per client address for sign-in and for
 * refused credentials, per session and address for refused admin calls.
 *
 * With ONEKEY_REDIS_URL the counts live in Redis (rate-limiter-flexible's RateLimiterRedis: one
 * atomic command per count), so N `ponder serve` replicas behind a balancer share one limit. While
 * Redis is unreachable each process falls back to its own in-memory count (the insurance
 * limiter): limits loosen to N times for that while, but the API keeps answering. Without
 * ONEKEY_REDIS_URL the counts are per process (fine for one replica; the API says so at start).
 */
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "./errors.js";

/** Where shared counts live: one Redis, and the prefix of this deployment's keys. */
export interface LimiterStore {
  redis: Redis;
  keyPrefix: string;
}

export class Limiter {
  readonly #limiter: RateLimiterAbstract;

  /** `name` keeps each limiter's counts apart in a shared store. */
  constructor(
    readonly points: number,
    readonly windowSeconds: number,
    name: string,
    store?: LimiterStore,
  ) {
    const memory = new RateLimiterMemory({ points, duration: windowSeconds });
    this.#limiter = store
      ? new RateLimiterRedis({
          storeClient: store.redis,
          keyPrefix: `${store.keyPrefix}:${name}`,
          points,
          duration: windowSeconds,
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Spends one point of `key`, or throws a 429 carrying Retry-After that says what was too many. */
  async consume(key: string, what = "requests"): Promise<{ remaining: number; resetSeconds: number }> {
    try {
      const res = await this.#limiter.consume(key);
      return { remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError(429, "rate_limited", `Too many ${what}; retry in ${retryAfter} s`, undefined, {
        "Retry-After": String(retryAfter),
        "RateLimit-Limit": String(this.points),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": String(retryAfter),
      });
    }
  }
}
