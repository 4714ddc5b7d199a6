/**
 * Limits of the session API in Redis, shared by every replica (as the sponsorship limits are:
 * rate-limiter-flexible's RateLimiterRedis, one atomic command per count): sessions started per
 * subject and per project, and sign-in attempts per address. The subject is counted first, so a
 * subject over its limit never spends its project's points.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Address } from "viem";
import { ApiError } from "../http/errors.js";

export interface KycLimits {
  startSession(projectId: bigint, subject: Address): Promise<void>;
  signIn(address: Address): Promise<void>;
}

export function createKycLimits(
  redis: Redis,
  options: { keyPrefix: string; subjectPerMinute: number; projectPerMinute: number; authPerMinute: number },
): KycLimits {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:${name}`, points, duration: 60 });
  const perSubject = limiter("session-subject", options.subjectPerMinute);
  const perProject = limiter("session-project", options.projectPerMinute);
  const perAddress = limiter("auth-address", options.authPerMinute);

  const spend = async (which: RateLimiterRedis, key: string, what: string) => {
    try {
      await which.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError(429, "rate_limited", `Too many ${what}; retry in ${retryAfter} s`, undefined, {
        "Retry-After": String(retryAfter),
      });
    }
  };

  return {
    async startSession(projectId, subject) {
      await spend(perSubject, subject.toLowerCase(), "verification sessions for this address");
      await spend(perProject, projectId.toString(), "verification sessions for this project");
    },
    signIn: (address) => spend(perAddress, address.toLowerCase(), "sign-in attempts for this address"),
  };
}
