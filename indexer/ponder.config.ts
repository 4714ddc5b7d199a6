/**
 * Which chain and contracts the indexer follows. Addresses and start blocks come from the
 * deployment book (deploy/deployments/<network>.json, or ONEKEY_DEPLOY_BOOK_DIR); the chain and
 * database from the environment (see src/env.ts and .env.example).
 */
import { contractOf, kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import { createConfig } from "ponder";
import { zeroAddress } from "viem";
import { readIndexerEnv } from "./lib/env.js";
import { deployment, entryPointEventsAbi, paymasterSources } from "./src/lib/sources.js";

const env = readIndexerEnv();
const projectRegistry = contractOf(deployment, "ProjectRegistry");
const kycRegistry = contractOf(deployment, "KycRegistry");
// Networks without a paymaster yet index the registries only: the handlers register nothing for
// these two sources then, so Ponder syncs nothing for them (Ponder refuses empty address lists).
const paymaster = paymasterSources ?? { paymasters: [zeroAddress], startBlock: 0, entryPoints: [zeroAddress] };

export default createConfig({
  database: env.databaseUrl
    ? { kind: "postgres", connectionString: env.databaseUrl }
    : { kind: "pglite", directory: env.pgliteDir },
  chains: {
    onekey: {
      id: env.chainId,
      rpc: env.rpcUrl,
      ws: env.wsUrl,
      pollingInterval: env.pollingMs,
      // A local chain restarts from block 0 with other contents: never trust a cached copy of it.
      disableCache: env.network === "local",
    },
  },
  contracts: {
    ProjectRegistry: {
      chain: "onekey",
      abi: projectRegistryAbi,
      address: projectRegistry.address,
      startBlock: projectRegistry.startBlock,
    },
    KycRegistry: {
      chain: "onekey",
      abi: kycRegistryAbi,
      address: kycRegistry.address,
      startBlock: kycRegistry.startBlock,
    },
    OneKeyPaymaster: {
      chain: "onekey",
      abi: oneKeyPaymasterAbi,
      address: paymaster.paymasters,
      startBlock: paymaster.startBlock,
    },
    EntryPoint: {
      chain: "onekey",
      abi: entryPointEventsAbi,
      address: paymaster.entryPoints,
      startBlock: paymaster.startBlock,
      // Only operations our paymaster paid for (and no filter at all when nothing is registered:
      // Ponder refuses a filter without a handler).
      ...(paymasterSources
        ? { filter: { event: "UserOperationEvent" as const, args: { paymaster: paymasterSources.paymasters } } }
        : {}),
    },
  },
});
