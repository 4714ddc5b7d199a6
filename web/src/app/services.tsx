/**
 * What every screen uses, made once per page load: the configuration, the issuer client, the
 * chain reader, TanStack Query's cache and wagmi's configuration.
 */
import { QueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import type { PublicClient } from "viem";
import { publicClientOf } from "../clients/chain.js";
import type { AppConfig } from "../clients/config.js";
import { IssuerClient } from "../clients/issuer/issuer-client.js";
import { wagmiConfigOf } from "../clients/wallet/wagmi-config.js";

export interface AppServices {
  config: AppConfig;
  issuer: IssuerClient;
  reader: PublicClient;
  queryClient: QueryClient;
  wagmi: ReturnType<typeof wagmiConfigOf>;
}

export function createServices(config: AppConfig): AppServices {
  return {
    config,
    issuer: new IssuerClient(config.issuerUrl),
    reader: publicClientOf(config),
    queryClient: new QueryClient({
      defaultOptions: {
        // Failures go to the error table and the person decides; no silent retry storms.
        queries: { retry: 1, refetchOnWindowFocus: false },
        mutations: { retry: 0 },
      },
    }),
    wagmi: wagmiConfigOf(config),
  };
}

export const ServicesContext = createContext<AppServices | undefined>(undefined);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside <App>");
  return services;
}
