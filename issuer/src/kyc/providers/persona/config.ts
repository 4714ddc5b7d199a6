import { z } from "zod";
import { checkList, credential, flag, parseProviderConfig, providerBaseUrl, secretList } from "../common/config.js";

/**
 * Persona, configured from ONEKEY_ISSUER_PERSONA_* (https://docs.withpersona.com/api-keys): an API
 * key, the Dynamic Flow inquiry template (itmpl_...) inquiries are created from, and the webhook
 * secrets (wbhsec_...; two while Persona rotates them). The template must run the checks listed
 * in ONEKEY_ISSUER_PERSONA_CHECKS (document = a Government ID verification, liveness = a Selfie
 * verification, sanctions/pep = screening reports its decision workflow requires).
 */
export const personaConfigSchema = z
  .object({
    ONEKEY_ISSUER_PERSONA_API_KEY: credential,
    ONEKEY_ISSUER_PERSONA_TEMPLATE_ID: z
      .string({ error: "is required" })
      .regex(/^itmpl_[A-Za-z0-9]{1,64}$/, "must be an inquiry template id (itmpl_...)"),
    ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS: secretList,
    ONEKEY_ISSUER_PERSONA_BASE_URL: providerBaseUrl("https://api.withpersona.com"),
    /** The Persona-Version the adapter's field names follow (https://docs.withpersona.com/versioning). */
    ONEKEY_ISSUER_PERSONA_VERSION: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a Persona API version (YYYY-MM-DD)")
      .default("2023-01-05"),
    ONEKEY_ISSUER_PERSONA_CHECKS: checkList("document,liveness"),
    /**
     * Whether `completed` (every required verification passed) already counts as approved. Off by
     * default: with a decision workflow, only `approved` does (a completed inquiry may still be
     * declined, e.g. on a watchlist hit).
     */
    ONEKEY_ISSUER_PERSONA_APPROVE_ON_COMPLETED: flag(false),
    /** How long a one-time link stays usable: the template's resume expiration (Persona: 24 h by default). */
    ONEKEY_ISSUER_PERSONA_LINK_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400),
    /** Most a webhook's signed timestamp may differ from our clock. */
    ONEKEY_ISSUER_PERSONA_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  })
  .transform((env) => ({
    apiKey: env.ONEKEY_ISSUER_PERSONA_API_KEY,
    templateId: env.ONEKEY_ISSUER_PERSONA_TEMPLATE_ID,
    webhookSecrets: env.ONEKEY_ISSUER_PERSONA_WEBHOOK_SECRETS,
    baseUrl: env.ONEKEY_ISSUER_PERSONA_BASE_URL,
    apiVersion: env.ONEKEY_ISSUER_PERSONA_VERSION,
    checks: env.ONEKEY_ISSUER_PERSONA_CHECKS,
    approveOnCompleted: env.ONEKEY_ISSUER_PERSONA_APPROVE_ON_COMPLETED,
    linkTtlSeconds: env.ONEKEY_ISSUER_PERSONA_LINK_TTL_SECONDS,
    webhookToleranceSeconds: env.ONEKEY_ISSUER_PERSONA_WEBHOOK_TOLERANCE_SECONDS,
  }));

export type PersonaConfig = z.output<typeof personaConfigSchema>;

export function loadPersonaConfig(env: Record<string, string | undefined> = process.env): PersonaConfig {
  return parseProviderConfig("Persona", personaConfigSchema, env);
}
