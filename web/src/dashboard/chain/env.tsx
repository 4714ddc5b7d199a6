/**
 * What every chain screen works with: the signed-in account and chosen project (from the
 * dashboard session), the chain reads and call builders, and how this account's transactions
 * are sent from the connected wallet, or why they cannot be.
 */
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useMemo } from "react";
import type { Address } from "viem";
import { signMessage } from "viem/actions";
import { useConnection, useConnectorClient } from "wagmi";
import { useServices } from "../../app/services.js";
import { toSimpleAccountV07 } from "../../clients/wallet/simple-account.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { chainCalls } from "./calls.js";
import { type Gate, walletGate } from "./permissions.js";
import { ChainReads } from "./reads.js";
import { type Sender, transactionSender, userOperationSender, type WalletClient } from "./send.js";
import { chainStartBlock } from "./start-block.js";

/** The session as the chain screens need it; the dashboard shell provides it (see session-bridge.tsx). */
export interface ChainSession {
  address: Address;
  projectId: bigint | undefined;
  setProjectId(projectId: bigint): void;
  /** Re-reads what the shell derives from the chain (projects and roles) after a transaction. */
  refresh(): Promise<void>;
}

export const ChainSessionContext = createContext<ChainSession | undefined>(undefined);

/** Why the OneKey browser wallet cannot send dashboard actions. */
export const SPONSORED_ONLY =
  "The OneKey browser wallet sends only sponsored operations, and OneKey sponsors people's own KYC actions, not dashboard actions. Sign in with a wallet that can pay for gas.";

const same = (a: string | undefined, b: string | undefined) => Boolean(a && b && a.toLowerCase() === b.toLowerCase());

export function useChainEnv() {
  const session = useContext(ChainSessionContext);
  if (!session) throw new Error("useChainEnv outside a chain screen");
  const { config, reader } = useServices();
  const { wallet } = useWallet();
  const connection = useConnection();
  const client = useConnectorClient();
  const walletClient = client.data as WalletClient | undefined;
  const at = useMemo(
    () => ({
      projectRegistry: config.contracts.projectRegistry,
      paymaster: config.contracts.paymaster,
      fromBlock: chainStartBlock(config.contracts.kycRegistryStartBlock),
    }),
    [config],
  );
  const reads = useMemo(() => new ChainReads(reader, at), [reader, at]);
  const calls = useMemo(() => chainCalls(at), [at]);

  // The signed-in account is the connected wallet's own, or the SimpleAccount its EOA owns.
  const ownsAsSmartAccount = wallet?.kind === "owned" && same(wallet.subject, session.address) && Boolean(walletClient);
  const smartAccount = useQuery({
    queryKey: ["dashboard-chain-sender", session.address, walletClient?.uid],
    enabled: ownsAsSmartAccount,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const owner = walletClient as WalletClient;
      return toSimpleAccountV07({
        client: reader,
        owner: {
          address: owner.account.address,
          signMessage: ({ message }) => signMessage(owner, { account: owner.account, message }),
        },
        factory: config.contracts.simpleAccountFactory,
      });
    },
  });

  let sender: Sender | undefined;
  let gate: Gate;
  if (wallet?.kind === "browser") {
    gate = { allowed: false, reason: SPONSORED_ONLY };
  } else if (ownsAsSmartAccount) {
    sender = smartAccount.data ? userOperationSender(smartAccount.data, reader, config.aaBundlerUrl) : undefined;
    gate = sender ? { allowed: true } : { allowed: false, reason: "Preparing your smart account…" };
  } else {
    gate = walletGate({
      account: session.address,
      ...(connection.address ? { connected: connection.address } : {}),
    });
    if (gate.allowed && walletClient) sender = transactionSender(walletClient, reader);
  }
  return {
    session,
    account: session.address,
    config,
    reader,
    reads,
    calls,
    wallet: gate,
    sender,
    /** The connected wallet's own address (for a smart account's sender, the EOA that owns it). */
    owner: connection.address,
    /** How the account pays: "transaction" (the wallet's own) or "userOperation" (its smart account). */
    sendsAs: sender?.kind,
  };
}

export type ChainEnv = ReturnType<typeof useChainEnv>;
