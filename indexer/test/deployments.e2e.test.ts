/**
 * Deployments: a new Ponder schema per deployment behind a stable views schema, `ponder serve`
 * read replicas, restarts on PGlite; the API's own tables survive all of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROLE } from "@onekey/devnet/onekey-chain";
import pg from "pg";
import type { Account } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type ApiResponse } from "../harness/api.js";
import { type PonderProcess, startPonder } from "../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { API_TABLES } from "./support/apiTables.js";
import { type ChainStack, eventually, startChainStack } from "./support/stack.js";

function expectNotIndexed(res: ApiResponse) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
}

let stack: ChainStack;
let orgId: bigint;
let projectId: bigint;
let lastBlock: bigint;

beforeAll(async () => {
  stack = await startChainStack();
  const owner = stack.onekey.account(2);
  orgId = await stack.onekey.createOrganization(owner);
  projectId = await stack.onekey.createProject(owner, orgId, "deploy-test");
  lastBlock = (await stack.onekey.grantConsent(stack.onekey.account(7), projectId)).blockNumber;
});

afterAll(async () => {
  await stack?.stop();
});

describe("PostgreSQL deployments", () => {
  let database: TestDatabase;
  const running: PonderProcess[] = [];
  /** The live deployment (schema deploy_2) once the first test has moved to it. */
  let writer: PonderProcess;
  const start = async (schema: string, command: "start" | "serve" = "start") => {
    const p = await startPonder({
      command,
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: stack.bookDir,
      database: { kind: "postgres", url: database.url },
      schema,
      viewsSchema: command === "start" ? "onekey" : undefined,
    });
    running.push(p);
    return p;
  };

  beforeAll(async () => {
    database = await createTestDatabase("onekey_deploy");
  });
  afterAll(async () => {
    for (const p of running) await p.stop();
    await database?.drop();
  });

  it("keeps API keys across a new deployment schema, and points the views schema at the newest", async () => {
    const first = await start("deploy_1");
    await first.waitForBlock(lastBlock);
    const api = new ApiClient(first.url);
    const session = await api.login(stack.onekey.account(2));
    const { key } = await api.createKey(session, projectId);
    expect((await api.get("/v1/project", key)).body).toMatchObject({ slug: "deploy-test", activeConsents: 1 });
    await first.stop();

    const second = await start("deploy_2");
    writer = second;
    await second.waitForBlock(lastBlock);
    const again = new ApiClient(second.url);
    expect((await again.get("/v1/project", key)).body).toMatchObject({ slug: "deploy-test", activeConsents: 1 });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const views = await client.query<{ slug: string }>("select slug from onekey.projects");
      expect(views.rows).toEqual([{ slug: "deploy-test" }]);
      const apiTables = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'onekey_api' order by 1",
      );
      expect(apiTables.rows.map((r) => r.table_name)).toEqual(
        [...API_TABLES, "api_migrations", "api_migrations_lock"].sort(),
      );
      // Ponder's deployment schemas hold only Ponder's tables.
      const leaked = await client.query(
        "select table_schema from information_schema.tables where table_name = 'api_keys' and table_schema <> 'onekey_api'",
      );
      expect(leaked.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it("serves the same answers from a `ponder serve` read replica", async () => {
    const replica = await start("deploy_2", "serve");
    const api = new ApiClient(writer.url);
    const session = await api.login(stack.onekey.account(2));
    const { key } = await api.createKey(session, projectId);
    const fromWriter = await api.get("/v1/project", key);
    const fromReplica = await new ApiClient(replica.url).get("/v1/project", key);
    expect(fromReplica.status).toBe(200);
    expect(fromReplica.body).toEqual(fromWriter.body);
  });

  it("writes tenant-relevant events to the outbox, keyed chainId:blockHash:logIndex", async () => {
    const chain = stack.onekey;
    const issuer = chain.account(1);
    const consenting = chain.account(7);
    const loner = chain.account(8);
    await chain.registerIssuer(issuer.address);
    const fannedOut = await chain.attest(issuer, { subject: consenting.address, level: 2 });
    const unwritten = await chain.attest(issuer, { subject: loner.address, level: 2 });
    await writer.waitForBlock(unwritten.receipt.blockNumber);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // Through the views schema, as the webhook worker reads it.
      const { rows } = await client.query<{ id: string; type: string; project_ids: string[]; subject: string | null }>(
        "select id, type, project_ids, subject from onekey.outbox order by block_number, log_index",
      );
      expect(rows.map((r) => [r.type, r.project_ids.map(String)])).toEqual([
        ["project.created", [projectId.toString()]],
        ["consent.granted", [projectId.toString()]],
        ["attestation.created", [projectId.toString()]],
      ]);
      const log = fannedOut.receipt.logs.find((l) => l.address.toLowerCase() === chain.kycRegistry.toLowerCase());
      expect(rows[2]).toMatchObject({
        id: `31337:${fannedOut.receipt.blockHash}:${log?.logIndex}`,
        subject: consenting.address.toLowerCase(),
      });
      // The second subject consents to no project: nobody to tell.
      expect(rows.some((r) => r.subject === loner.address.toLowerCase())).toBe(false);
    } finally {
      await client.end();
    }
  });

  it("indexes reader offers, acceptances and an org admin's removal into project_roles and the outbox", async () => {
    const chain = stack.onekey;
    const owner = chain.account(2);
    const reader = chain.account(4);
    const admin = chain.account(5);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const roleRow = async (account: Account) => {
      const { rows } = await client.query<{ roles: number; offered_roles: number }>(
        "select roles, offered_roles from onekey.project_roles where project_id = $1 and account = $2",
        [projectId.toString(), account.address.toLowerCase()],
      );
      return rows[0];
    };
    try {
      const start = await chain.blockNumber();
      await writer.waitForBlock((await chain.grantRole(owner, projectId, reader.address, ROLE.READER)).blockNumber);
      expect(await roleRow(reader)).toEqual({ roles: 0, offered_roles: ROLE.READER });
      await writer.waitForBlock((await chain.acceptRole(reader, projectId, ROLE.READER)).blockNumber);
      expect(await roleRow(reader)).toEqual({ roles: ROLE.READER, offered_roles: 0 });

      // An org admin makes itself project admin and sponsor manager; its removal takes both.
      await chain.setOrganizationAdmin(owner, orgId, admin.address, true);
      await chain.grantRole(admin, projectId, admin.address, ROLE.ADMIN);
      await writer.waitForBlock(
        (await chain.grantRole(admin, projectId, admin.address, ROLE.SPONSOR_MANAGER)).blockNumber,
      );
      expect(await roleRow(admin)).toEqual({ roles: ROLE.ADMIN | ROLE.SPONSOR_MANAGER, offered_roles: 0 });
      await writer.waitForBlock((await chain.setOrganizationAdmin(owner, orgId, admin.address, false)).blockNumber);
      expect(await roleRow(admin)).toEqual({ roles: 0, offered_roles: 0 });
      expect(await roleRow(reader)).toEqual({ roles: ROLE.READER, offered_roles: 0 });

      const { rows } = await client.query<{ type: string; project_ids: string[]; payload: Record<string, unknown> }>(
        "select type, project_ids, payload from onekey.outbox where block_number > $1 order by block_number, log_index",
        [start.toString()],
      );
      const id = projectId.toString();
      expect(rows.map((r) => [r.type, r.project_ids.map(String)])).toEqual([
        ["project.role_offered", [id]],
        ["project.role_granted", [id]],
        ["project.role_granted", [id]],
        ["project.role_granted", [id]],
        ["organization.roles_revoked", [id]],
      ]);
      expect(rows[0]?.payload).toEqual({ projectId: id, account: reader.address.toLowerCase(), role: ROLE.READER });
      expect(rows[4]?.payload).toEqual({ orgId: orgId.toString(), account: admin.address.toLowerCase() });

      // The registries' governance history, for the worker's chain trail: bigints as strings,
      // addresses lower-case, keyed like the outbox.
      const governance = await client.query<{ id: string; contract: string; name: string; args: unknown }>(
        "select id, contract, name, args from onekey.governance_events order by block_number, id",
      );
      const org = orgId.toString();
      const adminAddress = admin.address.toLowerCase();
      expect(governance.rows.map((r) => [r.contract, r.name, r.args])).toEqual([
        [
          "ProjectRegistry",
          "OrganizationCreated",
          { orgId: org, owner: owner.address.toLowerCase(), metadataURI: expect.any(String) },
        ],
        [
          "KycRegistry",
          "IssuerRegistered",
          { issuer: chain.account(1).address.toLowerCase(), issuerId: expect.any(Number) },
        ],
        ["ProjectRegistry", "OrganizationAdminSet", { orgId: org, account: adminAddress, enabled: true }],
        ["ProjectRegistry", "OrganizationAdminSet", { orgId: org, account: adminAddress, enabled: false }],
      ]);
      expect(governance.rows[0]?.id).toMatch(/^31337:0x[0-9a-f]{64}:\d+$/);
    } finally {
      await client.end();
    }
  });
});

