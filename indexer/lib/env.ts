/**
 * The indexer's chain and database settings, read once from the environment and validated
 * (a missing or malformed value fails the start with a message naming the variable). Ponder, the
 * tenant API and the webhook worker all read them; the names follow the repository's scheme
 * (`ONEKEY_<SHARED>`, `ONEKEY_INDEXER_*`), listed in the root .env.example.
 */
import { flagsFile, isNetworkName, type NetworkName, networks } from "@onekey/deploy";
import { z } from "zod";

const optionalUrl = (protocol: RegExp) => z.url({ protocol, error: `must be a ${protocol.source} URL` }).optional();

const EnvSchema = z.object({
  ONEKEY_NETWORK: z
    .string()
    .default("local")
    .refine(isNetworkName, `must be one of ${Object.keys(networks).join(", ")}`),
  ONEKEY_RPC_URL: optionalUrl(/^https?$/),
  ONEKEY_INDEXER_WS_URL: optionalUrl(/^wss?$/),
  ONEKEY_INDEXER_POLLING_MS: z.coerce.number().int().min(100).max(60_000).optional(),
  ONEKEY_INDEXER_DATABASE_URL: optionalUrl(/^postgres(ql)?$/),
  ONEKEY_INDEXER_PGLITE_DIR: z.string().min(1).default(".ponder/pglite"),
  ONEKEY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** The feature-flag file (@onekey/deploy flags.ts); default: deploy/flags/<network>.json. */
  ONEKEY_FLAGS_FILE: z.string().min(1).optional(),
});

/** An empty variable means unset (shells and process managers often export VAR=). */
export function withoutEmpty(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

export interface IndexerEnv {
  network: NetworkName;
  chainId: number;
  rpcUrl: string;
  wsUrl?: string;
  pollingMs: number;
  databaseUrl?: string;
  pgliteDir: string;
  /** The services' log level unless their own variable sets one. */
  logLevel: "debug" | "info" | "warn" | "error";
  flagsFile: string;
}

/** Parses `source` (process.env by default); throws one error listing every bad variable. */
export function readIndexerEnv(source: Record<string, string | undefined> = process.env): IndexerEnv {
  const parsed = EnvSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid indexer environment: ${problems}`);
  }
  const env = parsed.data;
  const network = env.ONEKEY_NETWORK as NetworkName;
  const rpcUrl = env.ONEKEY_RPC_URL ?? (network === "local" ? "http://127.0.0.1:8545" : undefined);
  if (!rpcUrl) throw new Error(`Invalid indexer environment: ONEKEY_RPC_URL is required for ${network}`);
  return {
    network,
    chainId: networks[network].chainId,
    rpcUrl,
    wsUrl: env.ONEKEY_INDEXER_WS_URL,
    // Local blocks come on demand, so poll fast; public chains produce a block every 2 s.
    pollingMs: env.ONEKEY_INDEXER_POLLING_MS ?? (network === "local" ? 100 : 1_000),
    databaseUrl: env.ONEKEY_INDEXER_DATABASE_URL,
    pgliteDir: env.ONEKEY_INDEXER_PGLITE_DIR,
    logLevel: env.ONEKEY_LOG_LEVEL,
    flagsFile: env.ONEKEY_FLAGS_FILE ?? flagsFile(network),
  };
}
