import { z } from "zod";
import { KYC_CHECKS, type KycCheck } from "../provider.js";

/**
 * Pieces shared by the provider configuration schemas (each provider reads its own
 * ONEKEY_ISSUER_<PROVIDER>_* variables). Messages name the variable, never its value: most of
 * these are credentials.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A provider API origin. HTTPS only, except a loopback host (tests, local stand-ins): our API key
 * or signature would otherwise cross the network in clear. No path, query or credentials: request
 * signatures cover the path we send, so a prefix here would break them silently.
 */
export function providerBaseUrl(defaultUrl: string) {
  return z
    .string()
    .default(defaultUrl)
    .refine((v) => URL.canParse(v), "must be a URL")
    .transform((v, ctx) => {
      const url = new URL(v);
      const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
      if (url.protocol !== "https:" && !loopbackHttp) {
        ctx.addIssue({ code: "custom", message: "must be an https:// URL (http:// only on a loopback host)" });
        return z.NEVER;
      }
      if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
        ctx.addIssue({ code: "custom", message: "must be an origin (scheme, host and port only)" });
        return z.NEVER;
      }
      return url.origin;
    });
}

/** A credential: any non-empty string, trimmed. */
export const credential = z
  .string({ error: "is required" })
  .transform((v) => v.trim())
  .refine((v) => v.length > 0, "is required");

/** Comma-separated KYC checks the provider's configured flow performs. */
export function checkList(defaultChecks: string) {
  return z
    .string()
    .default(defaultChecks)
    .transform((v, ctx) => {
      const items = [
        ...new Set(
          v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      const bad = items.find((s) => !(KYC_CHECKS as readonly string[]).includes(s));
      if (bad !== undefined || items.length === 0) {
        ctx.addIssue({ code: "custom", message: `must be a comma-separated list of ${KYC_CHECKS.join(", ")}` });
        return z.NEVER;
      }
      return items as KycCheck[];
    });
}

/** Comma-separated secrets (several during a rotation); at least one. */
export const secretList = z.string({ error: "is required" }).transform((v, ctx) => {
  const items = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) {
    ctx.addIssue({ code: "custom", message: "must hold at least one secret" });
    return z.NEVER;
  }
  return items;
});

export const flag = (defaultValue: boolean) =>
  z
    .enum(["true", "false"])
    .default(defaultValue ? "true" : "false")
    .transform((v) => v === "true");

export class ProviderConfigError extends Error {
  override name = "ProviderConfigError";
}

/** Parses a provider's variables, or throws a ProviderConfigError naming each bad variable. */
export function parseProviderConfig<T extends z.ZodType>(
  label: string,
  schema: T,
  env: Record<string, string | undefined>,
): z.output<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new ProviderConfigError(`Invalid ${label} configuration:\n${problems}`);
}
