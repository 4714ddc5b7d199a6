/**
 * Sponsorship rate limits in Redis, shared by every replica (N replicas never give N times the
 * limit): signed sponsorships per project and per subject (the sender) per minute.
 * rate-limiter-flexible's RateLimiterRedis does each count as one atomic Redis command, so
 * concurrent replicas cannot both take the last point.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Address } from "viem";
import { SponsorshipRefused } from "./policy.js";

export interface SponsorshipLimits {
  /** Spends one point of the project and one of the subject, or refuses with `rate_limited`. */
  consume(projectId: bigint, subject: Address): Promise<void>;
}

export function createSponsorshipLimits(
  redis: Redis,
  options: { keyPrefix: string; projectPerMinute: number; subjectPerMinute: number },
): SponsorshipLimits {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:${name}`, points, duration: 60 });
  const perProject = limiter("sponsor-project", options.projectPerMinute);
  const perSubject = limiter("sponsor-subject", options.subjectPerMinute);

  const spend = async (which: RateLimiterRedis, key: string, message: (seconds: number) => string) => {
    try {
      await which.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new SponsorshipRefused("rate_limited", message(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
    }
  };

  return {
    async consume(projectId, subject) {
      // The subject first: a subject over its limit must not spend its project's points.
      await spend(
        perSubject,
        subject.toLowerCase(),
        (s) => `Too many sponsored operations for ${subject}; retry in ${s} s`,
      );
      await spend(
        perProject,
        projectId.toString(),
        (s) => `Project ${projectId} has reached its sponsorship rate limit; retry in ${s} s`,
      );
    },
  };
}
