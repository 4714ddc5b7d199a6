import { z } from "zod";
import { checkList, credential, parseProviderConfig, providerBaseUrl } from "../common/config.js";

/**
 * Onfido (Entrust Identity Verification), configured from ONEKEY_ISSUER_ONFIDO_*: an API token
 * (Dashboard > Developers > Tokens), the Studio workflow each person runs, the webhook's token
 * (it signs X-SHA2-Signature) and the regional API origin (https://api.{eu,us,ca}.onfido.com).
 * The workflow decides approve/decline; ONEKEY_ISSUER_ONFIDO_CHECKS lists what its reports cover.
 */
export const onfidoConfigSchema = z
  .object({
    ONEKEY_ISSUER_ONFIDO_API_TOKEN: credential,
    ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID: z
      .string({ error: "is required" })
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a workflow id (UUID)"),
    ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN: credential,
    ONEKEY_ISSUER_ONFIDO_BASE_URL: providerBaseUrl("https://api.eu.onfido.com"),
    ONEKEY_ISSUER_ONFIDO_API_VERSION: z
      .string()
      .regex(/^v3\.\d+$/, "must be an API version such as v3.6")
      .default("v3.6"),
    ONEKEY_ISSUER_ONFIDO_CHECKS: checkList("document,liveness"),
    /** How long the workflow run's hosted link stays valid (link.expires_at). */
    ONEKEY_ISSUER_ONFIDO_LINK_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(7 * 86_400)
      .default(3600),
  })
  .transform((env) => ({
    apiToken: env.ONEKEY_ISSUER_ONFIDO_API_TOKEN,
    workflowId: env.ONEKEY_ISSUER_ONFIDO_WORKFLOW_ID,
    webhookToken: env.ONEKEY_ISSUER_ONFIDO_WEBHOOK_TOKEN,
    baseUrl: env.ONEKEY_ISSUER_ONFIDO_BASE_URL,
    apiVersion: env.ONEKEY_ISSUER_ONFIDO_API_VERSION,
    checks: env.ONEKEY_ISSUER_ONFIDO_CHECKS,
    linkTtlSeconds: env.ONEKEY_ISSUER_ONFIDO_LINK_TTL_SECONDS,
  }));

export type OnfidoConfig = z.output<typeof onfidoConfigSchema>;

export function loadOnfidoConfig(env: Record<string, string | undefined> = process.env): OnfidoConfig {
  return parseProviderConfig("Onfido", onfidoConfigSchema, env);
}
