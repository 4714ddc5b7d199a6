/**
 * The admin commands (scripts/admin, Hardhat tasks) run as a user runs them: the Hardhat CLI in a
 * child process against `hardhat node`, with addresses from the deployment book the chain's deploy
 * wrote. Happy paths change the chain; bad arguments and would-revert calls print one clear
 * message, exit non-zero and send nothing.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { hardhatCli, repoRoot } from "@onekey/devnet/processes";
import { createPublicClient, createWalletClient, getAddress, http, parseEventLogs } from "viem";
import { kycRegistryAbi, projectRegistryAbi } from "../../deploy/abis.js";
import { describeContractError } from "../../deploy/errors.js";
import { projectRoles } from "../../scripts/admin/roles.js";

// hardhat node's well-known unlocked accounts #0..#3; #0 deployed OneKey and is governance.
const signerAccount = getAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const otherOwner = getAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const member = getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
const issuer = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");

interface TaskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let chain: LocalChain;
let scratch: string;
let bookDir: string;

/** Runs `hardhat <args>` against the test chain and its book (`--network localhost` unless given). */
function hardhat(...args: string[]): Promise<TaskRun> {
  const network = args.includes("--network") ? [] : ["--network", "localhost"];
  const child = spawn(process.execPath, [hardhatCli(), ...network, ...args], {
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

function client() {
  return createPublicClient({ transport: http(chain.rpcUrl) });
}

function registries() {
  const book = chain.deployment?.contracts;
  if (!book?.ProjectRegistry || !book.KycRegistry) throw new Error("chain started without a deployment");
  return {
    project: { address: book.ProjectRegistry.address, abi: projectRegistryAbi } as const,
    kyc: { address: book.KycRegistry.address, abi: kycRegistryAbi } as const,
  };
}

const project = () => registries().project;
const kyc = () => registries().kyc;

/** Everything a stray transaction would move: the signer's nonce, the chain head, the counters. */
async function chainState() {
  const c = client();
  const [nonce, block, organizations, projects] = await Promise.all([
    c.getTransactionCount({ address: signerAccount }),
    c.getBlockNumber(),
    c.readContract({ ...project(), functionName: "organizationCount" }),
    c.readContract({ ...project(), functionName: "projectCount" }),
  ]);
  return { nonce, block, organizations, projects };
}

/** Asserts the command fails with `message` on stderr and that the chain did not move. */
async function refused(args: string[], message: string | RegExp) {
  const before = await chainState();
  const run = await hardhat(...args);
  assert.equal(run.code, 1, `${args.join(" ")} should fail:\n${run.stdout}\n${run.stderr}`);
  if (typeof message === "string") assert.ok(run.stderr.includes(message), `stderr lacks "${message}":\n${run.stderr}`);
  else assert.match(run.stderr, message);
  // One clear line, not a stack trace.
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.doesNotMatch(run.stdout, /tx 0x/);
  assert.deepEqual(await chainState(), before);
}

describe("admin commands (Hardhat tasks against hardhat node)", () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "onekey-admin-test-"));
    bookDir = join(scratch, "book");
    chain = await startLocalChain({ deployBookDir: bookDir, ignitionDir: join(scratch, "ignition") });
  });

  after(async () => {
    await chain?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  describe("admin commands: happy paths change the chain", () => {
    it("onekey:create-org creates an organization owned by the signer or by --owner", async () => {
      const out = await succeeds("onekey:create-org", "--metadata", "ipfs://acme-org");
      assert.match(out, new RegExp(`Created organization 1 owned by ${signerAccount}; tx 0x[0-9a-f]{64}`));
      const org = await client().readContract({ ...project(), functionName: "getOrganization", args: [1n] });
      assert.deepEqual(org, {
        owner: signerAccount,
        pendingOwner: `0x${"0".repeat(40)}`,
        metadataURI: "ipfs://acme-org",
      });

      await succeeds("onekey:create-org", "--owner", otherOwner);
      const other = await client().readContract({ ...project(), functionName: "getOrganization", args: [2n] });
      assert.equal(other.owner, otherOwner);
    });

    it("onekey:create-project creates a project with its settings", async () => {
      const out = await succeeds(
        "onekey:create-project",
        ...["--org", "1", "--slug", "acme-app", "--level", "2"],
        ...["--issuers", issuer.toLowerCase(), "--metadata", "https://acme.example/onekey.json"],
      );
      assert.match(out, /Created project 1 "acme-app" in organization 1 \(level 2\)/);
      const created = await client().readContract({ ...project(), functionName: "getProject", args: [1n] });
      assert.deepEqual(created, {
        orgId: 1n,
        status: 1,
        slug: "acme-app",
        settings: { requiredLevel: 2, acceptedIssuers: [issuer], metadataURI: "https://acme.example/onekey.json" },
      });
    });

    it("onekey:set-org-admin enables and (--disable) disables an organization admin", async () => {
      const isAdmin = () =>
        client().readContract({ ...project(), functionName: "isOrganizationAdmin", args: [1n, member] });
      await succeeds("onekey:set-org-admin", "--org", "1", "--account", member);
      assert.equal(await isAdmin(), true);
      await succeeds("onekey:set-org-admin", "--org", "1", "--account", member, "--disable");
      assert.equal(await isAdmin(), false);
    });

    it("onekey:grant-role / revoke-role take the role by name and the project by slug or id", async () => {
      const rolesOf = () => client().readContract({ ...project(), functionName: "rolesOf", args: [1n, member] });
      const out = await succeeds("onekey:grant-role", "--project", "acme-app", "--account", member, "--role", "reader");
      // A reader role is an offer until the account accepts it with its own key.
      assert.match(
        out,
        new RegExp(`Offered reader on project 1 to ${member}; it holds the role once it calls acceptRole\\(1, 2\\)`),
      );
      assert.equal(await rolesOf(), 0);
      const memberWallet = createWalletClient({ account: member, transport: http(chain.rpcUrl) });
      await client().waitForTransactionReceipt({
        hash: await memberWallet.writeContract({
          ...project(),
          chain: null,
          functionName: "acceptRole",
          args: [1n, projectRoles.reader],
        }),
      });
      assert.equal(await rolesOf(), projectRoles.reader);
      await succeeds("onekey:grant-role", "--project", "1", "--account", member, "--role", "sponsor-manager");
      assert.equal(await rolesOf(), projectRoles.reader | projectRoles["sponsor-manager"]);
      assert.deepEqual(
        await client().readContract({ ...project(), functionName: "readerProjectsOf", args: [member] }),
        [1n],
      );
      await succeeds("onekey:revoke-role", "--project", "acme-app", "--account", member, "--role", "reader");
      assert.equal(await rolesOf(), projectRoles["sponsor-manager"]);
      assert.deepEqual(
        await client().readContract({ ...project(), functionName: "readerProjectsOf", args: [member] }),
        [],
      );
    });

    it("onekey:register-issuer / remove-issuer", async () => {
      const isIssuer = () => client().readContract({ ...kyc(), functionName: "isIssuer", args: [issuer] });
      const out = await succeeds("onekey:register-issuer", "--issuer", issuer);
      assert.match(out, new RegExp(`Registered issuer ${issuer} as issuer id 1`));
      assert.equal(await isIssuer(), true);
      await succeeds("onekey:remove-issuer", "--issuer", issuer);
      assert.equal(await isIssuer(), false);
    });

    it("onekey:suspend-project / reactivate-project", async () => {
      const status = () => client().readContract({ ...project(), functionName: "projectStatus", args: [1n] });
      await succeeds("onekey:suspend-project", "--project", "acme-app");
      assert.equal(await status(), 2);
      await succeeds("onekey:reactivate-project", "--project", "1");
      assert.equal(await status(), 1);
    });

    it("onekey:status prints the project and an account's roles as JSON, sending nothing", async () => {
      const before = await chainState();
      const out = await succeeds("onekey:status", "--project", "acme-app", "--account", member);
      assert.deepEqual(JSON.parse(out), {
        project: {
          projectId: "1",
          orgId: "1",
          slug: "acme-app",
          status: "active",
          suspendedByGovernance: false,
          requiredLevel: 2,
          acceptedIssuers: [issuer],
          metadataURI: "https://acme.example/onekey.json",
          account: member,
          roles: ["sponsor-manager"],
        },
      });
      const subject = JSON.parse(await succeeds("onekey:status", "--subject", member, "--project", "1"));
      assert.equal(subject.subject.attestation.status, "none");
      assert.deepEqual(subject.subject.project, { projectId: "1", consents: false, meetsPolicy: false });
      assert.deepEqual(await chainState(), before);
    });
  });

  describe("admin commands: bad arguments are refused before anything is sent", () => {
    it("names the bad option: address, role, slug, missing option, level, issuers", async () => {
      // These send nothing, so they may run side by side.
      await Promise.all([
        refused(
          ["onekey:grant-role", "--project", "1", "--account", "0x1234", "--role", "reader"],
          'Invalid argument: --account must be an address (0x and 40 hex digits, checksummed if mixed case), got "0x1234"',
        ),
        refused(
          ["onekey:grant-role", "--project", "1", "--account", member, "--role", "owner"],
          'Invalid argument: --role must be one of admin, reader, sponsor-manager, got "owner"',
        ),
        refused(
          ["onekey:create-project", "--org", "1", "--slug", "Acme_App", "--level", "2"],
          `Invalid argument: --slug must be 3-64 characters of a-z, 0-9 and '-', not starting or ending with '-', got "Acme_App"`,
        ),
        refused(["onekey:create-project", "--org", "1", "--level", "2"], "Invalid argument: --slug is required"),
        refused(
          ["onekey:create-project", "--org", "one", "--slug", "fine-slug", "--level", "256", "--issuers", "0xnope"],
          /Invalid arguments:\n {2}--org must be a positive whole number, got "one"\n {2}--level must be from 1 to 255, got 256\n {2}--issuers lists "0xnope", which is not an address/,
        ),
        // A mixed-case address with a wrong checksum is a typo, not an address.
        refused(
          ["onekey:register-issuer", "--issuer", issuer.replace("F79", "f79")],
          "Invalid argument: --issuer must be an address",
        ),
      ]);
    });

    it("refuses an unknown project slug and a network without a OneKey deployment", async () => {
      await refused(
        ["onekey:suspend-project", "--project", "no-such-app"],
        '--project: no project has the slug "no-such-app"',
      );
      const run = await hardhat("onekey:status", "--network", "default");
      assert.equal(run.code, 1);
      assert.match(run.stderr, /OneKey admin commands need --network localhost \| baseSepolia \| base/);
    });
  });

  describe("admin commands: would-revert calls print the contract's error and send nothing", () => {
    let foreignProject: bigint;

    before(async () => {
      // A project in organization 2, created by its owner (an unlocked node account), so the
      // commands' signer is not its admin.
      const wallet = createWalletClient({ account: otherOwner, transport: http(chain.rpcUrl) });
      const hash = await wallet.writeContract({
        ...project(),
        chain: null,
        functionName: "createProject",
        args: [2n, "other-app", { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" }],
      });
      const receipt = await client().waitForTransactionReceipt({ hash });
      const [created] = parseEventLogs({ abi: projectRegistryAbi, eventName: "ProjectCreated", logs: receipt.logs });
      assert.ok(created);
      foreignProject = created.args.projectId;
    });

    it("grant-role by a non-admin: NotProjectAdmin(projectId, signer)", async () => {
      await refused(
        ["onekey:grant-role", "--project", "other-app", "--account", member, "--role", "admin"],
        `Error: grantRole would revert, so nothing was sent: ${signerAccount} may not manage project ${foreignProject}: it is not a project admin nor an admin of its organization.`,
      );
      const roles = await client().readContract({
        ...project(),
        functionName: "rolesOf",
        args: [foreignProject, member],
      });
      assert.equal(roles, 0);
    });

    it("create-project in someone else's organization, a duplicate issuer, an unchanged status", async () => {
      await succeeds("onekey:register-issuer", "--issuer", issuer);
      // These send nothing, so they may run side by side.
      await Promise.all([
        refused(
          ["onekey:create-project", "--org", "2", "--slug", "sneaky-app", "--level", "1"],
          `createProject would revert, so nothing was sent: ${signerAccount} is neither owner nor admin of organization 2.`,
        ),
        refused(
          ["onekey:create-project", "--org", "1", "--slug", "acme-app", "--level", "1"],
          'createProject would revert, so nothing was sent: The slug "acme-app" is already used by project 1.',
        ),
        refused(
          ["onekey:register-issuer", "--issuer", issuer],
          `registerIssuer would revert, so nothing was sent: ${issuer} is already a registered issuer.`,
        ),
        refused(
          ["onekey:reactivate-project", "--project", "acme-app"],
          "setProjectStatus would revert, so nothing was sent: Project 1 is already active.",
        ),
      ]);
    });

    it("a governance suspension shows in onekey:status and only governance lifts it", async () => {
      // The signer is governance but not an admin of organization 2; otherOwner owns it.
      await succeeds("onekey:suspend-project", "--project", "other-app");
      const shown = async () => JSON.parse(await succeeds("onekey:status", "--project", "other-app")).project;
      assert.deepEqual(await shown(), {
        projectId: String(foreignProject),
        orgId: "2",
        slug: "other-app",
        status: "suspended",
        suspendedByGovernance: true,
        requiredLevel: 1,
        acceptedIssuers: [],
        metadataURI: "",
      });
      await assert.rejects(
        client().simulateContract({
          ...project(),
          account: otherOwner,
          functionName: "setProjectStatus",
          args: [foreignProject, 1],
        }),
        (error: unknown) => {
          assert.equal(
            describeContractError(error),
            `Project ${foreignProject} was suspended by protocol governance: only governance can change its status.`,
          );
          return true;
        },
      );
      await succeeds("onekey:reactivate-project", "--project", "other-app");
      const lifted = await shown();
      assert.equal(lifted.status, "active");
      assert.equal(lifted.suspendedByGovernance, false);
    });
  });
});
