/**
 * The operators' internal route (kyc/operator-routes.ts) without a chain: the real issuer app on
 * the local PostgreSQL and the KYC sandbox. A subject's applicants are queued for deletion once,
 * the cleanup job then deletes them at the sandbox; a wrong token is refused, changes nothing and
 * is limited.
 */
import { randomUUID } from "node:crypto";
import { type RunningKycSandbox, startKycSandbox } from "@onekey/devnet/kyc-sandbox/server";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { KycLimits } from "../src/kyc/rate-limits.js";
import type { AttestationLedger } from "../src/ledger/attestation-ledger.js";
import { type IssuerDb, openIssuerDb } from "../src/ledger/db.js";
import { migrate } from "../src/ledger/migrator.js";
import { createLogger } from "../src/logger.js";
import { createIssuerApp } from "../src/server.js";
import type { SponsorshipLimits } from "../src/sponsorship/rate-limits.js";
import { offlineDeployment, offlineEnv } from "./support/offline.js";

const TOKEN = "operator-token-0123456789abcdef-0123";
const PATH = (address: string) => `/v1/internal/operator/subjects/${address}/provider-deletion`;

let database: TestDatabase;
let store: IssuerDb;
let sandbox: RunningKycSandbox;

beforeAll(async () => {
  database = await createTestDatabase("onekey_issuer_operator");
  store = openIssuerDb(database.url, "onekey_issuer_operator");
  await migrate(store.db, "latest");
  sandbox = await startKycSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
  await store?.close();
  await database?.drop();
});

function issuerWith(env: Record<string, string>) {
  const config = loadConfig(
    {
      ...offlineEnv,
      ONEKEY_ISSUER_PROVIDERS: "sandbox",
      ONEKEY_ISSUER_SANDBOX_URL: sandbox.url,
      ONEKEY_ISSUER_SANDBOX_APP_TOKEN: sandbox.credentials.appToken,
      ONEKEY_ISSUER_SANDBOX_SECRET_KEY: sandbox.credentials.secretKey,
      ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: sandbox.credentials.webhookSecret,
      ...env,
    },
    { deployment: offlineDeployment },
  );
  return createIssuerApp(config, {
    ledger: {} as AttestationLedger,
    limits: {} as SponsorshipLimits,
    logger: createLogger("error"),
    kyc: { db: store.db, limits: {} as KycLimits },
  });
}

/** A session of `subject` whose applicant exists at the sandbox. */
async function sessionAtSandbox(
  issuer: ReturnType<typeof issuerWith>,
  subject: `0x${string}`,
  status: "submitted" | "consented",
) {
  const id = randomUUID();
  const provider = issuer.kyc?.registry.get("sandbox");
  if (!provider) throw new Error("the sandbox provider is not configured");
  const { applicantId } = await provider.createApplicant(
    { sessionId: id, subject, projectId: 1n, checks: ["document"] },
    AbortSignal.timeout(5_000),
  );
  const now = new Date();
  await store.db
    .insertInto("kyc_sessions")
    .values({
      id,
      project_id: "1",
      subject: subject.toLowerCase(),
      chain_id: 31337,
      registry: offlineDeployment.contracts.KycRegistry.address.toLowerCase(),
      status,
      required_checks: ["document"],
      provider: "sandbox",
      provider_applicant_id: applicantId,
      expires_at: new Date(now.getTime() + 86_400_000),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, applicantId };
}

const post = (issuer: ReturnType<typeof issuerWith>, address: string, token?: string) =>
  issuer.app.request(PATH(address), {
    method: "POST",
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe("the operators' provider deletion", () => {
  it("queues the subject's applicants once; the cleanup job deletes them at the sandbox", async () => {
    const issuer = issuerWith({ ONEKEY_ISSUER_OPERATOR_TOKEN: TOKEN });
    const subject = privateKeyToAccount(generatePrivateKey()).address;
    const other = privateKeyToAccount(generatePrivateKey()).address;
    const open = await sessionAtSandbox(issuer, subject, "submitted");
    const done = await sessionAtSandbox(issuer, subject, "consented");
    const bystander = await sessionAtSandbox(issuer, other, "submitted");

    const first = await post(issuer, subject.toLowerCase(), TOKEN);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ scheduled: 2 });
    const again = await post(issuer, subject, TOKEN);
    expect(await again.json()).toEqual({ scheduled: 0 });

    const queued = await store.db.selectFrom("provider_deletions").select(["applicant_id", "reason"]).execute();
    expect(queued.map((q) => q.applicant_id).sort()).toEqual([open.applicantId, done.applicantId].sort());
    expect(queued.every((q) => q.reason === "subject_request")).toBe(true);
    const rows = await store.db
      .selectFrom("kyc_sessions")
      .select(["id", "status", "provider_applicant_id"])
      .where("subject", "=", subject.toLowerCase())
      .execute();
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    // The open session cannot go on without its applicant: it ends as expired; the finished one keeps its status.
    expect(byId[open.id]).toMatchObject({ status: "expired", provider_applicant_id: null });
    expect(byId[done.id]).toMatchObject({ status: "consented", provider_applicant_id: null });

    expect(sandbox.hasApplicant(open.applicantId)).toBe(true);
    const cleaned = await issuer.kyc?.cleanup.runOnce();
    expect(cleaned?.applicantsDeleted).toBe(2);
    expect(sandbox.hasApplicant(open.applicantId)).toBe(false);
    expect(sandbox.hasApplicant(done.applicantId)).toBe(false);
    // Another subject's applicant is untouched.
    expect(sandbox.hasApplicant(bystander.applicantId)).toBe(true);
    expect(await store.db.selectFrom("provider_deletions").selectAll().execute()).toEqual([]);
  });

  it("attack: a wrong or missing token is refused, changes nothing, and is limited", async () => {
    const issuer = issuerWith({ ONEKEY_ISSUER_OPERATOR_TOKEN: TOKEN });
    const subject = privateKeyToAccount(generatePrivateKey()).address;
    const session = await sessionAtSandbox(issuer, subject, "submitted");
    const statuses: number[] = [];
    const codes: string[] = [];
    for (const token of [undefined, "", `${TOKEN}x`, TOKEN.slice(0, -1), ...Array(8).fill("guess")]) {
      const res = await post(issuer, subject, token);
      statuses.push(res.status);
      codes.push(((await res.json()) as { code: string }).code);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(codes.slice(0, 10).every((c) => c === "operator_token_invalid")).toBe(true);
    expect(codes.slice(10)).toEqual(["rate_limited", "rate_limited"]);
    const row = await store.db
      .selectFrom("kyc_sessions")
      .select(["status", "provider_applicant_id"])
      .where("id", "=", session.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "submitted", provider_applicant_id: session.applicantId });

    // The right token still works for the operator, whatever the others sent.
    expect(await (await post(issuer, subject, TOKEN)).json()).toEqual({ scheduled: 1 });
    // A path that is not an address is refused before anything is read.
    const bad = await post(issuer, "0x12'; drop table kyc_sessions; --", TOKEN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("invalid_request");
  });

  it("answers 503 when no operator token is configured", async () => {
    const issuer = issuerWith({});
    const res = await post(issuer, privateKeyToAccount(generatePrivateKey()).address, TOKEN);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("operator_token_not_configured");
  });
});
