/**
 * The chain trail through the real pipeline on PostgreSQL, over a views schema shaped as Ponder
 * writes it (checkpoint, outbox, paymaster_events, governance_events): governance and role changes enter the audit
 * trail once final, exactly once, with the right action, actor, target and project; unfinalized
 * and reorged ones never do, nor do subjects' own events or addresses; a second worker adds
 * nothing; the chains still verify.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { retentionClassOf } from "../../../db/auditClasses.js";
import { verifyAuditChain } from "../../../db/auditVerify.js";
import { migrate } from "../../../db/migrator.js";
import { TRAIL_BATCH } from "../../../webhooks/worker/chainTrail.js";
import type { WorkerConfig } from "../../../webhooks/worker/config.js";
import { Pipeline } from "../../../webhooks/worker/pipeline.js";
import { openTestApiDb, type TestApiDb } from "../../support/testApiDb.js";

const VIEWS = "trail_views";
const CHAIN_ID = 31337;
const T0 = 1_800_000_000;
const ISSUER = "0x00000000000000000000000000000000000155e7";
const OWNER = "0x0000000000000000000000000000000000060ff0";
const MEMBER = "0x000000000000000000000000000000000000b0b0";
const SUBJECT = "0x5ab1ec7000000000000000000000000000000000";
const PAYMASTER = "0x00000000000000000000000000000000000000aa";
const config = { chainId: CHAIN_ID, viewsSchema: VIEWS, apiSchema: "onekey_api_test", defaultConfirmations: null };

/** Ponder's checkpoint: block timestamp (10 digits), chain id (16), block number (16), then the rest. */
const checkpoint = (block: number) =>
  `${String(T0 + block * 2)}${String(CHAIN_ID).padStart(16, "0")}${String(block).padStart(16, "0")}`.padEnd(75, "0");

