/**
 * The issuer's level policy: which checks earn which attestation level, and how long each level
 * stays valid. Written down once, used when a project's settings are saved (its checks must earn
 * at least its on-chain requiredLevel) and when an attestation is signed (the level the
 * normalized result earned).
 *
 * | level | checks passed                                | default validity |
 * | ----- | -------------------------------------------- | ---------------- |
 * | 1     | document                                     | 365 days         |
 * | 2     | document + liveness                          | 365 days         |
 * | 3     | document + liveness + sanctions + pep        | 180 days         |
 *
 * Validity comes from ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS. A result without a passed document check
 * earns no level and is never attested.
 */
import type { KycCheck } from "./providers/provider.js";

export const MAX_LEVEL = 3;

const LEVEL_CHECKS: Record<1 | 2 | 3, readonly KycCheck[]> = {
  1: ["document"],
  2: ["document", "liveness"],
  3: ["document", "liveness", "sanctions", "pep"],
};

/** The highest level the passed checks earn (0: none). */
export function levelFor(checksPassed: readonly KycCheck[]): number {
  let level = 0;
  for (const candidate of [1, 2, 3] as const) {
    if (LEVEL_CHECKS[candidate].every((check) => checksPassed.includes(check))) level = candidate;
  }
  return level;
}

/** The checks a level needs (levels above 3 need what 3 needs: nothing we sign reaches them). */
export function checksForLevel(level: number): KycCheck[] {
  if (level <= 0) return [];
  return [...LEVEL_CHECKS[Math.min(level, MAX_LEVEL) as 1 | 2 | 3]];
}

/** Unix seconds at which an attestation of `level`, issued at `nowSeconds`, expires. */
export function expiryFor(level: number, nowSeconds: number, levelExpiryDays: readonly [number, number, number]) {
  if (level < 1 || level > MAX_LEVEL) throw new RangeError(`level ${level} is not attested`);
  return nowSeconds + (levelExpiryDays[level - 1] as number) * 86_400;
}
