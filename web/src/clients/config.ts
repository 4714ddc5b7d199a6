/**
 * The dApp's configuration, read once at start: the VITE_ONEKEY_* variables (validated with zod,
 * together with the privacy library's, in one check that names every bad or unknown variable),
 * and the network's deployment from the deployment book (@onekey/deploy), which the Vite config
 * reads at build time (vite.config.ts, `virtual:onekey-deployment`). Unset, everything points at
 * the local stack of `npm run dev`; a production build must name its services.
 */
import { type Deployment, isNetworkName, type NetworkName, networks } from "@onekey/deploy";
import type { Address } from "viem";
import { z } from "zod";
import { type PrivacyConfig, privacyConfigFromEnv } from "../privacy/config.js";

const url = z.url({ protocol: /^https?$/ });

const AppEnv = z.object({
  /** Which deployment-book network the app talks to. */
  VITE_ONEKEY_NETWORK: z.string().refine(isNetworkName, "one of local, baseSepolia, base").default("local"),
  /** JSON-RPC of that chain (reads, receipts). */
  VITE_ONEKEY_RPC_URL: url.default("http://127.0.0.1:8545"),
  /** The ERC-4337 bundler user operations go to (Alto locally; a hosted one on Base). */
  VITE_ONEKEY_AA_BUNDLER_URL: url.default("http://127.0.0.1:4337"),
  /** The issuer service: sessions, attestation signatures, and its ERC-7677 paymaster at POST /. */
  VITE_ONEKEY_ISSUER_URL: url.default("http://127.0.0.1:8787"),
  /** The tenant API (the indexer's): the dashboard's sign-in, API keys, webhooks and audit log. */
  VITE_ONEKEY_API_URL: url.default("http://127.0.0.1:42069"),
  /** Privy's app id: set it to offer Privy's embedded and smart wallets (loaded only then). */
  VITE_ONEKEY_PRIVY_APP_ID: z.string().min(1).optional(),
});

/** Names read by this module; the privacy library adds its own. */
const APP_VARIABLES: ReadonlySet<string> = new Set(Object.keys(AppEnv.shape));
/** A production build must name these (the defaults are this machine's local stack). */
const REQUIRED_IN_PRODUCTION = [
  "VITE_ONEKEY_NETWORK",
  "VITE_ONEKEY_RPC_URL",
  "VITE_ONEKEY_AA_BUNDLER_URL",
  "VITE_ONEKEY_ISSUER_URL",
];

/** eth-infinitism's SimpleAccountFactory v0.7 at its canonical address (Base, Base Sepolia). */
const CANONICAL_SIMPLE_ACCOUNT_FACTORY_V07: Address = "0x91E60e0613810449d098b0b5Ec8b51A0FE8c8985";

export interface AppConfig {
  network: NetworkName;
  chainId: number;
  rpcUrl: string;
  aaBundlerUrl: string;
  issuerUrl: string;
  /** The ERC-7677 paymaster service (the issuer's JSON-RPC endpoint). */
  paymasterUrl: string;
  /** The tenant API (dashboard only). */
  apiUrl: string;
  privyAppId?: string;
  contracts: {
    kycRegistry: Address;
    projectRegistry: Address;
    paymaster: Address;
    simpleAccountFactory: Address;
    /** First block worth reading the registry's logs from. */
    kycRegistryStartBlock: number;
  };
  privacy: PrivacyConfig;
}

/** What the Vite config found in the deployment book for the chosen network. */
export interface DeploymentSource {
  deployment: Deployment | null;
  /** Why there is none (e.g. "run npm run dev first"). */
  problem?: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`the dApp's configuration is invalid: ${problems.join("; ")}`);
  }
}

export function appConfigFromEnv(env: Record<string, unknown>, source: DeploymentSource): AppConfig {
  const problems: string[] = [];
  let privacy: PrivacyConfig | undefined;
  try {
    privacy = privacyConfigFromEnv(env, { otherVariables: APP_VARIABLES });
  } catch (error) {
    problems.push(
      ...(error as Error).message.replace(/^the dApp's privacy configuration is invalid: /, "").split("; "),
    );
  }
  const set = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => APP_VARIABLES.has(name) && value !== undefined && value !== ""),
  );
  if (env.PROD === true || env.PROD === "true") {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (!(name in set)) problems.push(`${name}: a production build must name it (the default is the local stack)`);
    }
  }
  const parsed = AppEnv.safeParse(set);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const network = parsed.data?.VITE_ONEKEY_NETWORK as NetworkName | undefined;
  const deployment = source.deployment;
  if (!deployment) {
    problems.push(`deployment book: ${source.problem ?? "no deployment"}`);
  } else if (network && deployment.network !== network) {
    problems.push(`deployment book: the build read ${deployment.network}, but VITE_ONEKEY_NETWORK is ${network}`);
  } else if (network && deployment.chainId !== networks[network].chainId) {
    problems.push(`deployment book: chain ${deployment.chainId} is not ${network}'s`);
  }
  const contract = (name: string) => {
    const entry = deployment?.contracts[name];
    if (!entry && deployment) problems.push(`deployment book: ${name} is not deployed on ${deployment.network}`);
    return entry;
  };
  const kycRegistry = contract("KycRegistry");
  const projectRegistry = contract("ProjectRegistry");
  const paymaster = contract("OneKeyPaymaster");
  // Local chains deploy the factory (it is in the book); Base has it at the canonical address.
  const factory = deployment?.contracts.SimpleAccountFactoryV07?.address ?? CANONICAL_SIMPLE_ACCOUNT_FACTORY_V07;

  if (
    problems.length > 0 ||
    !parsed.success ||
    !privacy ||
    !deployment ||
    !kycRegistry ||
    !projectRegistry ||
    !paymaster
  ) {
    throw new ConfigError(problems);
  }
  const values = parsed.data;
  return {
    network: values.VITE_ONEKEY_NETWORK as NetworkName,
    chainId: deployment.chainId,
    rpcUrl: values.VITE_ONEKEY_RPC_URL,
    aaBundlerUrl: values.VITE_ONEKEY_AA_BUNDLER_URL,
    issuerUrl: values.VITE_ONEKEY_ISSUER_URL.replace(/\/+$/, ""),
    paymasterUrl: values.VITE_ONEKEY_ISSUER_URL.replace(/\/+$/, ""),
    apiUrl: values.VITE_ONEKEY_API_URL.replace(/\/+$/, ""),
    ...(values.VITE_ONEKEY_PRIVY_APP_ID ? { privyAppId: values.VITE_ONEKEY_PRIVY_APP_ID } : {}),
    contracts: {
      kycRegistry: kycRegistry.address,
      projectRegistry: projectRegistry.address,
      paymaster: paymaster.address,
      simpleAccountFactory: factory,
      kycRegistryStartBlock: kycRegistry.startBlock,
    },
    privacy,
  };
}
