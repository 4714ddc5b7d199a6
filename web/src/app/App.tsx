import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { RouterProvider } from "react-router/dom";
import { WagmiProvider } from "wagmi";
import type { AppConfig } from "../clients/config.js";
import { WalletProvider } from "../ui/wallet/WalletProvider.js";
import { createAppRouter } from "./routes.js";
import { createServices, ServicesContext } from "./services.js";

// Privy is loaded only when configured: the default bundle never carries it.
const PrivyRoot = lazy(() => import("../clients/wallet/privy/PrivyRoot.js"));

export function App({ config }: { config: AppConfig }) {
  const [services] = useState(() => createServices(config));
  const [router] = useState(() => createAppRouter());
  const withPrivy = (children: ReactNode) =>
    config.privyAppId ? (
      <Suspense fallback={children}>
        <PrivyRoot appId={config.privyAppId}>{children}</PrivyRoot>
      </Suspense>
    ) : (
      children
    );
  return (
    <ServicesContext.Provider value={services}>
      <WagmiProvider config={services.wagmi}>
        <QueryClientProvider client={services.queryClient}>
          <WalletProvider>{withPrivy(<RouterProvider router={router} />)}</WalletProvider>
        </QueryClientProvider>
      </WagmiProvider>
    </ServicesContext.Provider>
  );
}
