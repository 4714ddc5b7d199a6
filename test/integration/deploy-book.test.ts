/**
 * The deployment book: the entry `startLocalChain` writes (through scripts/deploy.ts and
 * Ignition) matches its Ignition journal and the chain, and the checked-in book is current.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { deploymentFromIgnition } from "@onekey/deploy/tools/book";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { repoRoot } from "@onekey/devnet/processes";
import { createPublicClient, http } from "viem";
import { readDeployment } from "../../deploy/deployment.js";
import { networks } from "../../deploy/networks.js";

describe("deployment book", () => {
  let chain: LocalChain;
  let scratch: string;
  let ignitionDeployment: string;
  let bookDir: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "onekey-book-test-"));
    bookDir = join(scratch, "book");
    chain = await startLocalChain({ ignitionDir: join(scratch, "ignition"), deployBookDir: bookDir });
    ignitionDeployment = join(scratch, "ignition", "deployments", networks.local.deploymentId);
  });

  after(async () => {
    await chain?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("deploymentFromIgnition reads addresses and start blocks from a real Ignition deployment", async () => {
    const fromJournal = deploymentFromIgnition("local", ignitionDeployment);
    assert.deepEqual(Object.keys(fromJournal.contracts).sort(), [
      "EntryPointV07",
      "EntryPointV08",
      "KycRegistry",
      "OneKeyPaymaster",
      "ProjectRegistry",
      "SimpleAccountFactoryV07",
    ]);
    assert.equal(fromJournal.chainId, chain.chainId);
    // The same entry the deploy script printed and wrote, and readDeployment finds it by env dir.
    assert.deepEqual(fromJournal, chain.deployment);
    assert.deepEqual(readDeployment("local", bookDir), fromJournal);
    const previous = process.env.ONEKEY_DEPLOY_BOOK_DIR;
    process.env.ONEKEY_DEPLOY_BOOK_DIR = bookDir;
    try {
      assert.deepEqual(readDeployment("local"), fromJournal);
    } finally {
      if (previous === undefined) delete process.env.ONEKEY_DEPLOY_BOOK_DIR;
      else process.env.ONEKEY_DEPLOY_BOOK_DIR = previous;
    }

    // Each start block is the block that created the contract: no code before it, code at it.
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    for (const [name, { address, startBlock }] of Object.entries(fromJournal.contracts)) {
      assert.ok(startBlock > 0, `${name} start block`);
      const before = await client.getCode({ address, blockNumber: BigInt(startBlock - 1) });
      const at = await client.getCode({ address, blockNumber: BigInt(startBlock) });
      assert.equal(before ?? "0x", "0x", `${name} has code before its start block`);
      assert.ok(at && at.length > 2, `${name} has no code at its start block`);
    }
  });

  it("refuses a deployment whose journal lacks a contract's receipt", () => {
    const broken = join(scratch, "broken");
    cpSync(ignitionDeployment, broken, { recursive: true });
    const journal = join(broken, "journal.jsonl");
    const kept = readFileSync(journal, "utf8")
      .split("\n")
      .filter((line) => !(line.includes('"TRANSACTION_CONFIRM"') && line.includes("OneKey#KycRegistry")));
    writeFileSync(journal, kept.join("\n"));
    assert.throws(() => deploymentFromIgnition("local", broken), {
      message: `No deployment receipt for OneKey#KycRegistry in ${broken}`,
    });
  });

  it("readDeployment names the missing file and how to create it", () => {
    const empty = join(scratch, "empty");
    assert.throws(() => readDeployment("local", empty), {
      message: `No OneKey deployment for local in ${join(empty, "local.json")} (run \`npm run dev\` first)`,
    });
  });

  it("`npm run deploy:book -- --check` passes on the repository", async () => {
    const child = spawn("npm", ["run", "-s", "deploy:book", "--", "--check"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    assert.equal(code, 0, output);
    assert.match(output, /Deployment book is current\./);
  });
});
