/**
 * Typed configuration, read once at start; a missing or malformed value stops the service with
 * a message naming the variable.
 */
import { z } from "zod";

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "32 bytes of hex");

const ConfigSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65_535).default(0),
  /** chainId -> JSON-RPC URL of the chains whose registries the service reads. */
  chains: z
    .record(z.string().regex(/^\d+$/), z.url({ protocol: /^https?$/ }))
    .refine((chains) => Object.keys(chains).length > 0, "at least one chain"),
  /** Keep keys on disk (wrapped under the master key) instead of in memory. */
  dataDir: z.string().min(1).optional(),
  /** Wraps stored keys at rest; generated into dataDir when absent. */
  masterKey: hex32.optional(),
  challengeTtlSeconds: z.coerce.number().int().min(10).max(3600).default(300),
});

export type KeyServiceConfig = z.infer<typeof ConfigSchema>;
export type KeyServiceConfigInput = z.input<typeof ConfigSchema>;

export function parseConfig(input: KeyServiceConfigInput): KeyServiceConfig {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`);
    throw new Error(`key service configuration is invalid: ${problems.join("; ")}`);
  }
  return result.data;
}

/** KEYSERVICE_HOST, KEYSERVICE_PORT, KEYSERVICE_CHAINS (JSON {"31337":"http://127.0.0.1:8545"}), ... */
export function configFromEnv(env: NodeJS.ProcessEnv): KeyServiceConfig {
  let chains: unknown;
  try {
    chains = JSON.parse(env.KEYSERVICE_CHAINS ?? "null");
  } catch {
    throw new Error('KEYSERVICE_CHAINS must be JSON like {"31337":"http://127.0.0.1:8545"}');
  }
  return parseConfig({
    host: env.KEYSERVICE_HOST,
    port: env.KEYSERVICE_PORT,
    chains: chains as Record<string, string>,
    dataDir: env.KEYSERVICE_DATA_DIR || undefined,
    masterKey: env.KEYSERVICE_MASTER_KEY || undefined,
    challengeTtlSeconds: env.KEYSERVICE_CHALLENGE_TTL_SECONDS,
  });
}
