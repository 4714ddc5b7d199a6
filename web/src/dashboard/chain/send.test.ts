import { oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import {
  type Abi,
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  type PublicClient,
  parseEther,
} from "viem";
import { describe, expect, it, vi } from "vitest";
import { chainUserError, TransactionRevertedError } from "./chain-errors.js";
import { type ChainCall, type Sender, SimulationFailedError, sendChainCall } from "./send.js";

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
