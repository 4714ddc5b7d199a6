/**
 * Privy's embedded and smart wallets, loaded (this whole module, as its own chunk) only when
 * VITE_ONEKEY_PRIVY_APP_ID is set. Privy's smart wallet sends user operations through the bundler and
 * the ERC-7677 paymaster URL configured in Privy's dashboard (point it at the issuer service);
 * the paying project travels as the operation's paymasterContext. Privy needs its network to
 * become ready: it cannot be exercised offline, so its path here is built and type-checked but
 * not tested end to end (the e2e suite checks only that it is not loaded by default).
 */
import { PrivyProvider, usePrivy } from "@privy-io/react-auth";
import { SmartWalletsProvider, useSmartWallets } from "@privy-io/react-auth/smart-wallets";
import { type ReactNode, useEffect } from "react";
import type { Hex } from "viem";
import { useServices } from "../../../app/services.js";
import { useWallet } from "../../../ui/wallet/WalletProvider.js";
import { chainOf } from "../../chain.js";
import type { AppWallet } from "../app-wallet.js";

export default function PrivyRoot({ appId, children }: { appId: string; children: ReactNode }) {
  const { config } = useServices();
  const chain = chainOf(config);
  return (
    <PrivyProvider
      appId={appId}
      config={{
        defaultChain: chain,
        supportedChains: [chain],
        embeddedWallets: { ethereum: { createOnLogin: "users-without-wallets" } },
      }}
    >
      <SmartWalletsProvider>
        <PrivyBridge />
        {children}
      </SmartWalletsProvider>
    </PrivyProvider>
  );
}

/** Publishes Privy's smart wallet as the app's wallet, and its login button beside the others. */
function PrivyBridge() {
  const { reader } = useServices();
  const { ready, authenticated, login } = usePrivy();
  const { client } = useSmartWallets();
  const { setExternal, setExtraLogin } = useWallet();

  useEffect(() => {
    setExtraLogin(
      ready && !authenticated ? (
        <button type="button" className="button secondary" onClick={() => login()}>
          Log in with email or social (Privy)
        </button>
      ) : undefined,
    );
    return () => setExtraLogin(undefined);
  }, [ready, authenticated, login, setExtraLogin]);

  useEffect(() => {
    if (!authenticated || !client) {
      setExternal(undefined);
      return;
    }
    const subject = client.account.address;
    const outcomeOf = async (hash: string) => {
      const receipt = await reader.waitForTransactionReceipt({ hash: hash as Hex });
      return {
        status: receipt.status === "success" ? ("success" as const) : ("failure" as const),
        transactionHash: receipt.transactionHash,
      };
    };
    const wallet: AppWallet = {
      kind: "smart",
      label: "Privy smart wallet",
      subject,
      subjectSigner: { address: subject, signMessage: ({ message }) => client.signMessage({ message }) },
      // Privy waits for the operation and returns the transaction hash that included it.
      sendSponsored: (calls, projectId) =>
        client.sendTransaction({
          calls: calls.map((c) => ({ to: c.to, data: c.data, value: c.value ?? 0n })),
          paymasterContext: { projectId },
        }),
      callsOutcome: outcomeOf,
      waitForCalls: outcomeOf,
    };
    setExternal(wallet);
  }, [authenticated, client, reader, setExternal]);
  return null;
}
