/**
 * Rate limits: per project for tenant and admin calls, per client address for sign-in and for
 * refused credentials, per session and address for refused admin calls. In-memory per process: with N `ponder serve` replicas behind a balancer a
 * project gets up to N times the limit (see README).
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "./errors.js";

export class Limiter {
  readonly #limiter: RateLimiterMemory;

  constructor(
    readonly points: number,
    readonly windowSeconds: number,
  ) {
    this.#limiter = new RateLimiterMemory({ points, duration: windowSeconds });
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
