/**
 * Sponsored user operations without help from the wallet: viem's bundler client with an ERC-7677
 * paymaster client (the issuer's service). Used by the browser wallet (its EIP-5792 provider
 * calls this) and for injected wallets that cannot take the paymasterService capability
 * themselves (their EOA owns a SimpleAccount). The person never pays: the project's budget does.
 */
import { type Hex, http, type PublicClient } from "viem";
import {
  type BundlerClient,
  createBundlerClient,
  createPaymasterClient,
  type SmartAccount,
  UserOperationReceiptNotFoundError,
} from "viem/account-abstraction";

export interface SponsoredCall {
  to: `0x${string}`;
  data: Hex;
  value?: bigint;
}

/** ERC-7677's capability: which paymaster service to ask, and what it needs to know (the paying project). */
export interface PaymasterService {
  url: string;
  context: { projectId: string };
}

/** The batch was included but reverted: nothing it asked for happened. */
export class UserOpFailedError extends Error {
  override readonly name = "UserOpFailedError";
  constructor(readonly transactionHash?: Hex) {
    super("the sponsored operation was included but reverted");
  }
}

/** EIP-5792 call-bundle status, reduced to what the app needs. */
export interface CallsOutcome {
  status: "pending" | "success" | "failure";
  transactionHash?: Hex;
}

export class SponsoredSender {
  private readonly bundler: BundlerClient;
  private readonly paymasters = new Map<string, ReturnType<typeof createPaymasterClient>>();

  constructor(
    readonly account: SmartAccount,
    client: PublicClient,
    bundlerUrl: string,
  ) {
    this.bundler = createBundlerClient({
      account,
      client,
      transport: http(bundlerUrl, { retryCount: 1 }),
      pollingInterval: 250,
    });
  }

  /** Sends the calls as one user operation paid by the paymaster service; returns its hash. */
  async send(calls: readonly SponsoredCall[], paymaster: PaymasterService): Promise<Hex> {
    let client = this.paymasters.get(paymaster.url);
    if (!client) {
      client = createPaymasterClient({ transport: http(paymaster.url, { retryCount: 0 }) });
      this.paymasters.set(paymaster.url, client);
    }
    return this.bundler.sendUserOperation({
      account: this.account,
      calls: calls.map((c) => ({ to: c.to, data: c.data, value: c.value ?? 0n })),
      paymaster: client,
      paymasterContext: paymaster.context,
    });
  }

  async outcome(hash: Hex): Promise<CallsOutcome> {
    try {
      const receipt = await this.bundler.getUserOperationReceipt({ hash });
      return {
        status: receipt.success ? "success" : "failure",
        transactionHash: receipt.receipt.transactionHash,
      };
    } catch (error) {
      if (error instanceof UserOperationReceiptNotFoundError) return { status: "pending" };
      throw error;
    }
  }

  async wait(hash: Hex, timeoutMs = 60_000): Promise<CallsOutcome> {
    const receipt = await this.bundler.waitForUserOperationReceipt({ hash, timeout: timeoutMs });
    return { status: receipt.success ? "success" : "failure", transactionHash: receipt.receipt.transactionHash };
  }
}
