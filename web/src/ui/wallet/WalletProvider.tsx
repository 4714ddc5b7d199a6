/**
 * The connected wallet, as the flows see it (AppWallet): built from wagmi's connection (the
 * browser wallet or an injected one), or handed in by Privy's bridge when Privy is configured.
 */
import { useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { useConnect, useConnection, useConnectorClient, useConnectors, useDisconnect } from "wagmi";
import { useServices } from "../../app/services.js";
import { toUserError, type UserError } from "../../clients/errors.js";
import { type AppWallet, appWalletFrom } from "../../clients/wallet/app-wallet.js";
import { LOCAL_WALLET_ID } from "../../clients/wallet/local-wallet.js";

export interface WalletChoice {
  id: string;
  name: string;
  icon?: string;
  recommended: boolean;
}

export interface WalletContextValue {
  wallet?: AppWallet;
  status: "disconnected" | "connecting" | "connected";
  error?: UserError;
  choices: WalletChoice[];
  connect(id: string): Promise<void>;
  disconnect(): Promise<void>;
  /** Privy's bridge puts its smart wallet here (or clears it). */
  setExternal(wallet: AppWallet | undefined): void;
  /** Extra ways to log in (Privy's button), offered beside the wallets. */
  extraLogin?: ReactNode;
  setExtraLogin(node: ReactNode | undefined): void;
}

const WalletContext = createContext<WalletContextValue | undefined>(undefined);

export function WalletProvider({ children }: { children: ReactNode }) {
  const { config, reader } = useServices();
  const connection = useConnection();
  const connectors = useConnectors();
  const connectMutation = useConnect();
  const disconnectMutation = useDisconnect();
  const client = useConnectorClient();
  const [external, setExternal] = useState<AppWallet | undefined>();
  const [extraLogin, setExtraLogin] = useState<ReactNode | undefined>();
  const [connectError, setConnectError] = useState<UserError | undefined>();

  const connector = connection.connector;
  const address = connection.address;
  const built = useQuery({
    queryKey: ["app-wallet", connector?.id, address, client.data?.uid],
    enabled: Boolean(connector && address && client.data),
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      if (!connector || !address || !client.data) throw new Error("not connected");
      return appWalletFrom(
        {
          connectorId: connector.id,
          connectorName: connector.name,
          address,
          provider: await connector.getProvider(),
          walletClient: client.data,
        },
        config,
        reader,
      );
    },
  });

  const choices = useMemo<WalletChoice[]>(
    () =>
      connectors
        // The generic `injected` connector only when a wallet injected window.ethereum.
        .filter((c) => c.id !== "injected" || (typeof window !== "undefined" && "ethereum" in window))
        .map((c) => ({
          id: c.id,
          name: c.name,
          ...(c.icon ? { icon: c.icon } : {}),
          recommended: c.id === LOCAL_WALLET_ID,
        })),
    [connectors],
  );

  const connect = useCallback(
    async (id: string) => {
      const target = connectors.find((c) => c.id === id);
      if (!target) return;
      setConnectError(undefined);
      try {
        await connectMutation.mutateAsync({ connector: target });
      } catch (error) {
        setConnectError(toUserError(error));
      }
    },
    [connectors, connectMutation],
  );

  const wallet = external ?? built.data;
  const value: WalletContextValue = {
    ...(wallet ? { wallet } : {}),
    status: wallet
      ? "connected"
      : connection.status === "connecting" || connection.status === "reconnecting" || built.isFetching
        ? "connecting"
        : "disconnected",
    ...(connectError || built.error ? { error: connectError ?? toUserError(built.error) } : {}),
    choices,
    connect,
    disconnect: async () => {
      setExternal(undefined);
      await disconnectMutation.mutateAsync({});
    },
    setExternal,
    ...(extraLogin ? { extraLogin } : {}),
    setExtraLogin,
  };
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

export function useWallet(): WalletContextValue {
  const value = useContext(WalletContext);
  if (!value) throw new Error("useWallet outside <WalletProvider>");
  return value;
}
