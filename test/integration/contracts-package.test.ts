/**
 * @onekey/contracts as a tenant gets it: `npm pack` the package (its prepack copies the Solidity
 * from contracts/ and generates the addresses from a deployment book), install the tarball into an
 * empty folder, compile a consumer against it with solc-js the way Foundry does (a remapping into
 * node_modules), then deploy the consumer on a local OneKey chain and call its gated functions as
 * verified and unverified accounts.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GENERATED, packageDir } from "@onekey/deploy/tools/contracts-package";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { OneKeyChain } from "@onekey/devnet/onekey-chain";
import { repoRoot } from "@onekey/devnet/processes";
import {
  type Abi,
  type Account,
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  getAddress,
  type Hex,
  http,
} from "viem";
import { hardhat } from "viem/chains";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string, callbacks: object): string; version(): string };

// A made-up Base Sepolia entry for the book the package is packed from (the checked-in book has
// no public deployment yet), and a local one that must never be published.
const SEPOLIA_KYC = getAddress("0x1111111111111111111111111111111111111111");
const SEPOLIA_PROJECTS = getAddress("0x2222222222222222222222222222222222222222");
const SEPOLIA_PAYMASTER = getAddress("0x3333333333333333333333333333333333333333");

const CONSUMER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OneKeyGated} from "@onekey/contracts/consumer/OneKeyGated.sol";
import {IKycRegistry} from "@onekey/contracts/interfaces/IKycRegistry.sol";
import {OneKeyAddresses} from "@onekey/contracts/OneKeyAddresses.sol";

contract Club is OneKeyGated {
    mapping(address => uint256) public visits;

    constructor(IKycRegistry registry_, uint64 projectId_) OneKeyGated(registry_, projectId_) {}

    function join() external onlyVerifiedFor(2) { visits[msg.sender] += 1; }
    function enter() external onlyVerified(1) { visits[msg.sender] += 10; }
    function vote() external onlyProjectPolicy { visits[msg.sender] += 100; }
}

contract AddressBook {
    function kyc(uint256 chainId) external pure returns (address) { return address(OneKeyAddresses.kycRegistry(chainId)); }
    function projects(uint256 chainId) external pure returns (address) { return address(OneKeyAddresses.projectRegistry(chainId)); }
    function paymaster(uint256 chainId) external pure returns (address) { return OneKeyAddresses.oneKeyPaymaster(chainId); }
    function deployed(uint256 chainId) external pure returns (bool) { return OneKeyAddresses.isDeployed(chainId); }
}
`;

// Every published source, compiled on its own too, including the paymaster interface with its
// optional peer dependency installed.
const PUBLISHED_ENTRY = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {VerifiedVault} from "@onekey/contracts/examples/VerifiedVault.sol";
import {IOneKeyPaymaster} from "@onekey/contracts/interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "@onekey/contracts/interfaces/IProjectRegistry.sol";
`;

interface Compiled {
  abi: Abi;
  evm: { bytecode: { object: string } };
}

/**
 * Standard JSON through solc-js. `foundry`: as Foundry resolves imports, a remapping into
 * node_modules and files read from `dir`. `npm`: as Hardhat does, the import path is the package
 * path and the callback reads it from `dir`/node_modules.
 */
