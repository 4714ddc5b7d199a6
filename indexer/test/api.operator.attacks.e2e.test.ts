/**
 * The operators' data-subject, organization and KYC provider routes (routes/operatorSubjects.ts,
 * operatorOrganizations.ts, operatorProviders.ts) against the real service: a local chain with OneKey deployed, Ponder
 * on PostgreSQL as a child process, the issuer's database (a stand-in kyc_sessions with the
 * columns the lookup reads) and a stand-in issuer that records what the API sends it. Each attack
 * is the attacker's script: a stranger, a tenant admin, a forged or ended session, an injected path.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monthOf } from "@onekey/service-kit/months";
import { sql } from "kysely";
import { type Account, getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRollups } from "../analytics/buckets.js";
import { loadPlans } from "../billing/plans.js";
import { openApiDb } from "../db/open.js";
import { ApiClient, type ApiResponse } from "../harness/api.js";
import { type PonderProcess, startPonder } from "../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { type ChainStack, startChainStack } from "./support/stack.js";

const AUTH_LIMIT = 5;
const ISSUER_TOKEN = "issuer-operator-token-0123456789abcdef";
const INGEST_TOKEN = "audit-ingest-token-0123456789abcdef01";
const APPLICANT = "sbx_applicant_0123456789abcd";

let stack: ChainStack;
let database: TestDatabase;
let issuerDb: TestDatabase;
let ponder: PonderProcess;
let owner: Account;
let ownOrg: bigint;
let project: bigint;
let ownerSession: string;
const operator = privateKeyToAccount(generatePrivateKey());

/** The stand-in issuer: what it was sent, and what it answers next. */
const received: { method?: string; url?: string; authorization?: string }[] = [];
/** The bodies it was sent, in order (empty for none). */
const receivedBodies: string[] = [];
let issuerAnswer: { status: number; body: unknown } = { status: 200, body: { scheduled: 1 } };
let issuer: Server;

/** Every subject address the tests look up: none may reach a log line. */
const subjects: string[] = [];
const client = (clientAddress: string) => new ApiClient(ponder.url, { "x-forwarded-for": clientAddress });
const throwaway = () => privateKeyToAccount(generatePrivateKey());

function expectError(res: ApiResponse, status: number, code: string, field?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: field ? { code, field } : { code } },
  });
}

beforeAll(async () => {
  issuer = createServer((req: IncomingMessage, res) => {
    received.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      receivedBodies.push(Buffer.concat(chunks).toString());
      res.writeHead(issuerAnswer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(issuerAnswer.body));
    });
  });
  await new Promise<void>((resolve) => issuer.listen(0, "127.0.0.1", resolve));

  // The issuer's database: its schema and a kyc_sessions with the columns the lookup reads.
  issuerDb = await createTestDatabase("onekey_operator_issuer");
  const issuerStore = openApiDb({ kind: "postgres", url: issuerDb.url, schema: "onekey_issuer" });
  await sql`CREATE SCHEMA IF NOT EXISTS onekey_issuer`.execute(issuerStore.db);
  await sql`CREATE TABLE onekey_issuer.kyc_sessions (id uuid PRIMARY KEY, project_id numeric(20,0) NOT NULL,
    subject text NOT NULL, status text NOT NULL, outcome text, level smallint, provider text,
    provider_applicant_id text, attestation_uid text, erased_at timestamptz, expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, org_id numeric(20,0),
    failure_reason text)`.execute(issuerStore.db);
  await issuerStore.close();

  stack = await startChainStack();
  owner = stack.onekey.account(2);
  ownOrg = await stack.onekey.createOrganization(owner);
  project = await stack.onekey.createProject(owner, ownOrg, "overseen");
  await stack.onekey.registerIssuer(stack.onekey.account(1).address);
  database = await createTestDatabase("onekey_operator_attacks");
  ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema: "operator_attacks",
    env: {
      ONEKEY_API_AUTH_RATE_LIMIT_POINTS: String(AUTH_LIMIT),
      ONEKEY_API_TRUSTED_PROXIES: "127.0.0.1",
      ONEKEY_API_OPERATORS: operator.address,
      ONEKEY_API_AUDIT_INGEST_TOKEN: INGEST_TOKEN,
      ONEKEY_ANALYTICS_ISSUER_DATABASE_URL: issuerDb.url,
      ONEKEY_API_ISSUER_URL: `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`,
      ONEKEY_API_ISSUER_OPERATOR_TOKEN: ISSUER_TOKEN,
    },
  });
  await ponder.waitForBlock(await stack.onekey.blockNumber());
  ownerSession = await client("198.51.100.1").login(owner);
});

