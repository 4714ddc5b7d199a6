import { z } from "zod";
import { checkList, credential, parseProviderConfig, providerBaseUrl } from "../common/config.js";

/**
 * Sumsub, configured from ONEKEY_ISSUER_SUMSUB_* (https://docs.sumsub.com/reference/authentication):
 * an app token and its secret key (Dashboard > Dev space > App tokens), the verification level
 * applicants are created at, and the webhook's secret key (Dev space > Webhooks). The level must
 * cover the checks listed in ONEKEY_ISSUER_SUMSUB_CHECKS (document = an IDENTITY step, liveness =
 * a SELFIE step, sanctions/pep = AML screening on the level).
 */
export const sumsubConfigSchema = z
  .object({
    ONEKEY_ISSUER_SUMSUB_APP_TOKEN: credential,
    ONEKEY_ISSUER_SUMSUB_SECRET_KEY: credential,
    ONEKEY_ISSUER_SUMSUB_LEVEL_NAME: z
      .string({ error: "is required" })
      .regex(/^[\w .@+-]{1,128}$/, "must be a level name (letters, digits, space, . _ - @ +)"),
    ONEKEY_ISSUER_SUMSUB_WEBHOOK_SECRET: credential,
    ONEKEY_ISSUER_SUMSUB_BASE_URL: providerBaseUrl("https://api.sumsub.com"),
    ONEKEY_ISSUER_SUMSUB_CHECKS: checkList("document,liveness"),
    /** Lifetime of a WebSDK access token (ttlInSecs). */
    ONEKEY_ISSUER_SUMSUB_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  })
  .transform((env) => ({
    appToken: env.ONEKEY_ISSUER_SUMSUB_APP_TOKEN,
    secretKey: env.ONEKEY_ISSUER_SUMSUB_SECRET_KEY,
    levelName: env.ONEKEY_ISSUER_SUMSUB_LEVEL_NAME,
    webhookSecret: env.ONEKEY_ISSUER_SUMSUB_WEBHOOK_SECRET,
    baseUrl: env.ONEKEY_ISSUER_SUMSUB_BASE_URL,
    checks: env.ONEKEY_ISSUER_SUMSUB_CHECKS,
    tokenTtlSeconds: env.ONEKEY_ISSUER_SUMSUB_TOKEN_TTL_SECONDS,
  }));

export type SumsubConfig = z.output<typeof sumsubConfigSchema>;

export function loadSumsubConfig(env: Record<string, string | undefined> = process.env): SumsubConfig {
  return parseProviderConfig("Sumsub", sumsubConfigSchema, env);
}