function compile(dir: string, sources: Record<string, string>, style: "foundry" | "npm" = "foundry") {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: {
      remappings:
        style === "foundry"
          ? [
              "@onekey/contracts/=node_modules/@onekey/contracts/",
              "@account-abstraction/contracts/=node_modules/@account-abstraction/contracts/",
            ]
          : [],
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const read = (path: string) => {
    const file = style === "foundry" ? join(dir, path) : join(dir, "node_modules", path);
    return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `not found: ${file}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: read })) as {
    errors?: { severity: string; formattedMessage: string }[];
    sources?: Record<string, unknown>;
    contracts?: Record<string, Record<string, Compiled>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error").map((e) => e.formattedMessage);
  return { errors, sources: Object.keys(output.sources ?? {}), contracts: output.contracts ?? {} };
}

/** One compiled contract, or a failed assertion naming it. */
function contractIn(output: ReturnType<typeof compile>, file: string, name: string): Compiled {
  const contract = output.contracts[file]?.[name];
  assert.ok(contract, `${file}:${name} compiled`);
  return contract;
}

/** The custom error a call reverted with, decoded through `abi`. */
async function revertOf(call: Promise<unknown>): Promise<{ errorName?: string; args?: readonly unknown[] }> {
  try {
    await call;
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      return { errorName: reverted.data.errorName, args: reverted.data.args };
    }
    throw error;
  }
  assert.fail("the call did not revert");
}

describe("@onekey/contracts, packed", () => {
  let scratch: string;
  let consumerDir: string;
  let tarballFiles: string[];
  let compiled: ReturnType<typeof compile>;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "onekey-contracts-pkg-"));
    const book = join(scratch, "book");
    mkdirSync(book);
    const entry = (address: string, startBlock: number) => ({ address, startBlock });
    writeFileSync(
      join(book, "baseSepolia.json"),
      JSON.stringify({
        network: "baseSepolia",
        chainId: 84532,
        contracts: {
          ProjectRegistry: entry(SEPOLIA_PROJECTS.toLowerCase(), 100),
          KycRegistry: entry(SEPOLIA_KYC.toLowerCase(), 101),
          OneKeyPaymaster: entry(SEPOLIA_PAYMASTER.toLowerCase(), 102),
        },
      }),
    );
    writeFileSync(
      join(book, "local.json"),
      JSON.stringify({ network: "local", chainId: 31337, contracts: { KycRegistry: entry(SEPOLIA_KYC, 1) } }),
    );

    const packed = join(scratch, "packed");
    mkdirSync(packed);
    execFileSync("npm", ["pack", "--pack-destination", packed], {
      cwd: packageDir,
      env: { ...process.env, ONEKEY_DEPLOY_BOOK_DIR: book },
      stdio: "pipe",
    });
    const tarball = join(packed, "onekey-contracts-0.1.0.tgz");
    tarballFiles = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""))
      .sort();

    consumerDir = join(scratch, "consumer");
    mkdirSync(consumerDir);
    writeFileSync(join(consumerDir, "package.json"), JSON.stringify({ name: "tenant", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], {
      cwd: consumerDir,
      stdio: "pipe",
    });
    // The optional peer, as a tenant that uses IOneKeyPaymaster installs it (0.7.0, aliased here).
    cpSync(
      join(repoRoot, "node_modules", "@account-abstraction", "contracts-v07"),
      join(consumerDir, "node_modules", "@account-abstraction", "contracts"),
      { recursive: true },
    );
    compiled = compile(consumerDir, { "src/Club.sol": CONSUMER, "src/Published.sol": PUBLISHED_ENTRY });
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("publishes the interfaces, OneKeyGated, the example and the public addresses, and leaves the tree clean", () => {
    assert.deepEqual(tarballFiles, [
      "LICENSE",
      "OneKeyAddresses.sol",
      "README.md",
      "consumer/OneKeyGated.sol",
      "deployments/baseSepolia.json",
      "examples/VerifiedVault.sol",
      "interfaces/IKycRegistry.sol",
      "interfaces/IOneKeyPaymaster.sol",
      "interfaces/IProjectRegistry.sol",
      "interfaces/OneKeyErrors.sol",
      "package.json",
    ]);
    // One copy of the Solidity: the published files are contracts/'s, byte for byte (imports of
    // EntryPoint v0.7 spelled with the peer dependency's real name).
    const installed = join(consumerDir, "node_modules", "@onekey", "contracts");
    for (const path of ["consumer/OneKeyGated.sol", "interfaces/IKycRegistry.sol", "examples/VerifiedVault.sol"]) {
      assert.equal(
        readFileSync(join(installed, path), "utf8"),
        readFileSync(join(repoRoot, "contracts", path), "utf8"),
      );
    }
    const paymaster = readFileSync(join(installed, "interfaces/IOneKeyPaymaster.sol"), "utf8");
    assert.match(paymaster, /"@account-abstraction\/contracts\/interfaces\/IPaymaster\.sol"/);
    assert.doesNotMatch(paymaster, /contracts-v07/);
    const sepolia = JSON.parse(readFileSync(join(installed, "deployments/baseSepolia.json"), "utf8"));
    assert.equal(sepolia.chainId, 84532);
    assert.equal(sepolia.contracts.KycRegistry.address, SEPOLIA_KYC.toLowerCase());
    // postpack removed what prepack wrote: contracts/ stays the only copy in the repository.
    for (const path of GENERATED) assert.equal(existsSync(join(packageDir, path)), false, path);
  });

  it("a consumer compiles against the installed tarball with a Foundry remapping", () => {
    assert.deepEqual(compiled.errors, []);
    assert.ok(compiled.sources.includes("node_modules/@onekey/contracts/consumer/OneKeyGated.sol"));
    assert.ok(compiled.sources.includes("node_modules/@account-abstraction/contracts/interfaces/IPaymaster.sol"));
    const club = contractIn(compiled, "src/Club.sol", "Club");
    const names = (type: string) =>
      club.abi
        .filter((item) => item.type === type)
        .map((item) => ("name" in item ? item.name : ""))
        .sort();
    assert.deepEqual(names("function"), ["enter", "join", "projectId", "registry", "visits", "vote"]);
    assert.deepEqual(names("error"), ["NotVerified", "NotVerifiedFor", "ProjectPolicyNotMet", "ZeroAddress"]);
    contractIn(compiled, "node_modules/@onekey/contracts/examples/VerifiedVault.sol", "VerifiedVault");
  });

  it("the same consumer compiles with the package's import paths resolved from node_modules (Hardhat's way)", () => {
    const npm = compile(consumerDir, { "src/Club.sol": CONSUMER, "src/Published.sol": PUBLISHED_ENTRY }, "npm");
    assert.deepEqual(npm.errors, []);
    assert.ok(npm.sources.includes("@onekey/contracts/consumer/OneKeyGated.sol"));
    assert.ok(npm.sources.includes("@onekey/contracts/interfaces/IKycRegistry.sol"));
    const abi = (output: ReturnType<typeof compile>) => contractIn(output, "src/Club.sol", "Club").abi;
    assert.deepEqual(abi(npm), abi(compiled));
  });

  describe("on a local OneKey chain", () => {
    let chain: LocalChain;
    let onekey: OneKeyChain;
    let projectId: bigint;
    let club: Hex;
    let book: Hex;
    let member: Account;
    let levelOne: Account;
    let stranger: Account;

    async function deploy(name: "Club" | "AddressBook", args: unknown[]): Promise<Hex> {
      const { abi, evm } = contractIn(compiled, "src/Club.sol", name);
      const wallet = createWalletClient({ account: onekey.account(0), chain: hardhat, transport: http(chain.rpcUrl) });
      const hash = await wallet.deployContract({ abi, bytecode: `0x${evm.bytecode.object}`, args });
      const receipt = await onekey.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      assert.ok(receipt.contractAddress);
      return receipt.contractAddress;
    }

    const clubAbi = () => contractIn(compiled, "src/Club.sol", "Club").abi;
    const call = (from: Account, functionName: "join" | "enter" | "vote") =>
      onekey.send(from, { address: club, abi: clubAbi() }, functionName, []);
    const visits = (account: Account) =>
      onekey.client.readContract({ address: club, abi: clubAbi(), functionName: "visits", args: [account.address] });

    before(async () => {
      chain = await startLocalChain({ ignitionDir: join(scratch, "ignition"), deployBookDir: join(scratch, "local") });
      assert.ok(chain.deployment);
      onekey = new OneKeyChain(chain.rpcUrl, chain.deployment);
      const [owner, issuer] = [onekey.account(1), onekey.account(2)];
      [member, levelOne, stranger] = [onekey.account(3), onekey.account(4), onekey.account(5)];
      await onekey.registerIssuer(issuer.address);
      const orgId = await onekey.createOrganization(owner);
      projectId = await onekey.createProject(owner, orgId, "club", { requiredLevel: 2 });
      await onekey.attest(issuer, { subject: member.address, level: 2 });
      await onekey.attest(issuer, { subject: levelOne.address, level: 1 });
      await onekey.grantConsent(member, projectId);
      await onekey.grantConsent(levelOne, projectId);
      club = await deploy("Club", [onekey.kycRegistry, projectId]);
      book = await deploy("AddressBook", []);
    });

    after(async () => {
      await chain?.stop();
    });

    it("onlyVerifiedFor admits a verified, consenting account and refuses the others by name", async () => {
      await call(member, "join");
      assert.equal(await visits(member), 1n);
      assert.deepEqual(await revertOf(call(stranger, "join")), {
        errorName: "NotVerifiedFor",
        args: [stranger.address, 2, projectId],
      });
      // Verified and consenting, but below the level the function asks for.
      assert.deepEqual(await revertOf(call(levelOne, "join")), {
        errorName: "NotVerifiedFor",
        args: [levelOne.address, 2, projectId],
      });
    });

    it("onlyVerified asks for the level only", async () => {
      await call(levelOne, "enter");
      assert.equal(await visits(levelOne), 10n);
      assert.deepEqual(await revertOf(call(stranger, "enter")), {
        errorName: "NotVerified",
        args: [stranger.address, 1],
      });
    });

    it("onlyProjectPolicy follows the project's settings, and consent withdrawal shuts the gate", async () => {
      await call(member, "vote");
      assert.equal(await visits(member), 101n);
      // The project requires level 2: a level-1 attestation does not meet its policy.
      assert.deepEqual(await revertOf(call(levelOne, "vote")), {
        errorName: "ProjectPolicyNotMet",
        args: [levelOne.address, projectId],
      });
      await onekey.revokeConsent(member, projectId);
      assert.deepEqual(await revertOf(call(member, "vote")), {
        errorName: "ProjectPolicyNotMet",
        args: [member.address, projectId],
      });
      assert.equal(await visits(member), 101n);
    });

    it("OneKeyAddresses answers from the book it was packed with, and reverts elsewhere", async () => {
      const { abi } = contractIn(compiled, "src/Club.sol", "AddressBook");
      const read = (functionName: string, chainId: bigint) =>
        onekey.client.readContract({ address: book, abi, functionName, args: [chainId] });
      assert.equal(await read("kyc", 84532n), SEPOLIA_KYC);
      assert.equal(await read("projects", 84532n), SEPOLIA_PROJECTS);
      assert.equal(await read("paymaster", 84532n), SEPOLIA_PAYMASTER);
      assert.equal(await read("deployed", 84532n), true);
      // The local chain is never published, nor is a network missing from the book.
      assert.equal(await read("deployed", 31337n), false);
      assert.deepEqual(await revertOf(read("kyc", 31337n)), { errorName: "OneKeyNotDeployed", args: [31337n] });
      assert.deepEqual(await revertOf(read("kyc", 8453n)), { errorName: "OneKeyNotDeployed", args: [8453n] });
    });
  });
});
