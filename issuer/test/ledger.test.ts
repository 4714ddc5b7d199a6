/**
 * The attestation ledger on the local PostgreSQL: migrations up and down in the issuer's own
 * schema, and what the sponsorship policy asks of it.
 */

import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { sql } from "kysely";
import { getAddress, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attestationDigest,
  createAttestationLedger,
  type SignedAttestation,
} from "../src/ledger/attestation-ledger.js";
import { type IssuerDb, openIssuerDb } from "../src/ledger/db.js";
import { appliedMigrations, migrate } from "../src/ledger/migrator.js";

const subject = getAddress("0x00000000000000000000000000000000000000b0");
const attestation: SignedAttestation = {
  chainId: 31337,
  registry: getAddress("0x00000000000000000000000000000000000000a2"),
  request: {
    subject,
    level: 2,
    expiresAt: 2_000_000_000,
    storageNetwork: 1,
    storageId: keccak256(toHex("storage")),
    ciphertextHash: keccak256(toHex("ciphertext")),
  },
  nonce: 0n,
  deadline: 1_900_000_000n,
  issuer: getAddress("0x00000000000000000000000000000000000000e1"),
  projectId: (1n << 64n) - 1n,
};

let database: TestDatabase;
let store: IssuerDb;

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_name not like 'issuer_migrations%' order by table_name`.execute(
    store.db,
  );
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  database = await createTestDatabase("onekey_issuer_ledger");
  store = openIssuerDb(database.url, "onekey_issuer_test");
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe("issuer migrations", () => {
  it("migrate up into the issuer's own schema, down to nothing, and up again", async () => {
    const sessionTables = [
      "auth_nonces",
      "auth_tokens",
      "chain_cursor",
      "kyc_sessions",
      "project_kyc_settings",
      "provider_deletions",
      "provider_webhook_events",
    ];
    const latestTables = [...sessionTables, "provider_states", "signed_attestations", "sponsorship_refusals"].sort();
    await migrate(store.db, "latest");
    expect(await appliedMigrations(store.db)).toEqual([
      "0001_attestation_ledger",
      "0002_kyc_sessions",
      "0003_session_org",
      "0004_sponsorship_refusals",
      "0005_record_bytes",
      "0006_provider_states",
    ]);
    expect(await tables()).toEqual(latestTables);
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    expect(rows[0]?.schema).toBe("onekey_issuer_test");
    expect((await migrate(store.db, "latest")).results).toEqual([]);
    // Back to the sessions' migration keeps them and the ledger; down one step removes the
    // sessions and keeps the ledger; down again leaves nothing.
    await migrate(store.db, { to: "0002_kyc_sessions" });
    expect(await tables()).toEqual([...sessionTables, "signed_attestations"].sort());
    // 0003's down took the sessions' organization column (and its index) with it.
    const orgColumn = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
      where table_schema = current_schema() and table_name = 'kyc_sessions' and column_name = 'org_id'`.execute(
      store.db,
    );
    expect(orgColumn.rows[0]?.n).toBe(0);
    await migrate(store.db, "down");
    expect(await tables()).toEqual(["signed_attestations"]);
    await migrate(store.db, "down");
    expect(await tables()).toEqual([]);
    await migrate(store.db, "latest");
    expect(await tables()).toEqual(latestTables);
  });
});

describe("attestation ledger", () => {
  it("records what our issuer signed under KycRegistry.hashAttestation's digest, once", async () => {
    const ledger = createAttestationLedger(store.db);
    const entry = await ledger.record(attestation);
    expect(entry).toEqual({
      digest: attestationDigest(attestation),
      projectId: attestation.projectId,
      subject,
      issuer: attestation.issuer,
    });
    // The same attestation asked for by another project keeps its first project.
    expect((await ledger.record({ ...attestation, projectId: 5n })).projectId).toBe(attestation.projectId);
    expect(await ledger.find(attestationDigest({ ...attestation, nonce: 1n }))).toBeUndefined();
    expect(await ledger.hasSubjectForProject(subject, attestation.projectId)).toBe(true);
    expect(await ledger.hasSubjectForProject(subject, 5n)).toBe(false);
  });

  it("refuses a project id that is not a uint64", async () => {
    const ledger = createAttestationLedger(store.db);
    await expect(ledger.record({ ...attestation, projectId: 1n << 64n })).rejects.toThrow(RangeError);
  });
});
