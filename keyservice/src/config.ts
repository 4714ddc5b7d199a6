/**
 * Typed configuration, read once at start; a missing or malformed value stops the service with
 * a message naming the variable.
 */
import { contractOf, deploymentsDir, isNetworkName, networks, readDeployment } from "@onekey/deploy";
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
  /** Where each release decision is reported (the tenant API's audit trail), with its service token. */
  audit: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      token: z.string().min(32, "at least 32 characters"),
    })
    .optional(),
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

/** Where `npm run dev` runs the local chain: the default RPC on the local network only. */
const LOCAL_RPC_URL = "http://127.0.0.1:8545";

/**
 * Reads the environment (an empty variable counts as unset): the KycRegistry and the chain id
 * come from the deployment book entry of ONEKEY_NETWORK (default local; ONEKEY_DEPLOY_BOOK_DIR
 * points at another book), the chain is reached at ONEKEY_RPC_URL (default
 * http://127.0.0.1:8545 on the local network), the rest is ONEKEY_KEYSERVICE_* (.env.example).
 */
export function configFromEnv(env: NodeJS.ProcessEnv): KeyServiceConfig {
  const value = (name: string) => env[name] || undefined;
  refuseRenamed(env);
  const network = value("ONEKEY_NETWORK") ?? "local";
  if (!isNetworkName(network)) {
    throw new Error(`ONEKEY_NETWORK must be one of ${Object.keys(networks).join(", ")}, got "${network}"`);
  }
  // A development stand-in for Lit: it holds data keys in one process, which no production
  // deployment may rely on (there, VITE_ONEKEY_KEYS=lit).
  if (network !== "local") {
    throw new Error(
      `ONEKEY_NETWORK is ${network}: the key service runs on the local network only (production uses Lit)`,
    );
  }
  const rpcUrl = value("ONEKEY_RPC_URL") ?? LOCAL_RPC_URL;
  if (!z.url({ protocol: /^https?$/ }).safeParse(rpcUrl).success) {
    // Not the value: an RPC URL may carry an API key.
    throw new Error("ONEKEY_RPC_URL must be an http(s) URL");
  }
  const deployment = readDeployment(network, value("ONEKEY_DEPLOY_BOOK_DIR") ?? deploymentsDir);
  return parseConfig({
    host: value("ONEKEY_KEYSERVICE_HOST"),
    port: value("ONEKEY_KEYSERVICE_PORT"),
    chains: { [String(deployment.chainId)]: { rpcUrl, registry: contractOf(deployment, "KycRegistry").address } },
    dappOrigin: value("ONEKEY_KEYSERVICE_DAPP_ORIGIN"),
    dataDir: value("ONEKEY_KEYSERVICE_DATA_DIR"),
    masterKey: value("ONEKEY_KEYSERVICE_MASTER_KEY"),
    challengeTtlSeconds: value("ONEKEY_KEYSERVICE_CHALLENGE_TTL_SECONDS"),
    audit: auditOf(value("ONEKEY_KEYSERVICE_AUDIT_URL"), value("ONEKEY_KEYSERVICE_AUDIT_TOKEN")),
  });
}

/** Both variables or neither: a URL without its token (or the reverse) is a mistake to name. */
function auditOf(url: string | undefined, token: string | undefined) {
  if (url === undefined && token === undefined) return undefined;
  if (url === undefined || token === undefined) {
    throw new Error("ONEKEY_KEYSERVICE_AUDIT_URL and ONEKEY_KEYSERVICE_AUDIT_TOKEN go together: set both or neither");
  }
  return { url, token };
}

/**
 * The KEYSERVICE_* names of before the ONEKEY_* scheme: a value set under one would be silently
 * ignored (a master key among them, and keys wrapped under a new one are lost on restart).
 */
function refuseRenamed(env: NodeJS.ProcessEnv): void {
  const stale = Object.keys(env).filter((name) => name.startsWith("KEYSERVICE_") && env[name]);
  if (stale.length === 0) return;
  const advice = stale.map((name) =>
    name === "KEYSERVICE_CHAINS"
      ? "KEYSERVICE_CHAINS is gone: the KycRegistry comes from the deployment book of ONEKEY_NETWORK, the chain from ONEKEY_RPC_URL"
      : `${name} is now ONEKEY_${name}`,
  );
  throw new Error(`key service configuration uses old names: ${advice.join("; ")}`);
}
