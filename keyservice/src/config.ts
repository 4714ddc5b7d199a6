/**
 * Typed configuration, read once at start; a missing or malformed value stops the service with
 * a message naming the variable.
 */
import { z } from "zod";

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "32 bytes of hex");

const ChainSchema = z.strictObject({
  /** JSON-RPC URL of the chain. */
  rpcUrl: z.url({ protocol: /^https?$/ }),
  /** The KycRegistry whose `canDecrypt` decides; a condition naming any other is refused. */
  registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address"),
});

/** An http(s) origin: scheme, host and port, nothing after. */
const origin = z
  .url({ protocol: /^https?$/ })
  .refine((text) => {
    if (!URL.canParse(text)) return true; // z.url() already says what is wrong
    const url = new URL(text);
    return url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  }, "an origin like https://app.example (no path, query or credentials)")
  .transform((text) => new URL(text).origin);

const ConfigSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65_535).default(0),
  /** chainId -> the chain's JSON-RPC URL and the KycRegistry on it. */
  chains: z
    .record(z.string().regex(/^\d+$/), ChainSchema)
    .refine((chains) => Object.keys(chains).length > 0, "at least one chain"),
  /**
   * The dApp every challenge speaks for: its host is the SIWE `domain` and its origin the `uri`,
   * so a wallet warns when another site asks to sign. Vite's dev origin by default.
   */
  dappOrigin: origin.default("http://localhost:5173"),
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

/**
 * KEYSERVICE_HOST, KEYSERVICE_PORT, KEYSERVICE_CHAINS (JSON
 * {"31337":{"rpcUrl":"http://127.0.0.1:8545","registry":"0x..."}}), KEYSERVICE_DAPP_ORIGIN, ...
 */
export function configFromEnv(env: NodeJS.ProcessEnv): KeyServiceConfig {
  let chains: unknown;
  try {
    chains = JSON.parse(env.KEYSERVICE_CHAINS ?? "null");
  } catch {
    throw new Error(
      'KEYSERVICE_CHAINS must be JSON like {"31337":{"rpcUrl":"http://127.0.0.1:8545","registry":"0x..."}}',
    );
  }
  return parseConfig({
    host: env.KEYSERVICE_HOST,
    port: env.KEYSERVICE_PORT,
    chains: chains as KeyServiceConfigInput["chains"],
    dappOrigin: env.KEYSERVICE_DAPP_ORIGIN || undefined,
    dataDir: env.KEYSERVICE_DATA_DIR || undefined,
    masterKey: env.KEYSERVICE_MASTER_KEY || undefined,
    challengeTtlSeconds: env.KEYSERVICE_CHALLENGE_TTL_SECONDS,
  });
}
