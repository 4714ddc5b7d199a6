/**
 * What an attestation level means: the checks a person passed to earn it. The issuer signs by
 * this table (issuer/src/kyc/policy.ts) and the dashboard explains a project's required checks
 * with it, so it is written once, here, beside the attestation's on-chain shape.
 *
 * | level | checks passed                         |
 * | ----- | ------------------------------------- |
 * | 1     | document                              |
 * | 2     | document + liveness                   |
 * | 3     | document + liveness + sanctions + pep |
 */

export const KYC_CHECKS = ["document", "liveness", "sanctions", "pep"] as const;
export type KycCheck = (typeof KYC_CHECKS)[number];

/** The highest level an issuer attests. */
export const MAX_KYC_LEVEL = 3;

export const LEVEL_CHECKS: Record<1 | 2 | 3, readonly KycCheck[]> = {
  1: ["document"],
  2: ["document", "liveness"],
  3: ["document", "liveness", "sanctions", "pep"],
};

/** The highest level the passed checks earn (0: none; a document is always needed). */
export function levelFor(checksPassed: readonly string[]): number {
  let level = 0;
  for (const candidate of [1, 2, 3] as const) {
    if (LEVEL_CHECKS[candidate].every((check) => checksPassed.includes(check))) level = candidate;
  }
  return level;
}

/** The checks a level needs (levels above 3 need what 3 needs: nothing an issuer signs reaches them). */
export function checksForLevel(level: number): KycCheck[] {
  if (level <= 0) return [];
  return [...LEVEL_CHECKS[Math.min(level, MAX_KYC_LEVEL) as 1 | 2 | 3]];
}