describe("the chain trail", () => {
  let test: TestApiDb;
  const db = () => test.store.db;
  const worker = () => new Pipeline(db(), config as WorkerConfig);
  let hash = 0;

  async function head(latest: number, finalized: number) {
    await sql`DELETE FROM ${sql.table(`${VIEWS}._ponder_checkpoint`)}`.execute(db());
    await sql`INSERT INTO ${sql.table(`${VIEWS}._ponder_checkpoint`)} VALUES (${CHAIN_ID}, ${checkpoint(latest)}, ${checkpoint(finalized)})`.execute(
      db(),
    );
  }

  /** An outbox row as a Ponder handler writes it; returns its id. */
  async function outbox(block: number, type: string, projectIds: number[], payload: Record<string, unknown>) {
    const blockHash = `0x${(hash++).toString(16).padStart(64, "b")}`;
    const id = `${CHAIN_ID}:${blockHash}:0`;
    await sql`INSERT INTO ${sql.table(`${VIEWS}.outbox`)} VALUES (${id}, ${CHAIN_ID}, ${block}, ${blockHash},
      ${T0 + block * 2}, ${`0x${String(block).padStart(64, "7")}`}, 0, ${type}, ${projectIds.map(String)}::numeric[],
      ${(payload.subject as string | undefined) ?? null}, ${JSON.stringify(payload)}::jsonb)`.execute(db());
    return id;
  }

  async function paymasterEvent(block: number, name: string, args: Record<string, unknown>) {
    const id = `${CHAIN_ID}:0x${(hash++).toString(16).padStart(64, "c")}:1`;
    await sql`INSERT INTO ${sql.table(`${VIEWS}.paymaster_events`)} VALUES (${id}, ${PAYMASTER}, ${name},
      ${JSON.stringify(args)}::jsonb, ${block}, ${T0 + block * 2}, ${`0x${String(block).padStart(64, "9")}`})`.execute(
      db(),
    );
    return id;
  }

  /** A registry governance row as the KycRegistry / ProjectRegistry handlers write it. */
  async function governanceEvent(block: number, logIndex: number, name: string, args: Record<string, unknown>) {
    const contract = name.startsWith("Issuer") ? "KycRegistry" : "ProjectRegistry";
    const id = `${CHAIN_ID}:0x${String(block).padStart(64, "d")}:${logIndex}`;
    await sql`INSERT INTO ${sql.table(`${VIEWS}.governance_events`)} VALUES (${id}, ${contract}, ${name},
      ${JSON.stringify(args)}::jsonb, ${block}, ${T0 + block * 2}, ${`0x${String(block).padStart(64, "e")}`})`.execute(
      db(),
    );
    return id;
  }

  const trail = () =>
    db()
      .selectFrom("audit_log")
      .select(["actor", "action", "target", "project_id", "result", "detail"])
      .where("action", "like", "chain.%")
      .orderBy("id")
      .execute()
      .then((rows) =>
        rows.map((r) => ({
          ...r,
          project_id: r.project_id === null ? null : String(r.project_id),
          detail: r.detail as Record<string, unknown>,
        })),
      );

  beforeAll(async () => {
    test = await openTestApiDb("postgres", "onekey_chain_trail");
    await migrate(db(), "latest");
    await sql`CREATE SCHEMA ${sql.id(VIEWS)}`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${VIEWS}._ponder_checkpoint`)} (
      chain_id integer PRIMARY KEY, latest_checkpoint text NOT NULL, finalized_checkpoint text NOT NULL)`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${VIEWS}.outbox`)} (
      id text PRIMARY KEY, chain_id integer NOT NULL, block_number numeric(78) NOT NULL, block_hash text NOT NULL,
      block_timestamp numeric(78) NOT NULL, transaction_hash text NOT NULL, log_index integer NOT NULL,
      type text NOT NULL, project_ids numeric(78)[] NOT NULL, subject text, payload jsonb NOT NULL)`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${VIEWS}.paymaster_events`)} (
      id text PRIMARY KEY, paymaster text NOT NULL, name text NOT NULL, args jsonb NOT NULL,
      block_number numeric(78) NOT NULL, block_timestamp numeric(78) NOT NULL, transaction_hash text NOT NULL)`.execute(
      db(),
    );
    await sql`CREATE TABLE ${sql.table(`${VIEWS}.governance_events`)} (
      id text PRIMARY KEY, contract text NOT NULL, name text NOT NULL, args jsonb NOT NULL,
      block_number numeric(78) NOT NULL, block_timestamp numeric(78) NOT NULL, transaction_hash text NOT NULL)`.execute(
      db(),
    );
    await sql`CREATE TABLE ${sql.table(`${VIEWS}.attestations`)} (
      uid text PRIMARY KEY, subject text NOT NULL, level integer NOT NULL, expires_at numeric(78) NOT NULL,
      status text NOT NULL, current boolean NOT NULL)`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${VIEWS}.subjects`)} (
      subject text PRIMARY KEY, uid text, consented_project_ids numeric(78)[] NOT NULL)`.execute(db());
  });
  afterAll(async () => {
    await test?.close();
  });
  beforeEach(async () => {
    await sql`TRUNCATE audit_heads, audit_log, webhook_deliveries, webhook_events, webhook_cursors CASCADE`.execute(
      db(),
    );
    await sql`TRUNCATE ${sql.table(`${VIEWS}.outbox`)}, ${sql.table(`${VIEWS}.paymaster_events`)}, ${sql.table(`${VIEWS}.governance_events`)}`.execute(
      db(),
    );
  });

  it("copies final governance and role changes once, per concerned project, and nothing of subjects", async () => {
    await outbox(10, "project.status_changed", [7], { projectId: "7", status: "suspended" });
    await outbox(11, "project.role_granted", [7], { projectId: "7", account: MEMBER, role: 2, roles: 3 });
    await outbox(12, "consent.granted", [7], { projectId: "7", subject: SUBJECT });
    await outbox(13, "attestation.revoked", [7, 8], {
      uid: "0xa11ce",
      subject: SUBJECT,
      revoker: ISSUER,
      revokedAt: "5",
    });
    await outbox(14, "budget.policy_set", [8], {
      projectId: "8",
      by: OWNER,
      perUserCap: "1",
      periodCap: "2",
      periodSeconds: 60,
      maxOpCost: "3",
    });
    const pending = await outbox(20, "organization.roles_revoked", [7, 8], { orgId: "4", account: MEMBER });
    await paymasterEvent(9, "SignerRotationStarted", { currentSigner: OWNER, pendingSigner: MEMBER });
    await paymasterEvent(9, "ReserveDeposited", { from: OWNER, amount: "1", reserve: "1" });
    await paymasterEvent(21, "SignerRotationCompleted", { previousSigner: OWNER, newSigner: MEMBER });
    await head(22, 15);

    const result = await worker().pass();
    expect(result).toMatchObject({ ran: true, ingested: 6, trailed: 6 });
    const entries = await trail();
    expect(entries.map((e) => [e.action, e.project_id, e.actor, e.target, e.result])).toEqual([
      ["chain.project.status_changed", "7", "chain", "project:7", "ok"],
      ["chain.project.role_granted", "7", "chain", "project:7", "ok"],
      ["chain.attestation.revoked", "7", ISSUER, "attestation:0xa11ce", "ok"],
      ["chain.attestation.revoked", "8", ISSUER, "attestation:0xa11ce", "ok"],
      ["chain.budget.policy_set", "8", OWNER, "project:8", "ok"],
      ["chain.paymaster.signer_rotation_started", null, "chain", `paymaster:${PAYMASTER}`, "ok"],
    ]);
    expect(entries[0]?.detail).toEqual({
      eventId: expect.stringMatching(/^evt_/),
      txHash: `0x${"10".padStart(64, "7")}`,
      block: "10",
      blockTime: new Date((T0 + 20) * 1000).toISOString(),
      logIndex: 0,
      change: { status: "suspended" },
    });
    expect(entries[1]?.detail.change).toEqual({ account: MEMBER, role: 2, roles: 3 });
    // A subject's address is personal data, not governance: in no entry at all.
    expect(JSON.stringify(entries).toLowerCase()).not.toContain(SUBJECT.toLowerCase());
    // The unfinalized change waits, live and not yet considered.
    const waiting = await db()
      .selectFrom("webhook_events")
      .select(["state", "trailed_at"])
      .where("outbox_id", "=", pending)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({ state: "live", trailed_at: null });
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 6 });
  });

  it("never copies a change that a reorg removed before finality; copies its re-mined successor once it is final", async () => {
    await outbox(10, "project.status_changed", [7], { projectId: "7", status: "active" });
    const orphan = await outbox(20, "project.status_changed", [7], { projectId: "7", status: "suspended" });
    const orphanRotation = await paymasterEvent(20, "SignerRotationStarted", {
      currentSigner: OWNER,
      pendingSigner: MEMBER,
    });
    await head(21, 15);
    expect((await worker().pass()).trailed).toBe(1);

    // The reorg: Ponder drops the block-20 rows and indexes the new branch.
    await sql`DELETE FROM ${sql.table(`${VIEWS}.outbox`)} WHERE id = ${orphan}`.execute(db());
    await sql`DELETE FROM ${sql.table(`${VIEWS}.paymaster_events`)} WHERE id = ${orphanRotation}`.execute(db());
    await outbox(22, "project.status_changed", [7], { projectId: "7", status: "closed" });
    await head(23, 15);
    expect(await worker().pass()).toMatchObject({ retracted: 1, trailed: 0 });

    await head(30, 25);
    expect((await worker().pass()).trailed).toBe(1);
    const entries = await trail();
    expect(entries.map((e) => [e.action, e.detail.block, e.detail.change])).toEqual([
      ["chain.project.status_changed", "10", { status: "active" }],
      ["chain.project.status_changed", "22", { status: "closed" }],
    ]);
    const retracted = await db()
      .selectFrom("webhook_events")
      .select(["state", "trailed_at"])
      .where("outbox_id", "=", orphan)
      .executeTakeFirstOrThrow();
    expect(retracted).toEqual({ state: "retracted", trailed_at: null });
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it("writes nothing more on a restart, a second pass or a second worker running at the same time", async () => {
    await outbox(10, "project.role_offered", [7], { projectId: "7", account: MEMBER, role: 2 });
    await paymasterEvent(11, "OwnershipTransferred", { previousOwner: OWNER, newOwner: MEMBER });
    await head(12, 11);
    const first = worker();
    expect((await first.pass()).trailed).toBe(2);
    // A restarted worker (a new instance) and a later checkpoint with nothing new.
    expect((await worker().pass()).trailed).toBe(0);
    await head(13, 12);
    expect((await first.pass()).trailed).toBe(0);

    // Two workers pass at once over a newly final change: one writes it, the other nothing.
    await outbox(14, "project.settings_updated", [7], { projectId: "7", requiredLevel: 2, acceptedIssuers: [ISSUER] });
    await head(16, 15);
    const both = await Promise.all([worker().pass(), worker().pass()]);
    expect(both.map((r) => r.trailed).reduce((a, b) => a + b, 0)).toBe(1);
    const actions = (await trail()).map((e) => e.action);
    expect(actions).toEqual([
      "chain.project.role_offered",
      "chain.paymaster.ownership_transferred",
      "chain.project.settings_updated",
    ]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 3 });
  });

  it("copies final issuer and organization governance once, to the global chain, naming the sender only where the event does", async () => {
    const NEW_OWNER = "0x000000000000000000000000000000000000a11e";
    await governanceEvent(5, 0, "IssuerRegistered", { issuer: ISSUER, issuerId: 1 });
    await governanceEvent(6, 2, "OrganizationCreated", { orgId: "4", owner: OWNER, metadataURI: "ipfs://org" });
    // Same block: log index 10 after 9 (numeric order, not text order).
    await governanceEvent(7, 10, "OrganizationAdminSet", { orgId: "4", account: MEMBER, enabled: true });
    await governanceEvent(7, 9, "OrganizationOwnershipTransferStarted", {
      orgId: "4",
      owner: OWNER,
      pendingOwner: NEW_OWNER,
    });
    await governanceEvent(8, 0, "OrganizationOwnershipTransferred", {
      orgId: "4",
      previousOwner: OWNER,
      newOwner: NEW_OWNER,
    });
    const unfinal = await governanceEvent(20, 0, "IssuerRemoved", { issuer: ISSUER, issuerId: 1 });
    await head(21, 10);

    expect((await worker().pass()).trailed).toBe(5);
    const entries = await trail();
    expect(entries.map((e) => [e.action, e.project_id, e.actor, e.target, e.result])).toEqual([
      ["chain.issuer.registered", null, "chain", `issuer:${ISSUER}`, "ok"],
      ["chain.organization.created", null, "chain", "organization:4", "ok"],
      ["chain.organization.ownership_transfer_started", null, OWNER, "organization:4", "ok"],
      ["chain.organization.admin_set", null, "chain", "organization:4", "ok"],
      ["chain.organization.ownership_transferred", null, NEW_OWNER, "organization:4", "ok"],
    ]);
    // An actor-less entry keeps the transaction that made the change.
    expect(entries[0]?.detail).toEqual({
      eventId: `${CHAIN_ID}:0x${"5".padStart(64, "d")}:0`,
      txHash: `0x${"5".padStart(64, "e")}`,
      block: "5",
      blockTime: new Date((T0 + 10) * 1000).toISOString(),
      change: { issuer: ISSUER, issuerId: 1 },
    });
    expect(entries[3]?.detail.change).toEqual({ orgId: "4", account: MEMBER, enabled: true });

    // A second pass with nothing newly final adds nothing; the removal waits for finality.
    expect((await worker().pass()).trailed).toBe(0);
    // A reorg drops the unfinal removal; its replacement on the new branch enters once final.
    await sql`DELETE FROM ${sql.table(`${VIEWS}.governance_events`)} WHERE id = ${unfinal}`.execute(db());
    await governanceEvent(22, 0, "IssuerRemoved", { issuer: ISSUER, issuerId: 1 });
    await head(30, 25);
    expect((await worker().pass()).trailed).toBe(1);
    expect((await worker().pass()).trailed).toBe(0);
    const after = await trail();
    expect(after.slice(5).map((e) => [e.action, e.target, e.detail.block])).toEqual([
      ["chain.issuer.removed", `issuer:${ISSUER}`, "22"],
    ]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 6 });
  });

  it("copies a backlog larger than one batch in several commits, each event once and in chain order", async () => {
    // Webhook events: one batch and a bit (a backfill after migration 0012).
    for (let i = 0; i < TRAIL_BATCH + 5; i++) {
      await outbox(10 + i, "project.status_changed", [7], { projectId: "7", status: i % 2 ? "active" : "suspended" });
    }
    // Governance rows: a block of three, one per block past a batch's end (the batch ends at a
    // block boundary), then one block holding more than a batch (read whole: the cursor counts blocks).
    const ids: string[] = [];
    for (let log = 0; log < 3; log++)
      ids.push(await governanceEvent(1000, log, "IssuerRegistered", { issuer: ISSUER }));
    for (let b = 1001; b <= 1001 + TRAIL_BATCH; b++) {
      ids.push(await governanceEvent(b, 0, "OrganizationAdminSet", { orgId: "4", account: MEMBER, enabled: true }));
    }
    for (let log = 0; log <= TRAIL_BATCH; log++)
      ids.push(await governanceEvent(1400, log, "IssuerRemoved", { issuer: ISSUER }));
    const beyond = await governanceEvent(1600, 0, "IssuerRemoved", { issuer: ISSUER });
    await head(1600, 1500);

    expect((await worker().pass()).trailed).toBe(TRAIL_BATCH + 5 + ids.length);
    const project = await db()
      .selectFrom("audit_log")
      .select(sql<string>`xmin::text`.as("tx"))
      .where("project_id", "=", "7")
      .execute();
    const global = await db()
      .selectFrom("audit_log")
      .select(["detail", sql<string>`xmin::text`.as("tx")])
      .where("project_id", "is", null)
      .orderBy("id")
      .execute();
    expect(project).toHaveLength(TRAIL_BATCH + 5);
    // Committed batch by batch, not in one transaction holding the heads for the whole backlog.
    expect(new Set(project.map((r) => r.tx)).size).toBe(2);
    expect(new Set(global.map((r) => r.tx)).size).toBeGreaterThanOrEqual(3);
    // Every final governance row exactly once, in chain order; none past the finalized block.
    expect(global.map((r) => (r.detail as { eventId: string }).eventId)).toEqual(ids);
    expect(global.map((r) => (r.detail as { eventId: string }).eventId)).not.toContain(beyond);

    expect((await worker().pass()).trailed).toBe(0);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: TRAIL_BATCH + 5 + ids.length });
  });

  it("files chain entries in the default retention class (governance history)", () => {
    expect(retentionClassOf("chain.project.status_changed")).toBe("default");
    expect(retentionClassOf("chain.paymaster.signer_rotation_started")).toBe("default");
    expect(retentionClassOf("chain.organization.admin_set")).toBe("default");
  });
});
