/**
 * How each provider is configured and built. A provider's settings are read from the
 * environment at start (`ONEKEY_ISSUER_<NAME>_*`, e.g. ONEKEY_ISSUER_SANDBOX_URL or
 * ONEKEY_ISSUER_SANDBOX_B_URL for "sandbox-b"), so a missing key fails the start, not the first
 * session.
 *
 * Wiring a provider = one entry in FACTORIES: its settings schema and a function that builds
 * its adapter (the adapters live in ./<name>/ and implement ./provider.ts).
 */
import type { z } from "zod";
import type { KycProvider, ProviderName } from "./provider.js";
import { createSandboxProvider, type SandboxSettings, sandboxSettingsSchema } from "./sandbox/sandbox-provider.js";

export type ProviderSettings = SandboxSettings | Record<string, unknown>;

interface ProviderFactory {
  /** The zod schema of the provider's variables, without the prefix (URL, APP_TOKEN, ...). */
  schema: z.ZodType<ProviderSettings>;
  create(name: ProviderName, settings: ProviderSettings): KycProvider;
}

const sandboxFactory: ProviderFactory = {
  schema: sandboxSettingsSchema,
  create: (name, settings) => createSandboxProvider(name, settings as SandboxSettings),
};

/** The factory for a provider name; sandbox instances share one. */
function factoryOf(name: ProviderName): ProviderFactory | undefined {
  if (name === "sandbox" || name.startsWith("sandbox-")) return sandboxFactory;
  // sumsub, persona and onfido: their adapters (./sumsub, ./persona, ./onfido) are wired here.
  return undefined;
}

export function envPrefixOf(name: ProviderName): string {
  return `ONEKEY_ISSUER_${name.toUpperCase().replaceAll("-", "_")}_`;
}

/** Parses every enabled provider's variables; throws one message naming each bad variable. */
export function parseProviderSettings(
  names: readonly ProviderName[],
  env: Record<string, string>,
): Partial<Record<ProviderName, ProviderSettings>> {
  const out: Partial<Record<ProviderName, ProviderSettings>> = {};
  const problems: string[] = [];
  for (const name of names) {
    const factory = factoryOf(name);
    if (!factory) {
      problems.push(
        `ONEKEY_ISSUER_PROVIDERS: the ${name} adapter is not wired in this build (kyc/providers/factories.ts)`,
      );
      continue;
    }
    const prefix = envPrefixOf(name);
    const own = Object.fromEntries(
      Object.entries(env)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    const parsed = factory.schema.safeParse(own);
    if (parsed.success) out[name] = parsed.data;
    else for (const issue of parsed.error.issues) problems.push(`${prefix}${issue.path.join(".")}: ${issue.message}`);
  }
  if (problems.length > 0) throw new Error(problems.join("\n  "));
  return out;
}

export function createProvider(name: ProviderName, settings: ProviderSettings | undefined): KycProvider {
  const factory = factoryOf(name);
  if (!factory || settings === undefined) throw new Error(`provider ${name} is not configured`);
  return factory.create(name, settings);
}
