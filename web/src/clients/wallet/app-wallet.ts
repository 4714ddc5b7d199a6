/**
 * What the flows need from a wallet, whichever kind is connected:
 *
 * - `browser`: the OneKey browser wallet (local-wallet.ts), an EIP-5792 wallet with ERC-7677.
 * - `smart`: an injected (EIP-6963) or Privy smart wallet that reports the `paymasterService`
 *   capability: it asks the issuer's paymaster service itself (`wallet_sendCalls`).
 * - `owned`: an injected wallet without that capability (an EOA): it owns a SimpleAccount, and the
 *   app sends the account's user operations through viem's bundler and paymaster clients.
 *
 * In every case the subject of the attestation is a smart account, every transaction is one
 * sponsored user operation paid by a project, and the person needs no ETH.
 */
import type { Account, Address, Chain, Client, Hex, PublicClient, Transport } from "viem";
import { getCallsStatus, getCapabilities, sendCalls, signMessage, waitForCallsStatus } from "viem/actions";
import type { AppConfig } from "../config.js";
import { LOCAL_WALLET_ID, type LocalWalletProvider } from "./local-wallet.js";
import { toSimpleAccountV07 } from "./simple-account.js";
import { type CallsOutcome, type SponsoredCall, SponsoredSender } from "./sponsored-sender.js";

export type WalletKind = "browser" | "smart" | "owned";

export interface Signer {
  address: Address;
  signMessage(args: { message: string }): Promise<Hex>;
}

export interface AppWallet {
  kind: WalletKind;
  /** What to call it on screen. */
  label: string;
  /** The attestation's subject: the smart account that sends the sponsored operations. */
  subject: Address;
  /** Signs as the subject: the issuer's sign-in, the key service's store challenge. */
  subjectSigner: Signer;
  /**
   * The EOA behind the account, when the app can ask it to sign: the decrypt delegate that reads
   * the record back (Lit and the key service evaluate an EOA's signature).
   */
  ownerSigner?: Signer;
  /** Sends the calls as one user operation the project pays for; returns the wallet's id for it. */
  sendSponsored(calls: readonly SponsoredCall[], projectId: string): Promise<string>;
  callsOutcome(id: string): Promise<CallsOutcome>;
  /** Waits (viem's own polling) until the batch is included; `failure` when it reverted. */
  waitForCalls(id: string): Promise<CallsOutcome>;
}

/** The client wagmi hands out for a connection (viem actions take it). */
export type ConnectorClient = Client<Transport, Chain, Account>;

/** A connected wagmi connector, reduced to what this module needs. */
export interface ConnectedWallet {
  connectorId: string;
  connectorName: string;
  address: Address;
  provider: unknown;
  walletClient: ConnectorClient;
}

function paymasterCapability(config: AppConfig, projectId: string) {
  return { paymasterService: { url: config.paymasterUrl, context: { projectId } } };
}

/** EIP-5792 send and status through the wallet itself. */
function viaWallet(walletClient: ConnectorClient, address: Address, config: AppConfig) {
  return {
    async sendSponsored(calls: readonly SponsoredCall[], projectId: string) {
      const { id } = await sendCalls(walletClient, {
        account: address,
        chain: walletClient.chain,
        calls: calls.map((c) => ({ to: c.to, data: c.data, value: c.value ?? 0n })),
        capabilities: paymasterCapability(config, projectId),
      });
      return id;
    },
    async callsOutcome(id: string): Promise<CallsOutcome> {
      const status = await getCallsStatus(walletClient, { id });
      const transactionHash = status.receipts?.[0]?.transactionHash;
      return {
        status: status.status === "success" ? "success" : status.status === "failure" ? "failure" : "pending",
        ...(transactionHash ? { transactionHash } : {}),
      };
    },
    async waitForCalls(id: string): Promise<CallsOutcome> {
      const status = await waitForCallsStatus(walletClient, { id, timeout: 90_000, pollingInterval: 500 });
      const transactionHash = status.receipts?.[0]?.transactionHash;
      return {
        status: status.status === "success" ? "success" : "failure",
        ...(transactionHash ? { transactionHash } : {}),
      };
    },
  };
}

async function supportsPaymasterService(walletClient: ConnectorClient, address: Address) {
  try {
    const capabilities = await getCapabilities(walletClient, { account: address, chainId: walletClient.chain.id });
    return Boolean((capabilities as { paymasterService?: { supported?: boolean } }).paymasterService?.supported);
  } catch {
    // A wallet without EIP-5792 throws "method not supported".
    return false;
  }
}

export async function appWalletFrom(
  connected: ConnectedWallet,
  config: AppConfig,
  reader: PublicClient,
): Promise<AppWallet> {
  const { walletClient, address } = connected;
  const signAsConnected: Signer = {
    address,
    signMessage: ({ message }) => signMessage(walletClient, { account: address, message }),
  };

  if (connected.connectorId === LOCAL_WALLET_ID) {
    const local = connected.provider as LocalWalletProvider;
    const owner = local.ownerAddress();
    return {
      kind: "browser",
      label: "OneKey browser wallet",
      subject: address,
      subjectSigner: signAsConnected,
      ...(owner ? { ownerSigner: { address: owner, signMessage: ({ message }) => local.signAsOwner(message) } } : {}),
      ...viaWallet(walletClient, address, config),
    };
  }

  if (await supportsPaymasterService(walletClient, address)) {
    return {
      kind: "smart",
      label: connected.connectorName,
      subject: address,
      subjectSigner: signAsConnected,
      ...viaWallet(walletClient, address, config),
    };
  }

  // An EOA: it owns a SimpleAccount, the subject; the EOA signs the account's operations.
  const account = await toSimpleAccountV07({
    client: reader,
    owner: {
      address,
      signMessage: ({ message }) => signMessage(walletClient, { account: address, message }),
    },
    factory: config.contracts.simpleAccountFactory,
  });
  const sender = new SponsoredSender(account, reader, config.aaBundlerUrl);
  return {
    kind: "owned",
    label: `${connected.connectorName} (smart account)`,
    subject: account.address,
    subjectSigner: {
      address: account.address,
      signMessage: ({ message }) => account.signMessage({ message }),
    },
    ownerSigner: signAsConnected,
    sendSponsored: (calls, projectId) =>
      sender.send(calls, { url: config.paymasterUrl, context: { projectId } }) as Promise<string>,
    callsOutcome: (id) => sender.outcome(id as Hex),
    waitForCalls: (id) => sender.wait(id as Hex, 90_000),
  };
}
