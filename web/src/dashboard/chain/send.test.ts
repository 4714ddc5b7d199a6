import { oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import {
  type Abi,
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  createWalletClient,
  custom,
  encodeErrorResult,
  type PublicClient,
  parseEther,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { InsufficientPrefundError } from "viem/account-abstraction";
import { hardhat, mainnet } from "viem/chains";
import { describe, expect, it, vi } from "vitest";
import { chainUserError, TransactionRevertedError } from "./chain-errors.js";
import {
  type ChainCall,
  type Sender,
  SimulationFailedError,
  sendChainCall,
  transactionSender,
  type WalletClient,
} from "./send.js";

const account = "0x1111111111111111111111111111111111111111";
const call: ChainCall = {
  address: "0x2222222222222222222222222222222222222222",
  abi: oneKeyPaymasterAbi as Abi,
  functionName: "withdrawBudget",
  args: [3n, account, parseEther("1")],
};

function revertOf(abi: Abi, errorName: string, args: readonly unknown[], functionName: string) {
  const data = encodeErrorResult({ abi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  const cause = new ContractFunctionRevertedError({ abi, data, functionName });
  return new ContractFunctionExecutionError(cause, { abi, functionName, args: [] });
}

function fakeSender(): Sender & { submit: ReturnType<typeof vi.fn> } {
  return {
    kind: "transaction",
    submit: vi.fn(async () => ({
      hash: `0x${"ab".repeat(32)}` as const,
      wait: async () => ({ transactionHash: `0x${"ab".repeat(32)}` }) as never,
    })),
  };
}

describe("sendChainCall", () => {
  it("sends nothing when the simulation reverts, and says so in the paymaster's words", async () => {
    const failure = revertOf(oneKeyPaymasterAbi as Abi, "NotSponsorManager", [3n, account], "withdrawBudget");
    const reader = { simulateContract: vi.fn(async () => Promise.reject(failure)) } as unknown as PublicClient;
    const sender = fakeSender();
    const phases: string[] = [];
    const sent = sendChainCall(call, { reader, sender, account }, (p) => phases.push(p));
    await expect(sent).rejects.toBeInstanceOf(SimulationFailedError);
    expect(sender.submit).not.toHaveBeenCalled();
    expect(phases).toEqual(["simulating"]);
    // The simulation ran as the signed-in account.
    expect(reader.simulateContract).toHaveBeenCalledWith(expect.objectContaining({ account }));

    const shown = chainUserError(await sent.catch((e) => e));
    expect(shown.title).toBe("The chain would refuse this");
    expect(shown.message).toMatch(/nothing was sent/);
    expect(shown.detail).toMatch(/0x1111…1111 is not a sponsor manager of project 3/);
  });

  it("decodes the registry's errors with the deployment book's sentences", () => {
    const failure = revertOf(projectRegistryAbi as Abi, "ProjectSlugTaken", ["demo", 1n], "createProject");
    const shown = chainUserError(new SimulationFailedError(failure));
    expect(shown.detail).toBe('The slug "demo" is already used by project 1.');
  });

  it("simulates, then sends, then waits, naming each phase as it begins", async () => {
    const reader = { simulateContract: vi.fn(async () => ({ request: {} })) } as unknown as PublicClient;
    const sender = fakeSender();
    const phases: string[] = [];
    const sent = await sendChainCall(call, { reader, sender, account }, (p) => phases.push(p));
    expect(phases).toEqual(["simulating", "wallet", "confirming"]);
    expect(sender.submit).toHaveBeenCalledWith(call);
    expect(sent.hash).toBe(`0x${"ab".repeat(32)}`);
  });

  it("a wallet that says no is the error table's 'declined', and a reverted receipt says it reverted", () => {
    const declined = new BaseError("User rejected the request.", {
      cause: Object.assign(new Error("no"), { code: 4001 }),
    });
    expect(chainUserError(declined).code).toBe("wallet_declined");
    const reverted = chainUserError(new TransactionRevertedError(`0x${"cd".repeat(32)}`));
    expect(reverted.title).toBe("The transaction reverted");
    expect(reverted.detail).toContain("0xcdcd");
  });
});

/**
 * A plain injected wallet (no EIP-5792) as wagmi hands it out: its client's chain is the wallet's
 * current one. `answer` decides each request; every method asked is recorded.
 */
function plainWallet(chainId: number, answer: (method: string) => unknown) {
  const asked: string[] = [];
  const wallet = createWalletClient({
    account,
    chain: chainId === mainnet.id ? mainnet : hardhat,
    transport: custom({
      async request({ method }: { method: string }) {
        asked.push(method);
        if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
        return answer(method);
      },
    }),
  }) as WalletClient;
  return { wallet, asked };
}

const simulates = () => ({ simulateContract: vi.fn(async () => ({ request: {} })), chain: hardhat });

describe("the chain screens with a plain wallet", () => {
  it("a wallet on another network sends nothing and is told which network to switch to", async () => {
    const { wallet, asked } = plainWallet(mainnet.id, () => `0x${"ef".repeat(32)}`);
    const reader = simulates() as unknown as PublicClient;
    const phases: string[] = [];
    const sent = sendChainCall(call, { reader, sender: transactionSender(wallet, reader), account }, (p) =>
      phases.push(p),
    );
    const failure = await sent.catch((e) => e);
    expect(failure).toBeInstanceOf(BaseError);
    expect(asked).not.toContain("eth_sendTransaction");
    expect(phases).toEqual(["simulating", "wallet"]);
    const shown = chainUserError(failure, "send", { account });
    expect(shown.code).toBe("wallet_wrong_chain");
    expect(shown.message).toMatch(/Nothing was sent/);
    expect(shown.detail).toMatch(/id: 1\b.*id: 31337/);
  });

  it.each([
    [4200, "The requested method is not supported"],
    [-32601, "Method not found"],
  ])("a wallet that answers %i (%s) is told it cannot send this, and nothing is retried", async (code, message) => {
    const { wallet, asked } = plainWallet(hardhat.id, (method) => {
      throw Object.assign(new Error(`${method}: ${message}`), { code });
    });
    const reader = simulates() as unknown as PublicClient;
    const failure = await sendChainCall(call, { reader, sender: transactionSender(wallet, reader), account }).catch(
      (e) => e,
    );
    // One request to send, refused: viem does not ask again.
    expect(asked.filter((m) => m === "eth_sendTransaction")).toHaveLength(1);
    const shown = chainUserError(failure, "send", { account });
    expect(shown.code).toBe("wallet_method_unsupported");
    expect(shown.message).toMatch(/nothing was sent/);
  });

  it("a smart account without ETH for its gas is told where to send some", () => {
    const aa21 = new BaseError("sendUserOperation failed", {
      cause: new InsufficientPrefundError({ cause: new BaseError("AA21 didn't pay prefund") }),
    });
    const shown = chainUserError(aa21, "send", { account });
    expect(shown.code).toBe("account_unfunded");
    expect(shown.message).toMatch(/Nothing was sent/);
    expect(shown.detail).toBe(`Send ETH to ${account}, the account you signed in as.`);
  });

  it("sent but not seen included: the person is told not to send it again, with what was sent", async () => {
    const hash = `0x${"ab".repeat(32)}` as const;
    const sender: Sender = {
      kind: "transaction",
      submit: async () => ({
        hash,
        wait: async () => Promise.reject(new WaitForTransactionReceiptTimeoutError({ hash })),
      }),
    };
    const reader = simulates() as unknown as PublicClient;
    let sentHash: `0x${string}` | undefined;
    const failure = await sendChainCall(call, { reader, sender, account }, (_, h) => {
      if (h) sentHash = h;
    }).catch((e) => e);
    expect(sentHash).toBe(hash);
    const shown = chainUserError(failure, "send", { account, ...(sentHash ? { sentHash } : {}) });
    expect(shown.message).toMatch(/Do not send it again yet/);
    expect(shown.detail).toBe(`Sent as ${hash}`);
    // The same failure before anything was sent does not claim it was.
    expect(chainUserError(failure, "send", { account }).detail).toBeUndefined();
  });
});
