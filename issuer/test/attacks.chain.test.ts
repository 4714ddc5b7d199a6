/**
 * The attacks the ERC-7677 service defends against, each written as the attacker would run it:
 * through the real service over HTTP, against the real chain (and the real bundler where the
 * attack needs one). Each test says what the attacker tried and what happens now.
 */
import { oneKeyPaymasterAbi } from "@onekey/deploy";
import { toSimpleAccountV07 } from "@onekey/web/simple-account";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  http,
  parseAbi,
  parseEther,
  parseEventLogs,
  parseGwei,
  toHex,
} from "viem";
import {
  createBundlerClient,
  createPaymasterClient,
  entryPoint07Abi,
  entryPoint07Address,
  toPackedUserOperation,
  type UserOperation,
} from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTACKER_KEY,
  budgetOf,
  createProject,
  dropTestDatabase,
  ensureKycIssuer,
  freshRedisPrefix,
  paymasterRpc,
  type RunningIssuer,
  registryCall,
  signedAttestation,
  stack,
  startIssuer,
} from "./support/stack.js";

const attacker = privateKeyToAccount(ATTACKER_KEY);
const factoryAbi = parseAbi(["function getAddress(address owner, uint256 salt) view returns (address)"]);
const accountAbi = parseAbi(["function execute(address dest, uint256 value, bytes func)"]);

let issuer: RunningIssuer;
let victimProject: bigint;
let attackerProject: bigint;

type SimpleAccount = Awaited<ReturnType<typeof toSimpleAccountV07>>;

function newAccount(): Promise<SimpleAccount> {
  const { publicClient, contracts } = stack();
  return toSimpleAccountV07({
    client: publicClient,
    owner: privateKeyToAccount(generatePrivateKey()),
    factory: contracts.factory,
  });
}

/** Runs `calls` from `account` through Alto, sponsored by `projectId` via `issuerUrl` (the honest path). */
async function sendHonestly(account: SimpleAccount, projectId: bigint, calls: Hex[], issuerUrl = issuer.url) {
  const { publicClient, contracts, bundlerUrl } = stack();
  const bundler = createBundlerClient({
    account,
    client: publicClient,
    transport: http(bundlerUrl),
    paymaster: createPaymasterClient({ transport: http(issuerUrl) }),
    paymasterContext: { projectId: projectId.toString() },
  });
  const hash = await bundler.sendUserOperation({ calls: calls.map((data) => ({ to: contracts.kycRegistry, data })) });
  const { success, receipt } = await bundler.waitForUserOperationReceipt({ hash, timeout: 60_000 });
  if (!success) throw new Error("honest operation failed");
  const [event] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "OperationSponsored", logs: receipt.logs });
  return event?.args.actualCost ?? 0n;
}

/** A user of the victim project: verified through its session and consenting to it. */
async function verifiedUserOfVictim(): Promise<SimpleAccount> {
  const account = await newAccount();
  const attestation = await signedAttestation(account.address, victimProject, issuer.resources.ledger);
  await sendHonestly(account, victimProject, [attestation.data, registryCall.grantConsent(victimProject)]);
  return account;
}

/** The user operation an attacker hand-builds (hex fields, as a wallet sends them to ERC-7677). */
async function rawOperation(
  account: { address: Address; encodeCalls: SimpleAccount["encodeCalls"] },
  calls: Hex[],
  gas: Partial<
    Record<
      "callGasLimit" | "verificationGasLimit" | "preVerificationGas" | "maxFeePerGas" | "maxPriorityFeePerGas",
      bigint
    >
  > = {},
  deploy?: { factory: Address; factoryData: Hex },
) {
  const { publicClient, contracts } = stack();
  const block = await publicClient.getBlock();
  const nonce = await publicClient.readContract({
    address: entryPoint07Address,
    abi: entryPoint07Abi,
    functionName: "getNonce",
    args: [account.address, 0n],
  });
  return {
    sender: account.address,
    nonce,
    ...(deploy ?? {}),
    callData: await account.encodeCalls(calls.map((data) => ({ to: contracts.kycRegistry, data }))),
    // Sane limits by default (within the caps): each attack changes only what it attacks.
    callGasLimit: gas.callGasLimit ?? 60_000n,
    verificationGasLimit: gas.verificationGasLimit ?? (deploy ? 250_000n : 60_000n),
    preVerificationGas: gas.preVerificationGas ?? 50_000n,
    maxFeePerGas: gas.maxFeePerGas ?? (block.baseFeePerGas ?? 0n) * 2n + parseGwei("1"),
    maxPriorityFeePerGas: gas.maxPriorityFeePerGas ?? parseGwei("1"),
  };
}