describe("PGlite restart, on a network whose book has no paymaster yet", () => {
  let bookDir: string;
  beforeAll(() => {
    // The registries only, as on a network where the paymaster is not deployed yet.
    bookDir = mkdtempSync(join(tmpdir(), "onekey-book-registries-"));
    const { ProjectRegistry, KycRegistry } = stack.deployment.contracts;
    writeFileSync(
      join(bookDir, "local.json"),
      JSON.stringify({ ...stack.deployment, contracts: { ProjectRegistry, KycRegistry } }),
    );
  });
  afterAll(() => rmSync(bookDir, { recursive: true, force: true }));

  it("keeps the API's data and the indexed state across a restart on the same directories", async () => {
    const first = await startPonder({
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: bookDir,
      database: { kind: "pglite" },
      schema: "restart",
    });
    await first.waitForBlock(lastBlock);
    const api = new ApiClient(first.url);
    const { key } = await api.createKey(await api.login(stack.onekey.account(2)), projectId);

    // Without a paymaster in the book the registries alone are indexed.
    expectNotIndexed(await api.get("/v1/budget", key));
    await first.stop({ keepData: true });

    const second = await startPonder({
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: bookDir,
      database: { kind: "pglite" },
      schema: "restart",
      pgliteDirs: first.pgliteDirs,
    });
    try {
      // Unfinalized blocks (all of them on this short chain) are re-indexed after a restart:
      // wait for the project to be back rather than for the stored checkpoint.
      const api2 = new ApiClient(second.url);
      const res = await eventually(
        "the consent to be re-indexed",
        () => api2.get<{ activeConsents?: number }>("/v1/project", key),
        (r) => r.status === 401 || r.body.activeConsents === 1,
      );
      expect(res.body).toMatchObject({ slug: "deploy-test", activeConsents: 1 });
    } finally {
      await second.stop();
      if (first.pgliteDirs) rmSync(dirname(first.pgliteDirs.ponder), { recursive: true, force: true });
    }
  }, 300_000); // two PGlite starts (each initialises a WASM Postgres) and a re-index
});
