/**
 * The browser wallet, the local default: a SimpleAccount v0.7 (the dev stack's factory) owned by
 * a key this browser generates and keeps (local-key.ts), offered to wagmi as a connector whose
 * EIP-1193 provider is a small EIP-5792 wallet: `wallet_sendCalls` with the ERC-7677
 * `paymasterService` capability becomes one sponsored user operation (sponsored-sender.ts), and
 * `wallet_getCallsStatus` reads its receipt. So the app sends every transaction the same way,
 * whether this wallet or an injected smart wallet holds the account. It refuses unsponsored calls:
 * the account holds no ETH, and the person never needs any.
 */
import {
  type Address,
  type Chain,
  createPublicClient,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  type TypedDataDefinition,
} from "viem";
import type { SmartAccount } from "viem/account-abstraction";
import { privateKeyToAccount } from "viem/accounts";
import { createConnector } from "wagmi";
import { ownerKey, readOwnerKey } from "./local-key.js";
import { toSimpleAccountV07 } from "./simple-account.js";
import { type PaymasterService, type SponsoredCall, SponsoredSender } from "./sponsored-sender.js";

export const LOCAL_WALLET_ID = "onekey-browser-wallet";

export interface LocalWalletOptions {
  chain: Chain;
  rpcUrl: string;
  bundlerUrl: string;
  factory: Address;
}

/** An EIP-1193 error, as wallets throw them (viem maps the code). */
class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface SendCallsParams {
  chainId?: Hex;
  from?: Address;
  calls: { to: Address; data?: Hex; value?: Hex }[];
  capabilities?: { paymasterService?: Partial<PaymasterService> & { optional?: boolean } };
}

export interface LocalWalletProvider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  /** The account, once connected (the subject of attestations). */
  account(): SmartAccount | undefined;
  /** The key that owns the account: signs as the decrypt delegate. */
  ownerAddress(): Address | undefined;
  signAsOwner(message: string): Promise<Hex>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
}

export function createLocalWalletProvider(options: LocalWalletOptions): LocalWalletProvider & {
  open(create: boolean): Promise<SmartAccount | undefined>;
  close(): void;
} {
  const reader: PublicClient = createPublicClient({ chain: options.chain, transport: http(options.rpcUrl) });
  let sender: SponsoredSender | undefined;
  let owner: ReturnType<typeof privateKeyToAccount> | undefined;
  const chainIdHex = numberToHex(options.chain.id);

  const requireSender = () => {
    if (!sender) throw new ProviderRpcError(4100, "The browser wallet is not connected");
    return sender;
  };

  async function open(create: boolean): Promise<SmartAccount | undefined> {
    if (sender) return sender.account;
    const key = create ? await ownerKey() : await readOwnerKey();
    if (!key) return undefined;
    owner = privateKeyToAccount(key);
    const account = await toSimpleAccountV07({ client: reader, owner, factory: options.factory });
    sender = new SponsoredSender(account, reader, options.bundlerUrl);
    return account;
  }

  async function sendCalls(params: SendCallsParams): Promise<{ id: Hex }> {
    const wallet = requireSender();
    if (params.chainId && Number(params.chainId) !== options.chain.id) {
      throw new ProviderRpcError(5710, `The browser wallet serves chain ${options.chain.id} only`);
    }
    const service = params.capabilities?.paymasterService;
    if (!service?.url || !service.context?.projectId) {
      throw new ProviderRpcError(5700, "The browser wallet sends only sponsored calls (paymasterService)");
    }
    const calls: SponsoredCall[] = params.calls.map((call) => ({
      to: call.to,
      data: call.data ?? "0x",
      value: call.value ? BigInt(call.value) : 0n,
    }));
    const id = await wallet.send(calls, {
      url: service.url,
      context: { projectId: String(service.context.projectId) },
    });
    return { id };
  }

  async function callsStatus(id: Hex) {
    const outcome = await requireSender().outcome(id);
    const receipt = outcome.transactionHash
      ? await reader.request({ method: "eth_getTransactionReceipt", params: [outcome.transactionHash] })
      : undefined;
    return {
      version: "2.0.0",
      id,
      chainId: chainIdHex,
      atomic: true,
      // EIP-5792: 100 pending, 200 confirmed, 500 reverted on chain (the batch is atomic).
      status: outcome.status === "pending" ? 100 : outcome.status === "success" ? 200 : 500,
      receipts: receipt ? [receipt] : [],
    };
  }

  const provider = {
    open,
    close() {
      sender = undefined;
      owner = undefined;
    },
    account: () => sender?.account,
    ownerAddress: () => owner?.address,
    async signAsOwner(message: string) {
      if (!owner) throw new ProviderRpcError(4100, "The browser wallet is not connected");
      return owner.signMessage({ message });
    },
    on() {},
    removeListener() {},
    async request({ method, params }: { method: string; params?: unknown }): Promise<unknown> {
      const args = (params ?? []) as unknown[];
      switch (method) {
        case "eth_accounts":
          return sender ? [sender.account.address] : [];
        case "eth_requestAccounts":
          return [(await open(true))?.address];
        case "eth_chainId":
          return chainIdHex;
        case "personal_sign":
          return requireSender().account.signMessage({ message: { raw: args[0] as Hex } });
        case "eth_signTypedData_v4": {
          const typedData = JSON.parse(args[1] as string) as TypedDataDefinition;
          return requireSender().account.signTypedData(typedData);
        }
        case "wallet_getCapabilities":
          return { [chainIdHex]: { paymasterService: { supported: true }, atomic: { status: "supported" } } };
        case "wallet_sendCalls":
          return sendCalls(args[0] as SendCallsParams);
        case "wallet_getCallsStatus":
          return callsStatus(args[0] as Hex);
        case "eth_sendTransaction":
        case "eth_sign":
          throw new ProviderRpcError(
            4200,
            `The browser wallet does not support ${method}; it sends sponsored calls only`,
          );
        default:
          // Reads (eth_call, eth_getCode, ...) go to the chain.
          return reader.request({ method, params } as Parameters<typeof reader.request>[0]);
      }
    },
  };
  return provider;
}

/** The wagmi connector of the browser wallet. */
export function localWallet(options: LocalWalletOptions) {
  const provider = createLocalWalletProvider(options);
  return createConnector<LocalWalletProvider>((config) => ({
    id: LOCAL_WALLET_ID,
    name: "OneKey browser wallet",
    type: "onekey-local",
    async connect(parameters) {
      const account = await provider.open(true);
      if (!account) throw new ProviderRpcError(4001, "The browser wallet could not be opened");
      const accounts = parameters?.withCapabilities
        ? [{ address: account.address, capabilities: {} }]
        : [account.address];
      config.emitter.emit("connect", { accounts: [account.address], chainId: options.chain.id });
      // biome-ignore lint/suspicious/noExplicitAny: wagmi's return type depends on the withCapabilities generic
      return { accounts: accounts as any, chainId: options.chain.id };
    },
    async disconnect() {
      provider.close();
    },
    async getAccounts() {
      const account = provider.account() ?? (await provider.open(false));
      return account ? [account.address] : [];
    },
    async getChainId() {
      return options.chain.id;
    },
    async getProvider() {
      return provider;
    },
    async isAuthorized() {
      // Reconnect after a reload only when this browser already holds a key.
      return (await provider.open(false)) !== undefined;
    },
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
  }));
}