const hexed = (op: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(op).map(([k, v]) => [k, typeof v === "bigint" ? toHex(v) : v]));

async function askToSign(op: Record<string, unknown>, projectId: bigint, url = issuer.url) {
  const { chainId } = stack();
  return paymasterRpc(url, "pm_getPaymasterData", [
    hexed(op),
    entryPoint07Address,
    toHex(chainId),
    { projectId: projectId.toString() },
  ]);
}

beforeAll(async () => {
  await ensureKycIssuer();
  // Generous limits here: the rate-limit attack below runs replicas of its own with tight ones.
  issuer = await startIssuer({
    ONEKEY_ISSUER_REDIS_KEY_PREFIX: freshRedisPrefix(),
    ONEKEY_ISSUER_SPONSOR_SUBJECT_RATE_PER_MINUTE: "1000",
    ONEKEY_ISSUER_SPONSOR_PROJECT_RATE_PER_MINUTE: "1000",
  });
  victimProject = await createProject("victim", parseEther("1"));
  attackerProject = await createProject("attacker", parseEther("0.01"));
});
afterAll(async () => {
  await issuer?.stop();
  await dropTestDatabase();
});

describe("attacks on the ERC-7677 service", () => {
  it("attack: asks for a huge preVerificationGas and fee, then bundles the operation itself", async () => {
    // The attacker, an ordinary verified user of the victim project, asked the service to sign a
    // setDecryptDelegate with preVerificationGas in the millions (or a 1000 gwei fee), meaning to
    // call EntryPoint.handleOps itself with its own EOA as beneficiary: the EntryPoint would pay
    // it nearly the whole maxCost and postOp would charge that to the victim's budget.
    // Now: both are refused (gas_limit_too_high, fee_too_high). What the caps still allow, maxed
    // out and self-bundled, costs the project at most half again an honest operation.
    const { publicClient, chainId } = stack();
    const user = await verifiedUserOfVictim();
    const delegate = registryCall.setDecryptDelegate(attacker.address);
    const budgetBefore = await budgetOf(victimProject);

    const hugePvg = await askToSign(
      await rawOperation(user, [delegate], { preVerificationGas: 3_000_000n }),
      victimProject,
    );
    expect(hugePvg.error?.data?.reason).toBe("gas_limit_too_high");
    expect(hugePvg.error?.message).toMatch(/preVerificationGas 3000000 is above/);
    const hugeFee = await askToSign(
      await rawOperation(user, [delegate], { maxFeePerGas: parseGwei("1000"), maxPriorityFeePerGas: parseGwei("999") }),
      victimProject,
    );
    expect(hugeFee.error?.data?.reason).toBe("fee_too_high");
    const hugeCall = await askToSign(await rawOperation(user, [delegate], { callGasLimit: 5_000_000n }), victimProject);
    expect(hugeCall.error?.data?.reason).toBe("gas_limit_too_high");
    expect(await budgetOf(victimProject)).toBe(budgetBefore);

    // The most the caps allow: search each limit's ceiling through the service's own refusals.
    const caps = { callGasLimit: 0n, verificationGasLimit: 0n, preVerificationGas: 0n };
    for (const field of Object.keys(caps) as (keyof typeof caps)[]) {
      let low = 0n;
      let high = 2_000_000n;
      while (high - low > 1n) {
        const middle = (low + high) / 2n;
        const { error } = await askToSign(await rawOperation(user, [delegate], { [field]: middle }), victimProject);
        // Only a refusal of this very field moves the ceiling down; anything else is a broken probe.
        if (error && !(error.data?.reason === "gas_limit_too_high" && error.message.startsWith(field))) {
          throw new Error(`probe refused: ${error.message}`);
        }
        if (error) high = middle;
        else low = middle;
      }
      caps[field] = low;
    }
    const block = await publicClient.getBlock();
    const maxPriorityFeePerGas = issuer.config.sponsor.maxPriorityFeePerGas;
    const op = await rawOperation(user, [delegate], {
      ...caps,
      maxPriorityFeePerGas,
      maxFeePerGas:
        (block.baseFeePerGas ?? 0n) * BigInt(issuer.config.sponsor.baseFeeMultiplier) + maxPriorityFeePerGas,
    });
    const signed = await askToSign(op, victimProject);
    const sponsorship = signed.result as { paymaster: Address; paymasterData: Hex } | undefined;
    expect(sponsorship?.paymasterData).toBeDefined();
    const stub = await paymasterRpc(issuer.url, "pm_getPaymasterStubData", [
      hexed(op),
      entryPoint07Address,
      toHex(chainId),
      { projectId: victimProject.toString() },
    ]);
    const full: UserOperation<"0.7"> = {
      ...op,
      paymaster: sponsorship?.paymaster,
      paymasterData: sponsorship?.paymasterData,
      paymasterVerificationGasLimit: BigInt(stub.result?.paymasterVerificationGasLimit as string),
      paymasterPostOpGasLimit: BigInt(stub.result?.paymasterPostOpGasLimit as string),
      signature: "0x",
    };
    full.signature = await user.signUserOperation({ ...full, chainId });
    const { wallet } = stack();
    const costBefore = await budgetOf(victimProject);
    const hash = await wallet.writeContract({
      address: entryPoint07Address,
      abi: entryPoint07Abi,
      functionName: "handleOps",
      args: [[toPackedUserOperation(full)], attacker.address],
      account: attacker,
      chain: hardhat,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [event] = parseEventLogs({ abi: oneKeyPaymasterAbi, eventName: "OperationSponsored", logs: receipt.logs });
    const attackCost = costBefore - (await budgetOf(victimProject));
    expect(event?.args.actualCost).toBe(attackCost);

    // The same operation, honestly: estimated by Alto, signed by the service.
    const honestCost = await sendHonestly(await verifiedUserOfVictim(), victimProject, [delegate]);
    expect(attackCost).toBeGreaterThan(0n);
    expect(attackCost * 2n).toBeLessThanOrEqual(honestCost * 3n);
  });

  it("attack: asks a stranger project to pay for its own project's consent and attestation", async () => {
    // The attacker runs a project of its own. It asked the victim project to pay for its users'
    // grantConsent(attackerProject), and for an attestation issued in the attacker project's
    // verification session. Now: consent_for_other_project and attestation_not_from_project.
    const user = await newAccount();
    const { factory, factoryData } = await user.getFactoryArgs();
    const deploy = factory && factoryData ? { factory, factoryData } : undefined;
    const attestation = await signedAttestation(user.address, attackerProject, issuer.resources.ledger);
    const budgetBefore = await budgetOf(victimProject);

    const consent = await askToSign(
      await rawOperation(user, [registryCall.grantConsent(attackerProject)], {}, deploy),
      victimProject,
    );
    expect(consent.error?.data?.reason).toBe("consent_for_other_project");
    const attest = await askToSign(
      await rawOperation(user, [attestation.data, registryCall.grantConsent(victimProject)], {}, deploy),
      victimProject,
    );
    expect(attest.error?.data?.reason).toBe("attestation_not_from_project");
    // Nor may it replay another subject's attestation from the victim's own sessions.
    const someoneElses = await signedAttestation((await newAccount()).address, victimProject, issuer.resources.ledger);
    const replay = await askToSign(
      await rawOperation(user, [someoneElses.data, registryCall.grantConsent(victimProject)], {}, deploy),
      victimProject,
    );
    expect(replay.error?.data?.reason).toBe("attestation_for_other_subject");
    expect(await budgetOf(victimProject)).toBe(budgetBefore);
  });

  it("attack: erases and names a delegate for an account that has nothing to do with the paying project", async () => {
    // The attacker asked the victim project to pay for erase / setDecryptDelegate of fresh
    // accounts that never verified through it nor consent to it (a cheap way to burn its
    // budget one operation at a time). Now: subject_not_of_project.
    const stranger = await newAccount();
    const { factory, factoryData } = await stranger.getFactoryArgs();
    const deploy = factory && factoryData ? { factory, factoryData } : undefined;
    for (const call of [registryCall.erase(), registryCall.setDecryptDelegate(attacker.address)]) {
      const answer = await askToSign(await rawOperation(stranger, [call], {}, deploy), victimProject);
      expect(answer.error?.data?.reason).toBe("subject_not_of_project");
    }
  });

  it("attack: sends the operation from a contract whose execute ignores its arguments", async () => {
    // The attacker deployed its own sender: it approves every operation and ignores execute's
    // arguments (here: it returns 32 zero bytes to any call), so callData that looks like a
    // sponsored registry call gets arbitrary (or no) execution paid for by the victim. It also
    // copies SimpleAccount's implementation into its ERC-1967 slot to look like one.
    // Now: account_not_supported (its code is not a known proxy).
    const { publicClient, contracts } = stack();
    const fake = privateKeyToAccount(generatePrivateKey()).address;
    await publicClient.request({ method: "hardhat_setCode" as never, params: [fake, "0x60206000f3"] as never });
    const implementation = await publicClient.readContract({
      address: contracts.factory,
      abi: parseAbi(["function accountImplementation() view returns (address)"]),
      functionName: "accountImplementation",
    });
    await publicClient.request({
      method: "hardhat_setStorageAt" as never,
      params: [
        fake,
        "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc",
        `0x${implementation.slice(2).padStart(64, "0")}`,
      ] as never,
    });
    const encodeCalls: SimpleAccount["encodeCalls"] = async (calls) =>
      encodeFunctionData({
        abi: accountAbi,
        functionName: "execute",
        args: [calls[0]?.to ?? fake, 0n, calls[0]?.data ?? "0x"],
      });
    const answer = await askToSign(
      await rawOperation({ address: fake, encodeCalls }, [registryCall.setDecryptDelegate(attacker.address)]),
      victimProject,
    );
    expect(answer.error?.data?.reason).toBe("account_not_supported");
  });

  it("attack: deploys through an allowed factory with factoryData that does not create the account", async () => {
    // The attacker passed the allowed SimpleAccountFactory with factoryData calling another of its
    // functions (or named a factory of its own), hoping the service signs whatever an allowed
    // factory is asked to do. Now: factory_data_unsupported / factory_not_allowed.
    const { contracts } = stack();
    const user = await newAccount();
    const notCreating = encodeFunctionData({
      abi: factoryAbi,
      functionName: "getAddress",
      args: [attacker.address, 0n],
    });
    const calls = [registryCall.setDecryptDelegate(attacker.address)];
    const wrongCall = await askToSign(
      await rawOperation(user, calls, {}, { factory: contracts.factory, factoryData: notCreating }),
      victimProject,
    );
    expect(wrongCall.error?.data?.reason).toBe("factory_data_unsupported");
    const ownFactory = await askToSign(
      await rawOperation(user, calls, {}, { factory: attacker.address, factoryData: "0x" }),
      victimProject,
    );
    expect(ownFactory.error?.data?.reason).toBe("factory_not_allowed");
  });

  it("attack: spreads its requests over two replicas to get twice the rate limit", async () => {
    // The attacker sent its sponsorship requests alternately to two replicas of the service,
    // expecting each replica to count only what it saw (N replicas, N times the limit).
    // Now: the count lives in Redis, shared by both; the third request is refused (rate_limited).
    const prefix = freshRedisPrefix();
    const limits = { ONEKEY_ISSUER_REDIS_KEY_PREFIX: prefix, ONEKEY_ISSUER_SPONSOR_SUBJECT_RATE_PER_MINUTE: "2" };
    const [a, b] = [await startIssuer(limits), await startIssuer(limits)];
    try {
      const user = await verifiedUserOfVictim();
      const op = await rawOperation(user, [registryCall.setDecryptDelegate(attacker.address)]);
      const answers = [];
      for (const replica of [a, b, a, b]) answers.push(await askToSign(op, victimProject, replica.url));
      expect(answers.map((r) => (r.result ? "signed" : r.error?.data?.reason))).toEqual([
        "signed",
        "signed",
        "rate_limited",
        "rate_limited",
      ]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
