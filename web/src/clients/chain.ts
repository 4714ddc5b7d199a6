/**
 * The chain the app talks to, as viem sees it: Base and Base Sepolia from viem's list, a local
 * chain (31337) defined from the configuration. One public client for reads and receipts.
 */
import { type Chain, createPublicClient, defineChain, http, type PublicClient } from "viem";
import { base, baseSepolia } from "viem/chains";
import type { AppConfig } from "./config.js";

export function chainOf(config: Pick<AppConfig, "chainId" | "rpcUrl" | "network">): Chain {
  const rpc = { default: { http: [config.rpcUrl] } };
  if (config.network === "base") return { ...base, rpcUrls: rpc };
  if (config.network === "baseSepolia") return { ...baseSepolia, rpcUrls: rpc };
  return defineChain({
    id: config.chainId,
    name: "OneKey local chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: rpc,
    testnet: true,
  });
}

export function publicClientOf(config: AppConfig): PublicClient {
  // A local chain mines on demand: poll receipts often so confirmation shows at once.
  return createPublicClient({
    chain: chainOf(config),
    transport: http(config.rpcUrl, { retryCount: 2 }),
    pollingInterval: config.network === "local" ? 250 : 2_000,
  });
}
