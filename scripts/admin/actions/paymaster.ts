/**
 * The paymaster owner's commands (governance, a Safe on Base): rotate the sponsorship signer,
 * manage the EntryPoint stake and the reserve. Each sends with the configured account, or with
 * `--safe` prints a Safe Transaction Builder batch instead (see ../calls.ts).
 */
import { type Address, formatEther, parseEventLogs } from "viem";
import { entryPoint07Abi } from "viem/account-abstraction";
import { oneKeyPaymasterAbi } from "../../../deploy/abis.js";
import { account, amount, duration, governanceArgs } from "../args.js";
import { proposing, type SafeChoice, sendOrPropose } from "../calls.js";
import { adminAction } from "../run.js";
import { type AdminSession, openSession, paymasterOf, txLine } from "../session.js";

const ether = (wei: bigint) => `${formatEther(wei)} ETH`;

async function paymasterSession(hre: Parameters<typeof openSession>[0], args: SafeChoice) {
  const session = await openSession(hre, { write: !proposing(args) });
  return { session, paymaster: await paymasterOf(session) };
}

function read(session: AdminSession, paymaster: Address) {
  return {
    signer: () =>
      session.publicClient.readContract({ address: paymaster, abi: oneKeyPaymasterAbi, functionName: "signer" }),
    depositInfo: async () => {
      const entryPoint = await session.publicClient.readContract({
        address: paymaster,
        abi: oneKeyPaymasterAbi,
        functionName: "entryPoint",
      });
      return session.publicClient.readContract({
        address: entryPoint,
        abi: entryPoint07Abi,
        functionName: "getDepositInfo",
        args: [paymaster],
      });
    },
  };
}

// Signer rotation -------------------------------------------------------------------------------

export const beginSignerRotation = adminAction(governanceArgs({ signer: account() }), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "beginSignerRotation", args: [args.signer] },
    `Begin rotating the OneKey paymaster's sponsorship signer to ${args.signer}; both keys sign until it completes.`,
  );
  if (!receipt) return;
  console.log(
    `Signer rotation to ${args.signer} begun: both keys sign until onekey:complete-signer-rotation; ${txLine(receipt)}`,
  );
});

export const completeSignerRotation = adminAction(governanceArgs({}), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "completeSignerRotation", args: [] },
    "Complete the OneKey paymaster's signer rotation: the pending signer becomes the signer, the old key stops signing.",
  );
  if (!receipt) return;
  const [completed] = parseEventLogs({
    abi: oneKeyPaymasterAbi,
    eventName: "SignerRotationCompleted",
    logs: receipt.logs,
  });
  if (!completed) throw new Error(`No SignerRotationCompleted event in ${receipt.transactionHash}.`);
  console.log(
    `The sponsorship signer is now ${completed.args.newSigner}; ${completed.args.previousSigner} no longer signs; ${txLine(receipt)}`,
  );
});

export const cancelSignerRotation = adminAction(governanceArgs({}), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "cancelSignerRotation", args: [] },
    "Cancel the OneKey paymaster's pending signer rotation.",
  );
  if (!receipt) return;
  const signer = await read(session, paymaster).signer();
  console.log(`Signer rotation cancelled; ${signer} stays the only signer; ${txLine(receipt)}`);
});

// EntryPoint stake ------------------------------------------------------------------------------

export const addStake = adminAction(
  governanceArgs({ amount: amount(), unstakeDelay: duration().optional() }),
  async (args, hre) => {
    const { session, paymaster } = await paymasterSession(hre, args);
    const before = await read(session, paymaster).depositInfo();
    // The EntryPoint refuses a shorter delay than the current one: default to keeping it.
    const unstakeDelay = args.unstakeDelay ?? before.unstakeDelaySec;
    if (unstakeDelay === 0) {
      throw new Error("Invalid argument: --unstake-delay is required: the paymaster has no stake yet (e.g. 1d).");
    }
    if (unstakeDelay < before.unstakeDelaySec) {
      throw new Error(
        `Invalid argument: --unstake-delay ${unstakeDelay} is shorter than the current ${before.unstakeDelaySec} seconds; the EntryPoint only lets it grow.`,
      );
    }
    const receipt = await sendOrPropose(
      session,
      args,
      {
        address: paymaster,
        abi: oneKeyPaymasterAbi,
        functionName: "addStake",
        args: [unstakeDelay],
        value: args.amount,
      },
      `Add ${ether(args.amount)} to the OneKey paymaster's EntryPoint stake (unstake delay ${unstakeDelay} s).`,
    );
    if (!receipt) return;
    const after = await read(session, paymaster).depositInfo();
    console.log(
      `Paymaster stake is now ${ether(after.stake)} with an unstake delay of ${after.unstakeDelaySec} s; ${txLine(receipt)}`,
    );
  },
);

export const unlockStake = adminAction(governanceArgs({}), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "unlockStake", args: [] },
    "Unlock the OneKey paymaster's EntryPoint stake (starts the unstake delay; bundlers stop treating it as staked).",
  );
  if (!receipt) return;
  const info = await read(session, paymaster).depositInfo();
  const at = new Date(info.withdrawTime * 1000).toISOString();
  console.log(
    `Paymaster stake of ${ether(info.stake)} unlocked: onekey:withdraw-stake works from ${at} (${info.withdrawTime}); ${txLine(receipt)}`,
  );
});

export const withdrawStake = adminAction(governanceArgs({ to: account() }), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const { stake } = await read(session, paymaster).depositInfo();
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "withdrawStake", args: [args.to] },
    `Withdraw the OneKey paymaster's unlocked EntryPoint stake (${ether(stake)}) to ${args.to}.`,
  );
  if (!receipt) return;
  console.log(`Withdrew the paymaster's stake of ${ether(stake)} to ${args.to}; ${txLine(receipt)}`);
});

// Reserve ---------------------------------------------------------------------------------------

export const depositReserve = adminAction(governanceArgs({ amount: amount() }), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    { address: paymaster, abi: oneKeyPaymasterAbi, functionName: "depositReserve", args: [], value: args.amount },
    `Deposit ${ether(args.amount)} into the OneKey paymaster's reserve (its EntryPoint deposit beyond project budgets).`,
  );
  if (!receipt) return;
  const [deposited] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "ReserveDeposited", logs: receipt.logs });
  if (!deposited) throw new Error(`No ReserveDeposited event in ${receipt.transactionHash}.`);
  console.log(
    `Deposited ${ether(deposited.args.amount)} into the paymaster's reserve, now ${ether(deposited.args.reserve)}; ${txLine(receipt)}`,
  );
});

export const withdrawReserve = adminAction(governanceArgs({ amount: amount(), to: account() }), async (args, hre) => {
  const { session, paymaster } = await paymasterSession(hre, args);
  const receipt = await sendOrPropose(
    session,
    args,
    {
      address: paymaster,
      abi: oneKeyPaymasterAbi,
      functionName: "withdrawReserve",
      args: [args.to, args.amount],
    },
    `Withdraw ${ether(args.amount)} of the OneKey paymaster's reserve to ${args.to}.`,
  );
  if (!receipt) return;
  const [withdrawn] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "ReserveWithdrawn", logs: receipt.logs });
  if (!withdrawn) throw new Error(`No ReserveWithdrawn event in ${receipt.transactionHash}.`);
  console.log(
    `Withdrew ${ether(withdrawn.args.amount)} of the paymaster's reserve to ${withdrawn.args.to}; ${ether(withdrawn.args.reserve)} remains; ${txLine(receipt)}`,
  );
});
