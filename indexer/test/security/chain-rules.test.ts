/**
 * The chain rules of security monitoring (security/rules.ts) on PGlite and PostgreSQL, over
 * tables shaped as Ponder writes them (bigints as numeric, hex as text; the real ones are read in
 * api.attacks.e2e.test.ts): a project's sponsorship spend against its floor and its own norm, the
 * signer's volume across projects, revocations by governance and paymaster signer rotations (once
 * each), and nothing at all without a chain schema.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrator.js";
import { readSecurityConfig } from "../../security/config.js";
import { runSecurityScan } from "../../security/scan.js";
import { openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const CHAIN = "chain_rules";
const HOUR = 3600;
const ETH = 10n ** 18n;
const ISSUER = "0x00000000000000000000000000000000000155e7";
const GOVERNANCE = "0x0000000000000000000000000000000000060ff0";

describe.each(["pglite", "postgres"] as const)("chain rules on %s", (kind) => {
  let test: TestApiDb;
  const now = new Date("2026-12-06T12:00:00Z");
  const at = (secondsAgo: number) => Math.floor(now.getTime() / 1000) - secondsAgo;
  const config = readSecurityConfig({
    ONEKEY_SECURITY_BUDGET_DRAIN_FLOOR_WEI: (ETH / 10n).toString(),
    ONEKEY_SECURITY_BUDGET_DRAIN_FACTOR: "5",
    ONEKEY_SECURITY_SIGNER_OPS_PER_HOUR: "20",
    ONEKEY_SECURITY_SIGNER_OPS_FACTOR: "5",
  });
  const db = () => test.store.db;
  /** `null`: a scan told of no chain schema. */
  const scan = (chainSchema: string | null = CHAIN) =>
    runSecurityScan(db(), { config, chainId: 31337, now, chainSchema: chainSchema ?? undefined });

  let nextOp = 0;
  async function sponsored(projectId: bigint, costWei: bigint, secondsAgo: number, count = 1) {
    for (let i = 0; i < count; i++) {
      const hash = `0x${(nextOp++).toString(16).padStart(64, "0")}`;
      await sql`INSERT INTO ${sql.table(`${CHAIN}.sponsored_operations`)} (user_op_hash, project_id, actual_cost, block_timestamp)
                VALUES (${hash}, ${projectId.toString()}, ${costWei.toString()}, ${at(secondsAgo)})`.execute(db());
    }
  }

  beforeAll(async () => {
    test = await openTestApiDb(kind, "onekey_chain_rules");
    await migrate(db(), "latest");
    await sql`CREATE SCHEMA ${sql.id(CHAIN)}`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${CHAIN}.sponsored_operations`)} (
      user_op_hash text PRIMARY KEY, project_id numeric(78) NOT NULL, actual_cost numeric(78) NOT NULL,
      block_timestamp numeric(78) NOT NULL)`.execute(db());
    await sql`CREATE TABLE ${sql.table(`${CHAIN}.attestations`)} (
      uid text PRIMARY KEY, issuer text NOT NULL, status text NOT NULL, revoker text, revoked_at numeric(78))`.execute(
      db(),
    );
    await sql`CREATE TABLE ${sql.table(`${CHAIN}.paymaster_events`)} (
      id text PRIMARY KEY, name text NOT NULL, args jsonb NOT NULL, block_timestamp numeric(78) NOT NULL,
      transaction_hash text NOT NULL)`.execute(db());
  });
  afterAll(async () => {
    await test?.close();
  });
  beforeEach(async () => {
    await sql`TRUNCATE security_alerts, audit_heads, audit_log, webhook_deliveries, webhook_events CASCADE`.execute(
      db(),
    );
    await sql`TRUNCATE ${sql.table(`${CHAIN}.sponsored_operations`)}, ${sql.table(`${CHAIN}.attestations`)}, ${sql.table(`${CHAIN}.paymaster_events`)}`.execute(
      db(),
    );
  });

  it("alerts on a project spending past its floor in an hour, not below it", async () => {
    await sponsored(3n, ETH / 20n, 600);
    expect((await scan()).raised).toEqual([]);
    await sponsored(3n, ETH / 20n, 300);
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([["budget_drain", "high", "3"]]);
    expect(raised[0]?.evidence).toMatchObject({
      spentLastHourWei: (ETH / 10n).toString(),
      operationsLastHour: 2,
      limitWei: (ETH / 10n).toString(),
    });
  });

  it("judges a busy project against five times its own hourly average, not the floor", async () => {
    // 1 ETH an hour for a week: normal for this project. Four hours' worth in one hour is not enough...
    for (let hour = 1; hour < 7 * 24; hour++) await sponsored(4n, ETH, hour * HOUR + 60);
    await sponsored(4n, ETH, 60, 4);
    expect((await scan()).raised).toEqual([]);
    // ...five is.
    await sponsored(4n, ETH, 30);
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.projectId])).toEqual([["budget_drain", "4"]]);
  });

  it("alerts once on the signer signing beyond its volume across projects, and ignores the future", async () => {
    await sponsored(5n, 1n, 60, 10);
    await sponsored(6n, 1n, 60, 9);
    await sponsored(6n, 1n, -600, 5); // after `now`: not counted
    expect((await scan()).raised).toEqual([]);
    await sponsored(6n, 1n, 30);
    const first = await scan();
    expect(first.raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([
      ["sponsor_signer_volume", "critical", null],
    ]);
    expect(first.raised[0]?.evidence).toMatchObject({ operationsLastHour: 20, limit: 20 });
    expect((await scan()).raised).toEqual([]);
  });

  it("raises each governance revocation and signer rotation once, and not an issuer's own revocation", async () => {
    await sql`INSERT INTO ${sql.table(`${CHAIN}.attestations`)} (uid, issuer, status, revoker, revoked_at) VALUES
      ('0xaa', ${ISSUER}, 'revoked', ${GOVERNANCE}, ${at(600)}),
      ('0xbb', ${ISSUER}, 'revoked', ${ISSUER}, ${at(600)}),
      ('0xcc', ${ISSUER}, 'revoked', ${GOVERNANCE}, ${at(3 * 24 * HOUR)}),
      ('0xdd', ${ISSUER}, 'active', NULL, NULL)`.execute(db());
    await sql`INSERT INTO ${sql.table(`${CHAIN}.paymaster_events`)} (id, name, args, block_timestamp, transaction_hash) VALUES
      ('e1', 'SignerRotationStarted', ${JSON.stringify({ pendingSigner: "0x01" })}, ${at(120)}, '0xt1'),
      ('e2', 'ReserveChanged', '{}', ${at(120)}, '0xt2')`.execute(db());
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity]).sort()).toEqual([
      ["attestation_revoked_by_governance", "medium"],
      ["paymaster_signer_rotation", "critical"],
    ]);
    const revocation = raised.find((a) => a.rule === "attestation_revoked_by_governance");
    expect(revocation?.evidence).toMatchObject({ uid: "0xaa", revoker: GOVERNANCE });
    const rotation = raised.find((a) => a.rule === "paymaster_signer_rotation");
    expect(rotation?.evidence).toMatchObject({ event: "SignerRotationStarted", args: { pendingSigner: "0x01" } });
    expect((await scan()).raised).toEqual([]);
  });

  it("runs the trail's rules while Ponder's views are not there yet, and the chain rules find nothing", async () => {
    await sponsored(3n, ETH, 60, 3);
    const early = await scan("views_not_created_yet");
    expect(early.failed).toEqual([]);
    expect(early.findings).toBe(0);
  });

  it("keeps running the other rules when one cannot, and says which failed", async () => {
    await sql`CREATE SCHEMA IF NOT EXISTS broken_views`.execute(db());
    await sql`CREATE TABLE IF NOT EXISTS broken_views.sponsored_operations (project_id numeric(78))`.execute(db());
    await sql`CREATE TABLE IF NOT EXISTS broken_views.attestations (uid text)`.execute(db());
    await sql`CREATE TABLE IF NOT EXISTS broken_views.paymaster_events (id text)`.execute(db());
    await sql`INSERT INTO ${sql.table(`${CHAIN}.attestations`)} (uid, issuer, status, revoker, revoked_at)
              VALUES ('0xee', ${ISSUER}, 'revoked', ${GOVERNANCE}, ${at(60)})`.execute(db());
    const broken = await scan("broken_views");
    expect(broken.failed.map((f) => f.rule).sort()).toEqual([
      "attestation_revoked_by_governance",
      "budget_drain",
      "paymaster_signer_rotation",
      "sponsor_signer_volume",
    ]);
    expect(broken.failed.every((f) => f.errorCode === "42703")).toBe(true);
    // The same scan over working views raises what they hold.
    expect((await scan()).raised.map((a) => a.rule)).toEqual(["attestation_revoked_by_governance"]);
  });

  it("finds nothing on the chain without a chain schema (the trail's rules still run)", async () => {
    await sponsored(3n, ETH, 60, 3);
    const { findings } = await scan(null);
    expect(findings).toBe(0);
    expect((await scan()).raised.map((a) => a.rule)).toEqual(["budget_drain"]);
  });
});
