/**
 * The admin commands that complete the lifecycle without a raw contract call: organization
 * ownership and metadata, project settings, sponsorship (fund, withdraw, policy, status sync), the
 * paymaster owner's signer rotation, stake and reserve, and revoking an attestation. They run as a
 * user runs them: the Hardhat CLI in a child process against `hardhat node`, addresses from the
 * book its deploy wrote. Happy paths change what the contracts report; bad input and would-revert
 * calls print one clear message and send nothing; `--safe` prints a Safe Transaction Builder
 * batch whose calldata is the intended call, and sends nothing either.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { hardhatCli, repoRoot } from "@onekey/devnet/processes";
import {
  type Abi,
  type Address,
  type ContractFunctionName,
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  getAddress,
  type Hex,
  http,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
  zeroAddress,
} from "viem";
import { entryPoint07Abi } from "viem/account-abstraction";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi } from "../../deploy/abis.js";
import { PROJECT_ROLES, STORAGE_NETWORKS } from "../../deploy/constants.js";
import { type SafeBatchFile, safeBatchChecksum } from "../../deploy/safe-batch.js";
import type { ContractCall } from "../../scripts/admin/calls.js";

// hardhat node's well-known unlocked accounts; #0 deployed OneKey: governance and paymaster owner.
const signerAccount = getAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const otherOwner = getAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const member = getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
const issuer = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
const subject = getAddress("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65");
const newSigner = getAddress("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
const recipient = getAddress("0x976EA74026E726554dB657fA54763abd0C3a0aa9");

interface TaskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let chain: LocalChain;
let scratch: string;
let bookDir: string;

/** Runs `hardhat --network localhost <args>` against the test chain and its book. */
function hardhat(...args: string[]): Promise<TaskRun> {
  const child = spawn(process.execPath, [hardhatCli(), "--network", "localhost", ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOCAL_RPC_URL: chain.rpcUrl, ONEKEY_DEPLOY_BOOK_DIR: bookDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function succeeds(...args: string[]): Promise<string> {
  const run = await hardhat(...args);
  assert.equal(run.code, 0, `${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const client = () => createPublicClient({ transport: http(chain.rpcUrl) });

function book() {
  const contracts = chain.deployment?.contracts;
  if (!contracts?.ProjectRegistry || !contracts.KycRegistry || !contracts.OneKeyPaymaster) {
    throw new Error("chain started without a deployment");
  }
  return {
    project: { address: contracts.ProjectRegistry.address, abi: projectRegistryAbi } as const,
    kyc: { address: contracts.KycRegistry.address, abi: kycRegistryAbi } as const,
    paymaster: { address: contracts.OneKeyPaymaster.address, abi: oneKeyPaymasterAbi } as const,
  };
}

/** Sends a call from one of the node's unlocked accounts (test set-up, not a command). */
async function rawCall<const abi extends Abi, functionName extends ContractFunctionName<abi, "nonpayable" | "payable">>(
  from: Address,
  call: ContractCall<abi, functionName>,
) {
  const wallet = createWalletClient({ account: from, transport: http(chain.rpcUrl) });
  const parameters = { ...call, account: from, chain: null } as unknown as Parameters<typeof wallet.writeContract>[0];
  const receipt = await client().waitForTransactionReceipt({ hash: await wallet.writeContract(parameters) });
  assert.equal(receipt.status, "success");
  return receipt;
}

/** Everything a stray transaction would move: the signer's nonce and the chain head. */
async function chainState() {
  const c = client();
  const [nonce, block] = await Promise.all([c.getTransactionCount({ address: signerAccount }), c.getBlockNumber()]);
  return { nonce, block };
}

/** Asserts the command fails with `message` on stderr, prints no transaction and the chain did not move. */
async function refused(args: string[], message: string | RegExp) {
  const before = await chainState();
  const run = await hardhat(...args);
  assert.equal(run.code, 1, `${args.join(" ")} should fail:\n${run.stdout}\n${run.stderr}`);
  if (typeof message === "string") assert.ok(run.stderr.includes(message), `stderr lacks "${message}":\n${run.stderr}`);
  else assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "a stack trace instead of one clear line");
  assert.doesNotMatch(run.stdout, /tx 0x|"transactions"/);
  assert.deepEqual(await chainState(), before);
}

const budget = (projectId: bigint) =>
  client().readContract({ ...book().paymaster, functionName: "projectBudget", args: [projectId] });
const depositInfo = async () => {
  const entryPoint = await client().readContract({ ...book().paymaster, functionName: "entryPoint" });
  return client().readContract({
    address: entryPoint,
    abi: entryPoint07Abi,
    functionName: "getDepositInfo",
    args: [book().paymaster.address],
  });
};

/** Parses a --safe batch and checks what the Transaction Builder checks: format and checksum. */
function parseBatch(text: string, transactions = 1): SafeBatchFile {
  const batch = JSON.parse(text) as SafeBatchFile;
  assert.equal(batch.version, "1.0");
  assert.equal(batch.chainId, "31337");
  assert.ok(Number.isInteger(batch.createdAt) && batch.createdAt > 1.7e12);
  assert.equal(typeof batch.meta.name, "string");
  assert.equal(batch.meta.checksum, safeBatchChecksum(batch));
  assert.equal(batch.transactions.length, transactions);
  return batch;
}

/** The call a batch transaction (the first, or the `index`th) makes, decoded with the contract's ABI. */
function decoded(batch: SafeBatchFile, abi: Abi, index = 0) {
  const tx = batch.transactions[index];
  assert.ok(tx);
  const call = decodeFunctionData({ abi, data: tx.data });
  assert.equal(tx.contractMethod.name, call.functionName);
  return { to: tx.to, value: tx.value, functionName: call.functionName, args: call.args ?? [], tx };
}

let projectId: bigint;
let foreignProject: bigint;

describe("admin lifecycle commands (Hardhat tasks against hardhat node)", () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "onekey-admin-lifecycle-"));
    bookDir = join(scratch, "book");
    chain = await startLocalChain({ deployBookDir: bookDir, ignitionDir: join(scratch, "ignition") });
    const { project } = book();
    // Organization 1 (the signer's) with project "life-app", the signer its sponsor manager;
    // organization 2 (otherOwner's) with "foreign-app", where the signer holds no role.
    await rawCall(signerAccount, { ...project, functionName: "createOrganization", args: [signerAccount, ""] });
    const created = await rawCall(signerAccount, {
      ...project,
      functionName: "createProject",
      args: [1n, "life-app", { requiredLevel: 1, acceptedIssuers: [], metadataURI: "ipfs://life" }],
    });
    const [event] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectCreated", logs: created.logs });
    assert.ok(event);
    projectId = event.args.projectId;
    await rawCall(signerAccount, {
      ...project,
      functionName: "grantRole",
      args: [projectId, signerAccount, PROJECT_ROLES.SPONSOR_MANAGER],
    });
    await rawCall(otherOwner, { ...project, functionName: "createOrganization", args: [otherOwner, ""] });
    const foreign = await rawCall(otherOwner, {
      ...project,
      functionName: "createProject",
      args: [2n, "foreign-app", { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" }],
    });
    const [foreignEvent] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectCreated", logs: foreign.logs });
    assert.ok(foreignEvent);
    foreignProject = foreignEvent.args.projectId;
  });

  after(async () => {
    await chain?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  describe("organizations", () => {
    const organization = (orgId: bigint) =>
      client().readContract({ ...book().project, functionName: "getOrganization", args: [orgId] });

    it("onekey:set-org-metadata sets and clears the metadata URI", async () => {
      const out = await succeeds(
        "onekey:set-org-metadata",
        "--org",
        "1",
        "--metadata",
        "https://acme.example/org.json",
      );
      assert.match(out, /Organization 1's metadata is now https:\/\/acme\.example\/org\.json; tx 0x[0-9a-f]{64}/);
      assert.equal((await organization(1n)).metadataURI, "https://acme.example/org.json");
      await succeeds("onekey:set-org-metadata", "--org", "1", "--metadata", "");
      assert.equal((await organization(1n)).metadataURI, "");
    });

    it("onekey:transfer-org-ownership offers, --cancel withdraws; onekey:accept-org-ownership completes", async () => {
      const out = await succeeds("onekey:transfer-org-ownership", "--org", "1", "--to", otherOwner);
      assert.match(out, new RegExp(`Organization 1 is offered to ${otherOwner}; .*accept-org-ownership --org 1`));
      assert.equal((await organization(1n)).pendingOwner, otherOwner);
      assert.equal((await organization(1n)).owner, signerAccount);
      await succeeds("onekey:transfer-org-ownership", "--org", "1", "--cancel");
      assert.equal((await organization(1n)).pendingOwner, zeroAddress);

      // Organization 3, offered to the signer by its owner; the signer accepts with the command.
      await rawCall(otherOwner, { ...book().project, functionName: "createOrganization", args: [otherOwner, ""] });
      await rawCall(otherOwner, {
        ...book().project,
        functionName: "transferOrganizationOwnership",
        args: [3n, signerAccount],
      });
      const accepted = await succeeds("onekey:accept-org-ownership", "--org", "3");
      assert.match(accepted, new RegExp(`${signerAccount} now owns organization 3 \\(previously ${otherOwner}\\)`));
      const org = await organization(3n);
      assert.equal(org.owner, signerAccount);
      assert.equal(org.pendingOwner, zeroAddress);
    });

    it("refuses a bad URI, an unknown organization, a missing --to, a transfer it was not offered, someone else's organization", async () => {
      await Promise.all([
        refused(
          ["onekey:set-org-metadata", "--org", "1", "--metadata", "not a uri"],
          'Invalid argument: --metadata must be an absolute URI such as ipfs://... or https://... (at most 2048 characters), or "" to clear it, got "not a uri"',
        ),
        refused(["onekey:set-org-metadata", "--org", "1"], "Invalid argument: --metadata is required"),
        refused(
          ["onekey:set-org-metadata", "--org", "99", "--metadata", "ipfs://x"],
          "--org: no organization has the id 99 on local.",
        ),
        refused(
          ["onekey:transfer-org-ownership", "--org", "1"],
          "Invalid argument: --to is required (the new owner), unless --cancel withdraws a pending transfer instead",
        ),
        refused(
          ["onekey:transfer-org-ownership", "--org", "1", "--to", "0xabc"],
          'Invalid argument: --to must be an address (0x and 40 hex digits, checksummed if mixed case), got "0xabc"',
        ),
        refused(
          ["onekey:transfer-org-ownership", "--org", "1", "--cancel"],
          "Organization 1 has no pending ownership transfer to cancel.",
        ),
        refused(
          ["onekey:transfer-org-ownership", "--org", "1", "--cancel", "--to", member],
          "Invalid argument: --to does not go with --cancel (which withdraws the pending transfer)",
        ),
        refused(["onekey:accept-org-ownership", "--org", "7"], "--org: no organization has the id 7 on local."),
        refused(
          ["onekey:accept-org-ownership", "--org", "1"],
          `acceptOrganizationOwnership would revert, so nothing was sent: ${signerAccount} is not the pending owner of organization 1: the owner must name it first.`,
        ),
        refused(
          ["onekey:transfer-org-ownership", "--org", "2", "--to", member],
          `transferOrganizationOwnership would revert, so nothing was sent: ${signerAccount} is not the owner of organization 2.`,
        ),
        refused(
          ["onekey:set-org-metadata", "--org", "2", "--metadata", "ipfs://mine"],
          `setOrganizationMetadata would revert, so nothing was sent: ${signerAccount} is neither owner nor admin of organization 2.`,
        ),
      ]);
    });
  });

  describe("project settings and status", () => {
    const settings = async (id: bigint) =>
      (await client().readContract({ ...book().project, functionName: "getProject", args: [id] })).settings;

    it("onekey:update-project-settings changes what it is given and keeps the rest", async () => {
      const out = await succeeds("onekey:update-project-settings", "--project", "life-app", "--level", "3");
      assert.match(out, /Project 1 settings: level 3, issuers any registered, metadata ipfs:\/\/life; tx 0x/);
      assert.deepEqual(await settings(projectId), {
        requiredLevel: 3,
        acceptedIssuers: [],
        metadataURI: "ipfs://life",
      });

      await succeeds("onekey:update-project-settings", "--project", "1", "--issuers", issuer.toLowerCase());
      assert.deepEqual(await settings(projectId), {
        requiredLevel: 3,
        acceptedIssuers: [issuer],
        metadataURI: "ipfs://life",
      });

      await succeeds(
        ...["onekey:update-project-settings", "--project", "life-app", "--issuers", "any"],
        ...["--metadata", "https://life.example/p.json", "--level", "2"],
      );
      assert.deepEqual(await settings(projectId), {
        requiredLevel: 2,
        acceptedIssuers: [],
        metadataURI: "https://life.example/p.json",
      });
    });

    it("onekey:sync-project-status copies a suspension into the paymaster, and the reactivation back", async () => {
      const { project } = book();
      // Funding mirrors the status; a later suspension in the registry does not reach the paymaster by itself.
      await rawCall(signerAccount, {
        ...book().paymaster,
        functionName: "fundProject",
        args: [projectId],
        value: 1n,
      });
      assert.equal((await budget(projectId)).active, true);
      await rawCall(signerAccount, { ...project, functionName: "setProjectStatus", args: [projectId, 2] });
      assert.equal((await budget(projectId)).active, true);

      const out = await succeeds("onekey:sync-project-status", "--project", "life-app");
      assert.match(out, /Project 1 is now inactive in the paymaster \(sponsorship\); tx 0x/);
      assert.equal((await budget(projectId)).active, false);

      await rawCall(signerAccount, { ...project, functionName: "setProjectStatus", args: [projectId, 1] });
      assert.match(await succeeds("onekey:sync-project-status", "--project", "1"), /Project 1 is now active/);
      assert.equal((await budget(projectId)).active, true);
      assert.match(await succeeds("onekey:sync-project-status", "--project", "1"), /Project 1 stays active/);
    });

    it("refuses no change, a bad level or issuer list, an unknown project, a project it does not administer", async () => {
      await Promise.all([
        refused(
          ["onekey:update-project-settings", "--project", "life-app"],
          "Invalid argument: nothing to change: give --level, --issuers (addresses or any) and/or --metadata",
        ),
        refused(
          ["onekey:update-project-settings", "--project", "life-app", "--level", "0"],
          "Invalid argument: --level must be from 1 to 255, got 0",
        ),
        refused(
          ["onekey:update-project-settings", "--project", "life-app", "--issuers", `${issuer},nope`],
          'Invalid argument: --issuers lists "nope", which is not an address',
        ),
        refused(
          ["onekey:update-project-settings", "--project", "99", "--level", "2"],
          "--project: no project has the id 99 on local.",
        ),
        refused(
          ["onekey:sync-project-status", "--project", "no-such-app"],
          '--project: no project has the slug "no-such-app" on local.',
        ),
        refused(
          ["onekey:update-project-settings", "--project", "foreign-app", "--level", "2"],
          `updateProjectSettings would revert, so nothing was sent: ${signerAccount} may not manage project ${foreignProject}: it is not a project admin nor an admin of its organization.`,
        ),
      ]);
    });
  });

  describe("sponsorship budget and policy", () => {
    it("onekey:fund adds ETH to the budget; onekey:withdraw takes it out to --to", async () => {
      const start = (await budget(projectId)).balance;
      const out = await succeeds("onekey:fund", "--project", "life-app", "--amount", "0.5");
      assert.match(out, /Funded project 1 with 0\.5 ETH; its budget is now 0\.5000000000000000\d+ ETH; tx 0x/);
      assert.equal((await budget(projectId)).balance, start + parseEther("0.5"));

      const recipientBefore = await client().getBalance({ address: recipient });
      const withdrawn = await succeeds(...["onekey:withdraw", "--project", "1", "--amount", "0.2", "--to", recipient]);
      assert.match(withdrawn, new RegExp(`Withdrew 0\\.2 ETH of project 1's budget to ${recipient}`));
      assert.equal((await budget(projectId)).balance, start + parseEther("0.3"));
      assert.equal(await client().getBalance({ address: recipient }), recipientBefore + parseEther("0.2"));
    });

    it("onekey:set-sponsorship-policy sets the caps it is given and keeps the rest", async () => {
      const policy = () =>
        client().readContract({ ...book().paymaster, functionName: "sponsorshipPolicy", args: [projectId] });
      const out = await succeeds(
        ...["onekey:set-sponsorship-policy", "--project", "life-app"],
        ...["--per-user-cap", "0.01", "--period-cap", "0.25", "--period", "1d"],
      );
      assert.match(
        out,
        /Project 1 sponsorship policy: per-user cap 0\.01 ETH, project cap 0\.25 ETH, period 86400 s, max cost per operation the paymaster's default; tx 0x/,
      );
      assert.deepEqual(await policy(), {
        perUserCap: parseEther("0.01"),
        periodCap: parseEther("0.25"),
        periodSeconds: 86_400,
        maxOpCost: 0n,
      });
      assert.equal((await budget(projectId)).capped, true);

      await succeeds(
        "onekey:set-sponsorship-policy",
        "--project",
        "1",
        "--max-op-cost",
        "0.001",
        "--per-user-cap",
        "0",
      );
      assert.deepEqual(await policy(), {
        perUserCap: 0n,
        periodCap: parseEther("0.25"),
        periodSeconds: 86_400,
        maxOpCost: parseEther("0.001"),
      });
      assert.equal((await budget(projectId)).maxOpCost, parseEther("0.001"));

      // onekey:status --paymaster shows the same, read-only.
      const before = await chainState();
      const shown = JSON.parse(await succeeds("onekey:status", "--project", "life-app", "--paymaster")).paymaster;
      const onChain = await budget(projectId);
      assert.deepEqual(shown.project, {
        projectId: String(projectId),
        budget: {
          balance: String(onChain.balance),
          active: true,
          capped: true,
          maxOpCost: parseEther("0.001").toString(),
        },
        policy: {
          perUserCap: "0",
          periodCap: parseEther("0.25").toString(),
          periodSeconds: 86_400,
          maxOpCost: parseEther("0.001").toString(),
        },
        spend: { period: "0", spent: "0" },
      });
      assert.equal(shown.address, book().paymaster.address);
      assert.equal(shown.owner, signerAccount);
      assert.equal(shown.stake.staked, true);
      assert.deepEqual(await chainState(), before);
    });

    it("refuses garbage and negative amounts, an unknown project, an overdraft, a project it does not manage", async () => {
      await Promise.all([
        refused(
          ["onekey:fund", "--project", "life-app", "--amount", "-1"],
          'Invalid argument: --amount must be an amount of ETH such as 0.5 or 2 (no sign, no units), got "-1"',
        ),
        refused(
          ["onekey:fund", "--project", "life-app", "--amount", "lots"],
          'Invalid argument: --amount must be an amount of ETH such as 0.5 or 2 (no sign, no units), got "lots"',
        ),
        refused(
          ["onekey:fund", "--project", "life-app", "--amount", "0"],
          "Invalid argument: --amount must be more than 0 ETH",
        ),
        refused(
          ["onekey:fund", "--project", "life-app", "--amount", "0.0000000000000000001"],
          'Invalid argument: --amount must have at most 18 decimals (1 wei = 0.000000000000000001 ETH), got "0.0000000000000000001"',
        ),
        refused(["onekey:fund", "--project", "life-app"], "Invalid argument: --amount is required"),
        refused(["onekey:fund", "--project", "42", "--amount", "1"], "--project: no project has the id 42 on local."),
        refused(
          ["onekey:withdraw", "--project", "life-app", "--amount", "0.1", "--to", "vitalik.eth"],
          'Invalid argument: --to must be an address (0x and 40 hex digits, checksummed if mixed case), got "vitalik.eth"',
        ),
        refused(
          ["onekey:withdraw", "--project", "life-app", "--amount", "5"],
          `withdrawBudget would revert, so nothing was sent: Project ${projectId}'s sponsorship budget holds 0.300000000000000001 ETH (300000000000000001 wei), less than the 5 ETH (5000000000000000000 wei) needed.`,
        ),
        refused(
          ["onekey:withdraw", "--project", "foreign-app", "--amount", "0.1"],
          `withdrawBudget would revert, so nothing was sent: ${signerAccount} is not a sponsor manager of project ${foreignProject}: a project admin must grant it the sponsor-manager role.`,
        ),
        refused(
          ["onekey:set-sponsorship-policy", "--project", "foreign-app", "--period-cap", "1"],
          `setSponsorshipPolicy would revert, so nothing was sent: ${signerAccount} is not a sponsor manager of project ${foreignProject}`,
        ),
        refused(
          ["onekey:set-sponsorship-policy", "--project", "life-app"],
          "Invalid argument: nothing to change: give --per-user-cap, --period-cap, --period and/or --max-op-cost",
        ),
        refused(
          ["onekey:set-sponsorship-policy", "--project", "life-app", "--period", "1w", "--period-cap", "1e3"],
          /Invalid arguments:\n {2}--period-cap must be an amount of ETH such as 0\.5 or 2 \(no sign, no units\), got "1e3"\n {2}--period must be whole seconds or a number with s, m, h or d \(e\.g\. 86400 or 1d\), got "1w"/,
        ),
        refused(
          ["onekey:set-sponsorship-policy", "--project", "life-app", "--per-user-cap", "100000000000"],
          "Invalid argument: --per-user-cap must be at most 79228162514264337593543950335 wei",
        ),
      ]);
    });
  });

  describe("paymaster owner: signer rotation, stake, reserve", () => {
    const paymasterRead = <F extends "signer" | "pendingSigner" | "reserve">(functionName: F) =>
      client().readContract({ ...book().paymaster, functionName });

    it("onekey:begin/cancel/complete-signer-rotation", async () => {
      const original = await paymasterRead("signer");
      assert.match(
        await succeeds("onekey:begin-signer-rotation", "--signer", newSigner),
        new RegExp(`Signer rotation to ${newSigner} begun`),
      );
      assert.equal(await paymasterRead("pendingSigner"), newSigner);
      await succeeds("onekey:cancel-signer-rotation");
      assert.equal(await paymasterRead("pendingSigner"), zeroAddress);
      assert.equal(await paymasterRead("signer"), original);

      await succeeds("onekey:begin-signer-rotation", "--signer", newSigner);
      const out = await succeeds("onekey:complete-signer-rotation");
      assert.match(out, new RegExp(`The sponsorship signer is now ${newSigner}; ${original} no longer signs`));
      assert.equal(await paymasterRead("signer"), newSigner);
      assert.equal(await paymasterRead("pendingSigner"), zeroAddress);
    });

    it("onekey:deposit-reserve / withdraw-reserve move the reserve", async () => {
      const start = await paymasterRead("reserve");
      await succeeds("onekey:deposit-reserve", "--amount", "0.3");
      assert.equal(await paymasterRead("reserve"), start + parseEther("0.3"));
      const before = await client().getBalance({ address: recipient });
      const out = await succeeds("onekey:withdraw-reserve", "--amount", "0.1", "--to", recipient);
      assert.match(out, new RegExp(`Withdrew 0\\.1 ETH of the paymaster's reserve to ${recipient}`));
      assert.equal(await paymasterRead("reserve"), start + parseEther("0.2"));
      assert.equal(await client().getBalance({ address: recipient }), before + parseEther("0.1"));
    });

    it("onekey:add-stake / unlock-stake / withdraw-stake, with the EntryPoint's delay in between", async () => {
      const start = await depositInfo();
      assert.equal(start.staked, true);
      const out = await succeeds("onekey:add-stake", "--amount", "0.5");
      assert.match(out, /Paymaster stake is now \d+(\.\d+)? ETH with an unstake delay of 86400 s/);
      const added = await depositInfo();
      assert.equal(added.stake, start.stake + parseEther("0.5"));
      assert.equal(added.unstakeDelaySec, start.unstakeDelaySec);

      await refused(
        ["onekey:add-stake", "--amount", "0.1", "--unstake-delay", "1h"],
        `Invalid argument: --unstake-delay 3600 is shorter than the current ${start.unstakeDelaySec} seconds`,
      );

      assert.match(await succeeds("onekey:unlock-stake"), /unlocked: onekey:withdraw-stake works from /);
      const unlocked = await depositInfo();
      assert.equal(unlocked.staked, false);
      assert.ok(unlocked.withdrawTime > 0);

      await refused(
        ["onekey:withdraw-stake", "--to", recipient],
        "withdrawStake would revert, so nothing was sent: The contract reverted: Stake withdrawal is not due",
      );

      const rpc = (method: string, params: unknown[]) =>
        client().request({ method, params } as unknown as Parameters<ReturnType<typeof client>["request"]>[0]);
      await rpc("evm_increaseTime", [Number(start.unstakeDelaySec) + 1]);
      await rpc("evm_mine", []);
      const before = await client().getBalance({ address: recipient });
      await succeeds("onekey:withdraw-stake", "--to", recipient);
      assert.equal((await depositInfo()).stake, 0n);
      assert.equal(await client().getBalance({ address: recipient }), before + added.stake);
    });

    it("refuses rotations that would revert and bad addresses and amounts", async () => {
      await Promise.all([
        refused(
          ["onekey:complete-signer-rotation"],
          "completeSignerRotation would revert, so nothing was sent: No sponsorship signer rotation is in progress: begin one first.",
        ),
        refused(
          ["onekey:begin-signer-rotation", "--signer", newSigner],
          `beginSignerRotation would revert, so nothing was sent: ${newSigner} is already the sponsorship signer.`,
        ),
        refused(
          ["onekey:begin-signer-rotation", "--signer", zeroAddress],
          "Invalid argument: --signer must not be the zero address",
        ),
        refused(
          ["onekey:withdraw-reserve", "--amount", "50", "--to", recipient],
          /withdrawReserve would revert, so nothing was sent: The paymaster's reserve holds [0-9.]+ ETH \(\d+ wei\), less than the 50 ETH \(50000000000000000000 wei\) asked/,
        ),
        refused(["onekey:withdraw-reserve", "--amount", "0.1"], "Invalid argument: --to is required"),
        refused(
          ["onekey:cancel-signer-rotation"],
          "cancelSignerRotation would revert, so nothing was sent: No sponsorship signer rotation is in progress",
        ),
        // The stake was withdrawn above: the EntryPoint's own require reason comes through.
        refused(
          ["onekey:unlock-stake"],
          "unlockStake would revert, so nothing was sent: The contract reverted: not staked",
        ),
        refused(
          ["onekey:deposit-reserve", "--amount", "0.5 ETH"],
          'Invalid argument: --amount must be an amount of ETH such as 0.5 or 2 (no sign, no units), got "0.5 ETH"',
        ),
      ]);
    });
  });

  describe("attestations and issuers (governance)", () => {
    let uid: Hex;

    before(async () => {
      const { kyc } = book();
      await rawCall(signerAccount, { ...kyc, functionName: "registerIssuer", args: [issuer] });
      const block = await client().getBlock();
      const attested = await rawCall(issuer, {
        ...kyc,
        functionName: "attest",
        args: [
          {
            subject,
            level: 2,
            expiresAt: Number(block.timestamp) + 365 * 86_400,
            storageNetwork: STORAGE_NETWORKS.arweave,
            storageId: keccak256(toHex("storage")),
            ciphertextHash: keccak256(toHex("ciphertext")),
          },
        ],
      });
      const [created] = parseEventLogs({ abi: kycRegistryAbi, eventName: "AttestationCreated", logs: attested.logs });
      assert.ok(created);
      uid = created.args.uid;
    });

    it("onekey:revoke-attestation --subject revokes the subject's current attestation", async () => {
      const out = await succeeds("onekey:revoke-attestation", "--subject", subject);
      assert.match(out, new RegExp(`Revoked attestation ${uid} of ${subject}; tx 0x`));
      const attestation = await client().readContract({
        ...book().kyc,
        functionName: "getAttestation",
        args: [subject],
      });
      assert.equal(attestation.status, 2);
      assert.equal(
        await client().readContract({ ...book().kyc, functionName: "isVerified", args: [subject, 1] }),
        false,
      );
    });

    it("refuses a revoked attestation, a malformed uid, both or neither of --uid and --subject", async () => {
      await Promise.all([
        refused(
          ["onekey:revoke-attestation", "--uid", uid],
          `revoke would revert, so nothing was sent: Attestation ${uid} is not active (it is revoked).`,
        ),
        refused(
          ["onekey:revoke-attestation", "--uid", "0x1234"],
          'Invalid argument: --uid must be 0x and 64 hex digits, got "0x1234"',
        ),
        refused(
          ["onekey:revoke-attestation", "--uid", uid, "--subject", subject],
          "Invalid argument: give either --uid or --subject (exactly one) to name the attestation",
        ),
        refused(
          ["onekey:revoke-attestation"],
          "Invalid argument: give either --uid or --subject (exactly one) to name the attestation",
        ),
        refused(
          ["onekey:revoke-attestation", "--subject", member],
          `--subject: ${member} has no attestation on local.`,
        ),
      ]);
    });
  });

  describe("--safe: a Safe Transaction Builder batch instead of a transaction", () => {
    it("register-issuer --safe prints a batch whose data is registerIssuer(issuer), sending nothing", async () => {
      const candidate = getAddress("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955");
      const before = await chainState();
      const run = await hardhat("onekey:register-issuer", "--issuer", candidate, "--safe");
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`registerIssuer simulated as ${signerAccount} \\(the contract's owner`));
      const batch = parseBatch(run.stdout);
      assert.equal(batch.meta.createdFromSafeAddress, signerAccount);
      const call = decoded(batch, kycRegistryAbi);
      assert.deepEqual(
        { to: call.to, value: call.value, functionName: call.functionName, args: call.args },
        { to: book().kyc.address, value: "0", functionName: "registerIssuer", args: [candidate] },
      );
      assert.deepEqual(call.tx.contractInputsValues, { issuer: candidate });
      assert.deepEqual(await chainState(), before);
      assert.equal(await client().readContract({ ...book().kyc, functionName: "isIssuer", args: [candidate] }), false);
    });

    it("--safe-out writes the batch to a file; payable calls carry their value; --from is the simulated Safe", async () => {
      const file = join(scratch, "stake.json");
      const before = await chainState();
      const out = await succeeds(
        ...["onekey:add-stake", "--amount", "1.5", "--unstake-delay", "2d"],
        ...["--safe-out", file, "--from", signerAccount],
      );
      assert.match(out, /Wrote a Safe Transaction Builder batch of 1 transaction to .*stake\.json/);
      const batch = parseBatch(readFileSync(file, "utf8"));
      assert.equal(batch.meta.createdFromSafeAddress, signerAccount);
      const call = decoded(batch, oneKeyPaymasterAbi);
      assert.deepEqual(
        { to: call.to, value: call.value, functionName: call.functionName, args: call.args },
        {
          to: book().paymaster.address,
          value: parseEther("1.5").toString(),
          functionName: "addStake",
          args: [172_800],
        },
      );
      assert.equal(call.tx.contractMethod.payable, true);
      assert.deepEqual(await chainState(), before);

      const rotation = parseBatch(await succeeds("onekey:begin-signer-rotation", "--signer", recipient, "--safe"));
      const rotationCall = decoded(rotation, oneKeyPaymasterAbi);
      assert.equal(rotationCall.functionName, "beginSignerRotation");
      assert.deepEqual(rotationCall.args, [recipient]);

      const reserve = parseBatch(
        await succeeds("onekey:withdraw-reserve", "--amount", "0.05", "--to", member, "--safe"),
      );
      assert.deepEqual(decoded(reserve, oneKeyPaymasterAbi).args, [member, parseEther("0.05")]);

      const removal = parseBatch(await succeeds("onekey:remove-issuer", "--issuer", issuer, "--safe"));
      assert.deepEqual(decoded(removal, kycRegistryAbi).args, [issuer]);

      // Governance suspends a project it does not administer, as a batch.
      const suspension = decoded(
        parseBatch(await succeeds("onekey:suspend-project", "--project", "foreign-app", "--safe")),
        projectRegistryAbi,
      );
      assert.deepEqual(
        { to: suspension.to, functionName: suspension.functionName, args: suspension.args },
        { to: book().project.address, functionName: "setProjectStatus", args: [foreignProject, 2] },
      );
      assert.equal(
        await client().readContract({ ...book().project, functionName: "projectStatus", args: [foreignProject] }),
        1,
      );
      assert.deepEqual(await chainState(), before);
    });

    it("revoke-attestation and deposit-reserve --safe: the subject's current uid, the deposit as value", async () => {
      const block = await client().getBlock();
      const attested = await rawCall(issuer, {
        ...book().kyc,
        functionName: "attest",
        args: [
          {
            subject,
            level: 1,
            expiresAt: Number(block.timestamp) + 86_400,
            storageNetwork: STORAGE_NETWORKS.irys,
            storageId: keccak256(toHex("storage 2")),
            ciphertextHash: keccak256(toHex("ciphertext 2")),
          },
        ],
      });
      const [created] = parseEventLogs({ abi: kycRegistryAbi, eventName: "AttestationCreated", logs: attested.logs });
      assert.ok(created);
      const before = await chainState();

      const revoke = decoded(
        parseBatch(await succeeds("onekey:revoke-attestation", "--subject", subject, "--safe")),
        kycRegistryAbi,
      );
      assert.deepEqual(
        { to: revoke.to, functionName: revoke.functionName, args: revoke.args },
        { to: book().kyc.address, functionName: "revoke", args: [created.args.uid] },
      );
      // Anyone may deposit: a Safe without ether simulates (lent the value) and is told to fund itself.
      const emptySafe = getAddress("0x000000000000000000000000000000000000dEaD");
      const run = await hardhat("onekey:deposit-reserve", "--amount", "2", "--safe", "--from", emptySafe);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`Note: ${emptySafe} holds 0 ETH, less than the 2 ETH this call sends`));
      const depositBatch = parseBatch(run.stdout);
      assert.equal(depositBatch.meta.createdFromSafeAddress, emptySafe);
      const deposit = decoded(depositBatch, oneKeyPaymasterAbi);
      assert.deepEqual(
        { to: deposit.to, value: deposit.value, functionName: deposit.functionName, args: deposit.args },
        { to: book().paymaster.address, value: parseEther("2").toString(), functionName: "depositReserve", args: [] },
      );

      assert.deepEqual(await chainState(), before);
      const attestation = await client().readContract({
        ...book().kyc,
        functionName: "getAttestation",
        args: [subject],
      });
      assert.equal(attestation.status, 1);
    });

    it("--safe-append gathers several governance calls into one batch (one round of signatures)", async () => {
      const file = join(scratch, "governance.json");
      const before = await chainState();
      await succeeds("onekey:begin-signer-rotation", "--signer", recipient, "--safe-append", file);
      const out = await succeeds("onekey:withdraw-reserve", "--amount", "0.05", "--to", member, "--safe-append", file);
      assert.match(
        out,
        /Added 1 transaction to the Safe Transaction Builder batch .*governance\.json, now 2 transactions/,
      );
      const batch = parseBatch(readFileSync(file, "utf8"), 2);
      const first = decoded(batch, oneKeyPaymasterAbi, 0);
      const second = decoded(batch, oneKeyPaymasterAbi, 1);
      assert.deepEqual(
        [
          { functionName: first.functionName, args: first.args },
          { functionName: second.functionName, args: second.args },
        ],
        [
          { functionName: "beginSignerRotation", args: [recipient] },
          { functionName: "withdrawReserve", args: [member, parseEther("0.05")] },
        ],
      );
      assert.deepEqual(await chainState(), before);

      const notABatch = join(scratch, "not-a-batch.json");
      writeFileSync(notABatch, "{}\n");
      await Promise.all([
        refused(
          ["onekey:deposit-reserve", "--amount", "1", "--safe-append", notABatch],
          `--safe-append: ${notABatch} is not a Safe Transaction Builder batch (version 1.0); nothing was added.`,
        ),
        refused(
          ["onekey:unlock-stake", "--safe-append", file, "--safe-out", notABatch],
          "Invalid argument: --safe-append does not go with --safe-out",
        ),
      ]);
      assert.equal(readFileSync(notABatch, "utf8"), "{}\n");
      assert.equal(parseBatch(readFileSync(file, "utf8"), 2).transactions.length, 2);
    });

    it("--safe simulates first: a call that would revert for the Safe prints no batch", async () => {
      await Promise.all([
        refused(
          ["onekey:add-stake", "--amount", "1", "--unstake-delay", "1d", "--safe", "--from", member],
          `addStake would revert, so nothing was sent: ${member} is not protocol governance (the contract's owner).`,
        ),
        refused(
          ["onekey:register-issuer", "--issuer", issuer, "--safe"],
          `registerIssuer would revert, so nothing was sent: ${issuer} is already a registered issuer.`,
        ),
        refused(
          ["onekey:complete-signer-rotation", "--safe"],
          "completeSignerRotation would revert, so nothing was sent: No sponsorship signer rotation is in progress",
        ),
        refused(
          ["onekey:register-issuer", "--issuer", member, "--from", signerAccount],
          "Invalid argument: --from only goes with --safe, --safe-out or --safe-append",
        ),
      ]);
    });
  });
});
