/**
 * Which storage network and key network a deployment of the dApp uses, from its build-time
 * environment (Vite's `import.meta.env`, so every name starts with VITE_ONEKEY_). The local
 * stand-ins started by `npm run dev` are the defaults; a production build names Turbo or Irys,
 * and Lit. A bad value stops the app with a message naming the variable, before anything runs.
 */
import type { LitNetworkName } from "@onekey/lit-access";
import type { WalletClient } from "viem";
import { z } from "zod";
import type { KeyAccess } from "./keys/key-access.js";
import { STORAGE_NETWORK_ID, type StorageAdapter } from "./storage/storage.js";

const url = z.url({ protocol: /^https?$/ });
const addressList = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40})*$/, "comma-separated 0x addresses")
  .transform((list) => list.split(","));

const StorageConfig = z.discriminatedUnion("VITE_ONEKEY_STORAGE", [
  z.object({
    // The local ANS-104 bundler node (npm run dev), which settles to arlocal.
    VITE_ONEKEY_STORAGE: z.literal("local"),
    VITE_ONEKEY_BUNDLER_URL: url.default("http://127.0.0.1:1985"),
  }),
  z.object({
    VITE_ONEKEY_STORAGE: z.literal("arlocal"),
    VITE_ONEKEY_ARLOCAL_URL: url.default("http://127.0.0.1:1984"),
  }),
  z.object({
    VITE_ONEKEY_STORAGE: z.literal("turbo"),
    VITE_ONEKEY_TURBO_UPLOAD_URL: url.default("https://upload.ardrive.io"),
    VITE_ONEKEY_GATEWAY_URL: url.default("https://arweave.net"),
    VITE_ONEKEY_STORAGE_PAID_BY: addressList.optional(),
  }),
  z.object({
    VITE_ONEKEY_STORAGE: z.literal("irys"),
    VITE_ONEKEY_IRYS_NODE_URL: url.default("https://uploader.irys.xyz"),
    VITE_ONEKEY_GATEWAY_URL: url.default("https://gateway.irys.xyz"),
    VITE_ONEKEY_IRYS_TOKEN: z.enum(["ethereum", "base-eth"]).default("base-eth"),
    VITE_ONEKEY_STORAGE_PAID_BY: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "a 0x address")
      .optional(),
  }),
]);

const KeyConfig = z.discriminatedUnion("VITE_ONEKEY_KEYS", [
  z.object({
    VITE_ONEKEY_KEYS: z.literal("keyservice"),
    VITE_ONEKEY_KEYSERVICE_URL: url.default("http://127.0.0.1:4010"),
  }),
  z.object({
    VITE_ONEKEY_KEYS: z.literal("lit"),
    VITE_ONEKEY_LIT_NETWORK: z.enum(["naga", "naga-test", "naga-dev"] satisfies LitNetworkName[]),
  }),
]);

export type StorageChoice = z.infer<typeof StorageConfig>;
export type KeyChoice = z.infer<typeof KeyConfig>;
export interface PrivacyConfig {
  storage: StorageChoice;
  keys: KeyChoice;
}

/** The VITE_ONEKEY_* names this module reads. */
export const PRIVACY_VARIABLES: ReadonlySet<string> = new Set(
  [...StorageConfig.options, ...KeyConfig.options].flatMap((option) => Object.keys(option.shape)),
);

/**
 * Reads the VITE_ONEKEY_* variables; unset ones take the local defaults, except in a production
 * build (`PROD`, as Vite sets it), which must name its networks. A misspelt name is an error;
 * `otherVariables` are the names the rest of the app reads (web/src/clients/config.ts), so one
 * check covers every VITE_ONEKEY_* name.
 */
