/**
 * The world the tenant API's end-to-end suites share: a local chain with OneKey deployed through
 * Ignition, and, once on PGlite and once on PostgreSQL, Ponder as a child process with two
 * organizations, four projects, admins, an outsider, sessions and API keys.
 */

import { type OneKeyChain, ROLE } from "@onekey/devnet/onekey-chain";
import type { Account, Address } from "viem";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { ApiClient, type ApiResponse } from "../../harness/api.js";
import { type PonderProcess, startPonder } from "../../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../../harness/postgres.js";
import { paymasterOf } from "./paymaster.js";
import { type ChainStack, startChainStack } from "./stack.js";

/** Tenant calls per project per window in these suites (small, so the limit can be reached). */
export const RATE_LIMIT = 100;

export function expectError(res: ApiResponse, status: number, code: string, field?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: field ? { code, field } : { code } },
  });
}

export interface ApiWorld {
  kind: "pglite" | "postgres";
  stack: ChainStack;
  onekey: OneKeyChain;
  issuer: Account;
  paymaster: Address;
  ponder: PonderProcess;
  api: ApiClient;
  /** Org A's owner; B's owner; an admin of project A by role; an account with no rights. */
  ownerA: Account;
  ownerB: Account;
  roleAdmin: Account;
  outsider: Account;
  /** Org A (owned by ownerA). */
  orgA: bigint;
  /** A (org A, level 2), B (org B), C and D (org A). */
  projectA: bigint;
  projectB: bigint;
  projectC: bigint;
  projectD: bigint;
  /** Sessions of roleAdmin (A) and ownerB (B); `read` keys of A, B and C. */
  sessionA: string;
  sessionB: string;
  keyA: string;
  keyB: string;
  keyBId: string;
  keyC: string;
  /** Every secret handed out, and every subject used: the logs must hold none of them. */
  secrets: string[];
  subjectAddresses: Address[];
  newSubject(): Promise<Account>;
  indexed(receipt: { blockNumber: bigint }): Promise<void>;
}

/**
 * Declares `body` once per storage kind, each against its own Ponder on one chain started for the
 * file. `body` reads the world when its tests run (it is filled in by the hooks).
 */
export function describeApiWorld(title: string, body: (world: ApiWorld) => void): void {
  let stack: ChainStack;
  beforeAll(async () => {
    stack = await startChainStack();
    await stack.onekey.registerIssuer(stack.onekey.account(1).address);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(["pglite", "postgres"] as const)(`${title} on %s`, (kind) => {
    const world = { kind, secrets: [], subjectAddresses: [] } as unknown as ApiWorld;
    let database: TestDatabase | undefined;

    beforeAll(async () => {
      const chain = stack.onekey;
      Object.assign(world, {
        stack,
        onekey: chain,
        issuer: chain.account(1),
        paymaster: paymasterOf(stack),
        ownerA: chain.account(2),
        ownerB: chain.account(3),
        roleAdmin: chain.account(4),
        outsider: chain.account(5),
        newSubject: async () => {
          const account = await chain.newAccount();
          world.subjectAddresses.push(account.address);
          return account;
        },
        indexed: (receipt: { blockNumber: bigint }) => world.ponder.waitForBlock(receipt.blockNumber),
      });
      const orgA = await chain.createOrganization(world.ownerA);
      world.orgA = orgA;
      const orgB = await chain.createOrganization(world.ownerB);
      world.projectA = await chain.createProject(world.ownerA, orgA, `alpha-${kind}`, { requiredLevel: 2 });
      world.projectB = await chain.createProject(world.ownerB, orgB, `beta-${kind}`);
      world.projectC = await chain.createProject(world.ownerA, orgA, `gamma-${kind}`);
      world.projectD = await chain.createProject(world.ownerA, orgA, `delta-${kind}`);
      const last = await chain.grantRole(world.ownerA, world.projectA, world.roleAdmin.address, ROLE.ADMIN);

      if (kind === "postgres") database = await createTestDatabase("onekey_e2e");
      world.ponder = await startPonder({
        rpcUrl: stack.chain.rpcUrl,
        deployBookDir: stack.bookDir,
        database: database ? { kind: "postgres", url: database.url } : { kind: "pglite" },
        schema: `e2e_${kind}`,
        env: {
          ONEKEY_API_RATE_LIMIT_POINTS: String(RATE_LIMIT),
          ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
        },
      });
      const api = new ApiClient(world.ponder.url);
      world.api = api;
      await world.indexed(last);

      world.sessionA = await api.login(world.roleAdmin);
      world.sessionB = await api.login(world.ownerB);
      world.keyA = (await api.createKey(world.sessionA, world.projectA, { name: "alpha reader" })).key;
      const b = await api.createKey(world.sessionB, world.projectB);
      world.keyB = b.key;
      world.keyBId = b.id;
      world.keyC = (await api.createKey(await api.login(world.ownerA), world.projectC)).key;
      world.secrets.push(world.sessionA, world.sessionB, world.keyA, world.keyB, world.keyC);
    });

    afterAll(async () => {
      await world.ponder?.stop();
      await database?.drop();
    });

    body(world);
  });
}

/**
 * The API's log lines are structured JSON and hold no key, token or subject address handed out in
 * the file's tests.
 */
export function expectCleanLogs(world: ApiWorld, minRequests: number): void {
  const logs = world.ponder.logs();
  const apiLines = logs
    .split("\n")
    .filter((l) => l.includes('"service":"onekey-api"'))
    .map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number });
  expect(apiLines.filter((l) => l.msg === "request").length).toBeGreaterThan(minRequests);
  expect(world.secrets.length).toBeGreaterThan(4);
  for (const secret of world.secrets) expect(logs).not.toContain(secret);
  for (const address of world.subjectAddresses) {
    expect(logs).not.toContain(address);
    expect(logs).not.toContain(address.toLowerCase());
  }
  expect(logs).not.toMatch(/okk_[A-Za-z0-9_-]{43}|oks_[A-Za-z0-9_-]{43}/);
}
