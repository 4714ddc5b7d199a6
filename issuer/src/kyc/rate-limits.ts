/**
 * Limits of the session API in Redis, shared by every replica (as the sponsorship limits are:
 * rate-limiter-flexible's RateLimiterRedis, one atomic command per count): sessions started per
 * subject and per project, and sign-in attempts per address. The subject is counted first, so a
 * subject over its limit never spends its project's points. Refused admin calls (a signed-in
 * wallet changing a project it does not administer) are limited per subject too: each one is an
 * audit report, and a flood of them must not fill the reporter's queue.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Address } from "viem";
import { ApiError } from "../http/errors.js";

export interface KycLimits {
  startSession(projectId: bigint, subject: Address): Promise<void>;
  signIn(address: Address): Promise<void>;
  /** A refused admin call by this subject (before it is reported): 429 beyond the limit. */
  refusedAdmin(subject: Address): Promise<void>;
}

/** Refused admin calls per subject and minute: a mistaken admin retries a few times, a flood stops here. */
export const REFUSED_ADMIN_PER_MINUTE = 10;

export function createKycLimits(
  redis: Redis,
  options: {
    keyPrefix: string;
    subjectPerMinute: number;
    projectPerMinute: number;
    authPerMinute: number;
    refusedAdminPerMinute?: number;
  },
): KycLimits {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:${name}`, points, duration: 60 });
  const perSubject = limiter("session-subject", options.subjectPerMinute);
  const perProject = limiter("session-project", options.projectPerMinute);
  const perAddress = limiter("auth-address", options.authPerMinute);
  const refusedAdmin = limiter("refused-admin", options.refusedAdminPerMinute ?? REFUSED_ADMIN_PER_MINUTE);

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
    refusedAdmin: (subject) => spend(refusedAdmin, subject.toLowerCase(), "refused admin calls from this address"),
  };
}
