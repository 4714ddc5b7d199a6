/**
 * wagmi's configuration: one chain (the deployment's), the browser wallet, and injected wallets.
 * Wallets that announce themselves through EIP-6963 (mipd) appear as their own connectors
 * (wagmi's `multiInjectedProviderDiscovery`); `injected()` covers a lone `window.ethereum`.
 */
import { http } from "viem";
import { createConfig } from "wagmi";
import { injected } from "wagmi/connectors/injected";
import { chainOf } from "../chain.js";
import type { AppConfig } from "../config.js";
import { localWallet } from "./local-wallet.js";

export function wagmiConfigOf(config: AppConfig) {
  const chain = chainOf(config);
  return createConfig({
    chains: [chain],
    connectors: [
      localWallet({
        chain,
        rpcUrl: config.rpcUrl,
        bundlerUrl: config.aaBundlerUrl,
        factory: config.contracts.simpleAccountFactory,
      }),
      injected(),
    ],
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(config.rpcUrl) },
    pollingInterval: config.network === "local" ? 250 : 2_000,
  });
}
