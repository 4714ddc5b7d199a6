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
 * The level table itself is @onekey/deploy's (deploy/kyc-levels.ts), shared with the dashboard.
 * Validity comes from ONEKEY_ISSUER_LEVEL_EXPIRY_DAYS. A result without a passed document check
 * earns no level and is never attested.
 */
import { checksForLevel, levelFor, MAX_KYC_LEVEL } from "@onekey/deploy";

export { checksForLevel, levelFor };
export const MAX_LEVEL = MAX_KYC_LEVEL;

/** Unix seconds at which an attestation of `level`, issued at `nowSeconds`, expires. */
export function expiryFor(level: number, nowSeconds: number, levelExpiryDays: readonly [number, number, number]) {
  if (level < 1 || level > MAX_LEVEL) throw new RangeError(`level ${level} is not attested`);
  return nowSeconds + (levelExpiryDays[level - 1] as number) * 86_400;
}