export function privacyConfigFromEnv(
  env: Record<string, unknown>,
  options: { otherVariables?: ReadonlySet<string> } = {},
): PrivacyConfig {
  // Only this module's variables; an empty one counts as unset, as in .env files.
  const set = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => name.startsWith("VITE_ONEKEY_") && value !== undefined && value !== "",
    ),
  );
  const problems = Object.keys(set)
    .filter((name) => !PRIVACY_VARIABLES.has(name) && !options.otherVariables?.has(name))
    .map((name) => `${name}: unknown variable`);
  if (env.PROD === true || env.PROD === "true") {
    for (const name of ["VITE_ONEKEY_STORAGE", "VITE_ONEKEY_KEYS"]) {
      if (!(name in set)) problems.push(`${name}: a production build must name it (the default is the local stand-in)`);
    }
  }
  const storage = StorageConfig.safeParse({ VITE_ONEKEY_STORAGE: "local", ...set });
  const keys = KeyConfig.safeParse({ VITE_ONEKEY_KEYS: "keyservice", ...set });
  problems.push(
    ...[...(storage.error?.issues ?? []), ...(keys.error?.issues ?? [])].map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    ),
  );
  if (!storage.success || !keys.success || problems.length > 0) {
    throw new Error(`the dApp's privacy configuration is invalid: ${problems.join("; ")}`);
  }
  return { storage: storage.data, keys: keys.data };
}

/** KycRegistry's `storageNetwork` for attestations made with this configuration. */
export function storageNetworkIdOf(config: PrivacyConfig): number {
  return config.storage.VITE_ONEKEY_STORAGE === "irys" ? STORAGE_NETWORK_ID.irys : STORAGE_NETWORK_ID.arweave;
}

export interface PrivacyAdapterContext {
  /** The logged-in wallet (Privy or injected); Irys identifies the uploader through it. */
  walletClient?: WalletClient;
  /** The SIWE domain and URI the key network's challenges name (the dApp's own origin). */
  domain: string;
  uri: string;
}

/** The storage adapter the configuration names; each is loaded only when chosen (Irys brings its SDK). */
export async function createStorage(config: PrivacyConfig, context: PrivacyAdapterContext): Promise<StorageAdapter> {
  const storage = config.storage;
  switch (storage.VITE_ONEKEY_STORAGE) {
    case "local": {
      const { BundlerStorage } = await import("./storage/bundler-storage.js");
      return new BundlerStorage({ url: storage.VITE_ONEKEY_BUNDLER_URL });
    }
    case "arlocal": {
      // A throwaway wallet per session pays for bundles in test AR.
      const { ArlocalStorage } = await import("./storage/arlocal-storage.js");
      return ArlocalStorage.withFreshWallet(storage.VITE_ONEKEY_ARLOCAL_URL);
    }
    case "turbo": {
      const { TurboStorage } = await import("./storage/turbo-storage.js");
      return new TurboStorage({
        uploadUrl: storage.VITE_ONEKEY_TURBO_UPLOAD_URL,
        gatewayUrl: storage.VITE_ONEKEY_GATEWAY_URL,
        ...(storage.VITE_ONEKEY_STORAGE_PAID_BY ? { paidBy: storage.VITE_ONEKEY_STORAGE_PAID_BY } : {}),
      });
    }
    case "irys": {
      if (!context.walletClient) throw new Error("Irys storage needs the logged-in wallet client");
      const { connectIrysInBrowser } = await import("./storage/irys-web.js");
      return connectIrysInBrowser({
        walletClient: context.walletClient,
        bundlerUrl: storage.VITE_ONEKEY_IRYS_NODE_URL,
        gatewayUrl: storage.VITE_ONEKEY_GATEWAY_URL,
        token: storage.VITE_ONEKEY_IRYS_TOKEN,
        ...(storage.VITE_ONEKEY_STORAGE_PAID_BY ? { paidBy: storage.VITE_ONEKEY_STORAGE_PAID_BY } : {}),
      });
    }
  }
}

/** The key access the configuration names: the local key service, or Lit on a Naga network. */
export async function createKeyAccess(config: PrivacyConfig, context: PrivacyAdapterContext): Promise<KeyAccess> {
  const keys = config.keys;
  if (keys.VITE_ONEKEY_KEYS === "lit") {
    const { LitKeyAccess } = await import("./keys/lit-key-access.js");
    return LitKeyAccess.connect({ network: keys.VITE_ONEKEY_LIT_NETWORK, domain: context.domain });
  }
  const { KeyServiceKeyAccess } = await import("./keys/keyservice-key-access.js");
  return new KeyServiceKeyAccess({ url: keys.VITE_ONEKEY_KEYSERVICE_URL, domain: context.domain, uri: context.uri });
}