afterAll(async () => {
  await ponder?.stop();
  await database?.drop();
  await issuerDb?.drop();
  await stack?.stop();
  await new Promise((resolve) => issuer?.close(resolve));
});

interface Report {
  subject: string;
  sessions: { available: boolean; data: Record<string, unknown>[]; nextCursor: string | null };
  attestations: { data: { uid: string; level: number; storage: { id: string } }[]; nextCursor: string | null };
  consents: { data: { projectId: string; active: boolean }[]; nextCursor: string | null };
  accesses: { data: { action: string; actor: string; target: string; result: string }[]; nextCursor: string | null };
}

describe("operators and data subjects", () => {
  it("an operator reads everything held about a subject, page by page; the lookup is in the trail", async () => {
    const subject = await stack.onekey.newAccount();
    const { uid } = await stack.onekey.attest(stack.onekey.account(1), { subject: subject.address, level: 2 });
    await ponder.waitForBlock((await stack.onekey.grantConsent(subject, project)).blockNumber);
    const lower = subject.address.toLowerCase();
    subjects.push(lower);

    // Two sessions of the subject at the issuer (one still holding its applicant), one of another.
    const issuerStore = openApiDb({ kind: "postgres", url: issuerDb.url, schema: "onekey_issuer" });
    const t = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms);
    for (const [id, who, applicant, at] of [
      ["00000000-0000-4000-8000-000000000001", lower, APPLICANT, t(0)],
      ["00000000-0000-4000-8000-000000000002", lower, null, t(60_000)],
      ["00000000-0000-4000-8000-000000000003", throwaway().address.toLowerCase(), "other_applicant_123456", t(0)],
    ] as const) {
      await sql`INSERT INTO onekey_issuer.kyc_sessions (id, project_id, subject, status, outcome, level, provider,
        provider_applicant_id, attestation_uid, expires_at, created_at, updated_at)
        VALUES (${id}, ${project.toString()}, ${who}, 'consented', 'approved', 2, 'sandbox', ${applicant},
        ${uid.toLowerCase()}, ${t(86_400_000)}, ${at}, ${at})`.execute(issuerStore.db);
    }
    await issuerStore.close();

    // Who opened the record: the project's owner tried (no reader role: refused, still recorded);
    // the key service reported a key release for the subject's attestation.
    const opened = await client("198.51.100.1").post(
      `/v1/admin/projects/${project}/records/${subject.address}/openings`,
      undefined,
      ownerSession,
    );
    expectError(opened, 403, "reader_role_required");
    const reader = throwaway().address;
    const release = await client("198.51.100.1").request("POST", "/v1/internal/key-releases", {
      token: INGEST_TOKEN,
      body: { reader, uid, chainId: 31337, keyId: "k1", outcome: "released", at: new Date().toISOString() },
    });
    expect(release.status, JSON.stringify(release.body)).toBe(201);

    const api = client("198.51.100.10");
    const session = await api.login(operator);
    const first = await api.get<Report>(`/v1/operator/subjects/${subject.address}?limit=1`, session);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const report = first.body;
    expect(report.subject).toBe(lower);
    // Newest session first; the applicant is never shown in full.
    expect(report.sessions).toMatchObject({
      available: true,
      data: [{ id: "00000000-0000-4000-8000-000000000002", applicant: "removed", applicantRef: null }],
    });
    expect(JSON.stringify(first.body)).not.toContain(APPLICANT);
    expect(report.attestations.data).toMatchObject([{ uid: uid.toLowerCase(), level: 2 }]);
    expect(report.attestations.nextCursor).toBeNull();
    expect(report.consents.data).toMatchObject([{ projectId: project.toString(), active: true }]);
    // Newest access first: the key release, then (next page) the refused opening.
    expect(report.accesses.data).toMatchObject([{ action: "key.release", actor: reader.toLowerCase(), result: "ok" }]);

    const sessionsCursor = report.sessions.nextCursor as string;
    const accessesCursor = report.accesses.nextCursor as string;
    const second = await api.get<Report>(
      `/v1/operator/subjects/${subject.address}?limit=1&sessionsCursor=${sessionsCursor}&accessesCursor=${accessesCursor}`,
      session,
    );
    expect(second.body.sessions).toMatchObject({
      available: true,
      data: [{ id: "00000000-0000-4000-8000-000000000001", applicant: "held", applicantRef: "…abcd" }],
      nextCursor: null,
    });
    expect(second.body.accesses.data).toMatchObject([
      { action: "record.open", actor: owner.address.toLowerCase(), target: lower, result: "denied" },
    ]);
    expect(JSON.stringify(second.body)).not.toContain(APPLICANT);
    expectError(
      await api.get(`/v1/operator/subjects/${subject.address}?sessionsCursor=bm90LWEtY3Vyc29y`, session),
      400,
      "invalid_request",
      "cursor",
    );

    // A subject OneKey knows nothing of: empty sections, not an error.
    const nobody = await api.get<Report>(`/v1/operator/subjects/${throwaway().address}`, session);
    expect(nobody.status).toBe(200);
    expect(nobody.body).toMatchObject({
      sessions: { available: true, data: [] },
      attestations: { data: [] },
      consents: { data: [] },
      accesses: { data: [] },
    });

    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const entries = await store.db
        .selectFrom("audit_log")
        .select(["actor", "action", "target", "result", "request_id"])
        .where("action", "=", "operator.subject.read")
        .where("target", "=", lower)
        .execute();
      expect(entries).toHaveLength(2);
      for (const e of entries) {
        expect(e).toMatchObject({ actor: operator.address.toLowerCase(), result: "ok" });
        expect(e.request_id).toMatch(/^[0-9a-f-]{36}$/);
      }
    } finally {
      await store.close();
    }
  });

  it("attack: a stranger, a tenant admin, a forged or ended session and an injected path read a subject", async () => {
    const subject = throwaway().address;
    subjects.push(subject.toLowerCase());
    // The project's owner administers a tenant, not the protocol.
    expectError(
      await client("198.51.100.1").get(`/v1/operator/subjects/${subject}`, ownerSession),
      403,
      "not_operator",
    );
    const forged = `oks_${Buffer.from(generatePrivateKey().slice(2), "hex").toString("base64url")}`;
    expectError(await client("203.0.113.70").get(`/v1/operator/subjects/${subject}`, forged), 401, "session_invalid");
    // The operator's own session, once ended, is refused like a forged one.
    const operatorApi = client("198.51.100.11");
    const ended = await operatorApi.login(operator);
    expect((await operatorApi.post("/v1/auth/logout", undefined, ended)).status).toBeLessThan(300);
    expectError(await operatorApi.get(`/v1/operator/subjects/${subject}`, ended), 401, "session_invalid");

    const session = await operatorApi.login(operator);
    for (const path of [
      "0x12'%3B%20drop%20table%20audit_log%3B--",
      `${subject}%00`,
      `${subject}0`,
      `0x${"g".repeat(40)}`,
    ]) {
      expectError(await operatorApi.get(`/v1/operator/subjects/${path}`, session), 400, "invalid_request", "address");
    }
    expectError(await operatorApi.get(`/v1/operator/subjects/${subject}?select=*`, session), 400, "invalid_request");

    // A stranger is refused, each refusal audited, then limited per address.
    const strangerApi = client("203.0.113.71");
    const strangerSession = await strangerApi.login(throwaway());
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMIT + 2; i++) {
      statuses.push((await strangerApi.get(`/v1/operator/subjects/${subject}`, strangerSession)).status);
    }
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(403), 429, 429]);
    expectError(
      await strangerApi.post(`/v1/operator/subjects/${subject}/provider-deletion`, undefined, strangerSession),
      429,
      "rate_limited",
    );
    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const denied = await store.db
        .selectFrom("audit_log")
        .select(["action", "result"])
        .where("target", "=", subject.toLowerCase())
        .execute();
      // The owner's refusal and the stranger's, up to the limit; nothing the operator read.
      expect(denied).toEqual(Array(AUTH_LIMIT + 1).fill({ action: "operator.subject.read", result: "denied" }));
    } finally {
      await store.close();
    }
  });

  it("an operator asks the issuer to delete a subject's applicants; a stranger cannot; the issuer being down is a 503", async () => {
    const subject = throwaway().address;
    subjects.push(subject.toLowerCase());
    const api = client("198.51.100.12");
    const session = await api.login(operator);
    const strangerApi = client("203.0.113.72");
    received.length = 0;
    expectError(
      await strangerApi.post(
        `/v1/operator/subjects/${subject}/provider-deletion`,
        undefined,
        await strangerApi.login(throwaway()),
      ),
      403,
      "not_operator",
    );
    expect(received).toEqual([]);

    issuerAnswer = { status: 200, body: { scheduled: 2 } };
    const asked = await api.post<{ scheduled: number }>(
      `/v1/operator/subjects/${subject}/provider-deletion`,
      undefined,
      session,
    );
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body).toEqual({ scheduled: 2 });
    expect(received).toEqual([
      {
        method: "POST",
        url: `/v1/internal/operator/subjects/${subject.toLowerCase()}/provider-deletion`,
        authorization: `Bearer ${ISSUER_TOKEN}`,
      },
    ]);

    // The issuer refusing (or not answering) is a 503 the operator can retry; the trail says it failed.
    issuerAnswer = { status: 401, body: { code: "operator_token_invalid" } };
    const refused = await api.post(`/v1/operator/subjects/${subject}/provider-deletion`, undefined, session);
    expectError(refused, 503, "issuer_unavailable");
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(JSON.stringify(refused.body)).not.toContain(ISSUER_TOKEN);
    issuerAnswer = { status: 200, body: { scheduled: 1 } };

    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const entries = await store.db
        .selectFrom("audit_log")
        .select(["actor", "result", "detail"])
        .where("action", "=", "operator.subject.provider_deletion")
        .where("target", "=", subject.toLowerCase())
        .orderBy("id")
        .execute();
      expect(entries.map((e) => [e.result, e.detail])).toEqual([
        ["denied", { reason: "not_operator" }],
        ["ok", { scheduled: 2 }],
        ["failed", { reason: "issuer_401_operator_token_invalid" }],
      ]);
    } finally {
      await store.close();
    }
    expect(ponder.logs()).not.toContain(ISSUER_TOKEN);
  });

  it("an operator sees every organization with its plan and this month's verifications against the quota", async () => {
    const second = await stack.onekey.createOrganization(stack.onekey.account(3));
    await stack.onekey.createProject(stack.onekey.account(3), second, "second");
    await ponder.waitForBlock(await stack.onekey.blockNumber());
    // The rollups say five started this month (they count sessions no provider answered too) ...
    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const { start: monthStart } = monthOf(now);
    // ... the issuer's sessions, which its quota counts, say three: of these five this month, one
    // failed for want of a provider and one is another organization's; one more is last month's.
    const issuerStore = openApiDb({ kind: "postgres", url: issuerDb.url, schema: "onekey_issuer" });
    try {
      const sessions: [string, Date, string | null][] = [
        [ownOrg.toString(), new Date(today), null],
        [ownOrg.toString(), new Date(today), "provider_declined"],
        [ownOrg.toString(), monthStart, null],
        [ownOrg.toString(), new Date(today), "no_provider_available"],
        [ownOrg.toString(), new Date(monthStart.getTime() - 1), null],
        [(ownOrg + 100n).toString(), new Date(today), null],
      ];
      for (const [org, at, failure] of sessions) {
        await sql`INSERT INTO onekey_issuer.kyc_sessions (id, project_id, subject, status, expires_at, created_at,
          updated_at, org_id, failure_reason)
          VALUES (gen_random_uuid(), ${project.toString()}, 'quota-subject', 'started', ${at}, ${at}, ${at}, ${org},
          ${failure})`.execute(issuerStore.db);
      }
    } finally {
      await issuerStore.close();
    }
    try {
      await addRollups(store.db, [
        {
          projectId: project.toString(),
          metric: "verifications.started",
          dimension: "sandbox",
          granularity: "day",
          bucketStart: today,
          value: "5",
          histogram: null,
        },
      ]);
    } finally {
      await store.close();
    }

    const api = client("198.51.100.13");
    const session = await api.login(operator);
    type Page = {
      data: {
        orgId: string;
        owner: string;
        projects: number;
        plan: { name: string; monthlyVerifications: number | null };
        month: string;
        verifications: { used: number; quota: number | null; source: string };
        statement: string;
      }[];
      nextCursor: string | null;
    };
    const first = await api.get<Page>("/v1/operator/organizations?limit=1", session);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const plans = loadPlans();
    const quota = (plans.plans[plans.defaultPlan] as { monthlyVerifications?: number | null }).monthlyVerifications;
    const month = new Date(today).toISOString().slice(0, 7);
    expect(first.body.data).toEqual([
      {
        orgId: ownOrg.toString(),
        owner: owner.address.toLowerCase(),
        projects: 1,
        plan: {
          name: plans.defaultPlan,
          apiRequestsPerWindow: plans.plans[plans.defaultPlan]?.apiRequestsPerWindow ?? null,
          monthlyVerifications: quota ?? null,
        },
        month,
        verifications: { used: 3, quota: quota ?? null, source: "issuer" },
        statement: `/v1/admin/organizations/${ownOrg}/statements/${month}`,
      },
    ]);
    const next = await api.get<Page>(`/v1/operator/organizations?limit=1&cursor=${first.body.nextCursor}`, session);
    expect(next.body.data).toMatchObject([
      { orgId: second.toString(), owner: getAddress(stack.onekey.account(3).address).toLowerCase(), projects: 1 },
    ]);
    expect(next.body.data[0]?.verifications.used).toBe(0);
    expect(next.body.nextCursor).toBeNull();

    expectError(await api.get("/v1/operator/organizations?cursor=!!!", session), 400, "invalid_request", "cursor");
    expectError(await client("198.51.100.1").get("/v1/operator/organizations", ownerSession), 403, "not_operator");
    // Read-only: there is no route that changes a plan.
    expect((await api.post(`/v1/operator/organizations`, { plan: "scale" }, session)).status).toBe(404);
  });

  it("an operator lists the KYC providers and pauses and resumes one through the issuer; every call is audited", async () => {
    const api = client("198.51.100.14");
    const session = await api.login(operator);
    const me = operator.address.toLowerCase();
    const sandbox = {
      name: "sandbox",
      paused: false,
      reason: null,
      changedBy: null,
      changedAt: null,
      circuit: "closed",
      sessionsStarted24h: 3,
      openSessions: 1,
    };
    received.length = 0;
    receivedBodies.length = 0;
    // Only the documented fields are passed on, whatever else the issuer sends.
    issuerAnswer = { status: 200, body: { data: [{ ...sandbox, internal: "not for the API" }] } };
    const listed = await api.get<{ data: unknown[] }>("/v1/operator/providers", session);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body).toEqual({ data: [sandbox] });

    const at = new Date().toISOString();
    issuerAnswer = {
      status: 200,
      body: { name: "sandbox", paused: true, reason: "provider outage", changedBy: me, changedAt: at, changed: true },
    };
    const paused = await api.request<Record<string, unknown>>("PUT", "/v1/operator/providers/sandbox", {
      token: session,
      body: { paused: true, reason: "  provider outage " },
    });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body).toEqual(issuerAnswer.body);
    issuerAnswer = {
      status: 200,
      body: { name: "sandbox", paused: false, reason: "back", changedBy: me, changedAt: at, changed: true },
    };
    const resumed = await api.request("PUT", "/v1/operator/providers/sandbox", {
      token: session,
      body: { paused: false, reason: "back" },
    });
    expect(resumed.status).toBe(200);

    // What the issuer was sent: the token in the header only, the operator as who changed it.
    expect(received).toEqual([
      { method: "GET", url: "/v1/internal/operator/providers", authorization: `Bearer ${ISSUER_TOKEN}` },
      { method: "PUT", url: "/v1/internal/operator/providers/sandbox", authorization: `Bearer ${ISSUER_TOKEN}` },
      { method: "PUT", url: "/v1/internal/operator/providers/sandbox", authorization: `Bearer ${ISSUER_TOKEN}` },
    ]);
    expect(receivedBodies.slice(1).map((b) => JSON.parse(b))).toEqual([
      { paused: true, reason: "provider outage", changedBy: expect.stringMatching(new RegExp(`^${me}$`, "i")) },
      { paused: false, reason: "back", changedBy: expect.stringMatching(new RegExp(`^${me}$`, "i")) },
    ]);

    // The issuer runs no such provider: 404; it refuses or is down: a 503 to retry; a garbled answer too.
    issuerAnswer = { status: 404, body: { code: "provider_not_found" } };
    const unknown = await api.request("PUT", "/v1/operator/providers/sumsub", {
      token: session,
      body: { paused: true, reason: "x" },
    });
    expectError(unknown, 404, "provider_not_found");
    issuerAnswer = { status: 401, body: { code: "operator_token_invalid" } };
    const down = await api.get("/v1/operator/providers", session);
    expectError(down, 503, "issuer_unavailable");
    expect(down.headers.get("retry-after")).toBe("30");
    expect(JSON.stringify(down.body)).not.toContain(ISSUER_TOKEN);
    issuerAnswer = { status: 200, body: { data: [{ name: "sandbox" }] } };
    expectError(await api.get("/v1/operator/providers", session), 503, "issuer_unavailable");

    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const entries = await store.db
        .selectFrom("audit_log")
        .select(["action", "target", "result", "detail"])
        .where("actor", "=", me)
        .where("action", "like", "operator.provider.%")
        .orderBy("id")
        .execute();
      expect(entries.map((e) => [e.action, e.target, e.result, e.detail])).toEqual([
        ["operator.provider.read", null, "ok", { providers: 1 }],
        ["operator.provider.pause", "sandbox", "ok", { reason: "provider outage", changed: true }],
        ["operator.provider.resume", "sandbox", "ok", { reason: "back", changed: true }],
        ["operator.provider.pause", "sumsub", "failed", { reason: "x", failure: "issuer_404_provider_not_found" }],
        ["operator.provider.read", null, "failed", { reason: "issuer_401_operator_token_invalid" }],
        ["operator.provider.read", null, "failed", { reason: "issuer_bad_response" }],
      ]);
    } finally {
      await store.close();
    }
    issuerAnswer = { status: 200, body: { scheduled: 1 } };
  });

  it("attack: a stranger, a tenant admin, bad names and bodies cannot pause a provider; nothing reaches the issuer", async () => {
    received.length = 0;
    const strangerApi = client("203.0.113.74");
    const stranger = throwaway();
    const strangerSession = await strangerApi.login(stranger);
    expectError(await strangerApi.get("/v1/operator/providers", strangerSession), 403, "not_operator");
    expectError(
      await strangerApi.request("PUT", "/v1/operator/providers/sandbox", {
        token: strangerSession,
        body: { paused: true, reason: "x" },
      }),
      403,
      "not_operator",
    );
    // The project's owner administers a tenant, not the protocol.
    expectError(
      await client("198.51.100.1").request("PUT", "/v1/operator/providers/sandbox", {
        token: ownerSession,
        body: { paused: true, reason: "x" },
      }),
      403,
      "not_operator",
    );
    // No session at all.
    expect(
      (
        await client("203.0.113.75").request("PUT", "/v1/operator/providers/sandbox", {
          body: { paused: true, reason: "x" },
        })
      ).status,
    ).toBe(401);

    const api = client("198.51.100.15");
    const session = await api.login(operator);
    for (const name of ["Sandbox", "..%2Fsandbox", "sandbox%00", "a".repeat(33), "sand_box"]) {
      expectError(
        await api.request("PUT", `/v1/operator/providers/${name}`, {
          token: session,
          body: { paused: true, reason: "x" },
        }),
        400,
        "invalid_request",
        "name",
      );
    }
    for (const [body, field] of [
      [{ paused: "yes", reason: "x" }, "paused"],
      [{ paused: true }, "reason"],
      [{ paused: true, reason: "   " }, "reason"],
      [{ paused: true, reason: "x".repeat(201) }, "reason"],
      [{ paused: true, reason: "a\nb" }, "reason"],
    ] as const) {
      expectError(
        await api.request("PUT", "/v1/operator/providers/sandbox", { token: session, body }),
        400,
        "invalid_request",
        field,
      );
    }
    // Who changed it is the session's address, never something the caller says.
    expect(
      (
        await api.request("PUT", "/v1/operator/providers/sandbox", {
          token: session,
          body: { paused: true, reason: "x", changedBy: stranger.address },
        })
      ).status,
    ).toBe(400);
    expectError(await api.get("/v1/operator/providers?select=*", session), 400, "invalid_request");
    expect(received).toEqual([]);

    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const denied = await store.db
        .selectFrom("audit_log")
        .select(["actor", "action", "result"])
        .where("action", "like", "operator.provider.%")
        .where("result", "=", "denied")
        .orderBy("id")
        .execute();
      expect(denied).toEqual([
        { actor: stranger.address.toLowerCase(), action: "operator.provider.read", result: "denied" },
        { actor: stranger.address.toLowerCase(), action: "operator.provider.pause", result: "denied" },
        { actor: owner.address.toLowerCase(), action: "operator.provider.pause", result: "denied" },
      ]);
    } finally {
      await store.close();
    }
  });

  it("logs no 5xx other than the issuer's refusal, and no subject's address", () => {
    const logs = ponder.logs();
    expect(subjects).toHaveLength(3);
    for (const subject of subjects) expect(logs.toLowerCase()).not.toContain(subject.slice(2));
    const lines = logs
      .split("\n")
      .filter((l) => l.includes('"service":"onekey-api"'))
      .map((l) => JSON.parse(l) as { msg: string; status?: number; route?: string });
    const errors = lines.filter((l) => (l.status ?? 0) >= 500 || l.msg === "unhandled error");
    expect(errors.map((l) => [l.status, l.route])).toEqual([
      [503, "/v1/operator/subjects/:address/provider-deletion"],
      [503, "/v1/operator/providers"],
      [503, "/v1/operator/providers"],
    ]);
  });
});
