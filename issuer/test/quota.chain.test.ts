/**
 * The monthly verification quota (an organization's plan, @onekey/service-kit/plans) through the
 * real issuer, two replicas, PostgreSQL and the shared local chain: an organization's projects
 * share its quota, an attacker's burst of concurrent starts at the limit is accepted exactly up to
 * it (the advisory lock), a resumed session is not counted, other organizations are untouched, and
 * the next calendar month (UTC) opens it again.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRegistryAbi } from "@onekey/deploy";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthOf } from "../src/kyc/sessions/quota.js";
import { type ApiAnswer, eventually, type SessionBody, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack } from "./support/kyc-stack.js";
import { createProject, dropTestDatabase, ensureKycIssuer, LEVEL, send, stack } from "./support/stack.js";

const LIMIT = 3;
const RETURN_URL = "http://localhost:5173/verify/acme";
let kyc: KycStack;
let dir: string;
let plansFile: string;
let orgId: bigint;
let projectA: bigint;
let projectB: bigint;
let otherOrgProject: bigint;

async function orgOf(projectId: bigint): Promise<bigint> {
  const { contracts, publicClient } = stack();
  const project = await publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "getProject",
    args: [projectId],
  });
  return project.orgId;
}

/** A second project in `org` (createProject makes a new organization each time). */
async function projectIn(org: bigint, slug: string): Promise<bigint> {
  const { contracts, publicClient } = stack();
  await send(contracts.projectRegistry, projectRegistryAbi, "createProject", [
    org,
    `${slug}-${Date.now().toString(36)}`,
    { requiredLevel: LEVEL, acceptedIssuers: [], metadataURI: "" },
  ]);
  return publicClient.readContract({
    address: contracts.projectRegistry,
    abi: projectRegistryAbi,
    functionName: "projectCount",
  });
}

/** A person signed in, their message dated by the issuer's (movable) clock. */
async function signedIn(url: string): Promise<SessionClient> {
  const client = new SessionClient(url);
  const account = privateKeyToAccount(generatePrivateKey());
  const message = await client.siweMessage(account.address, { issuedAt: kyc.clock.now() });
  const answer = await client.post<{ token: string }>("/v1/auth/verify", {
    message,
    signature: await account.signMessage({ message }),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  client.token = answer.body.token;
  return client;
}

const start = (client: SessionClient, project: bigint) =>
  client.post<SessionBody & { code?: string; detail?: string }>("/v1/sessions", {
    project: project.toString(),
    returnUrl: RETURN_URL,
  });

async function startedThisMonth(org: bigint): Promise<number> {
  const { start: from } = monthOf(kyc.clock.now());
  const rows = await kyc.issuer.resources.db
    .selectFrom("kyc_sessions")
    .select("id")
    .where("org_id", "=", org.toString())
    .where("created_at", ">=", from)
    .execute();
  return rows.length;
}

function writePlans(limit: number) {
  writeFileSync(
    plansFile,
    JSON.stringify({
      version: `test-${limit}`,
      defaultPlan: "open",
      plans: {
        open: { apiRequestsPerWindow: null, monthlyVerifications: null },
        tiny: { apiRequestsPerWindow: null, monthlyVerifications: limit },
      },
      organizations: { [orgId.toString()]: "tiny" },
    }),
  );
}

beforeAll(async () => {
  await ensureKycIssuer();
  projectA = await createProject("quota-a");
  orgId = await orgOf(projectA);
  projectB = await projectIn(orgId, "quota-b");
  otherOrgProject = await createProject("quota-other");
  dir = mkdtempSync(join(tmpdir(), "onekey-plans-"));
  plansFile = join(dir, "plans.json");
  writePlans(LIMIT);
  kyc = await startKycStack({ ONEKEY_PLANS_FILE: plansFile, ONEKEY_ISSUER_SESSION_PROJECT_RATE_PER_MINUTE: "1000" });
});
afterAll(async () => {
  await kyc?.stop();
  await dropTestDatabase();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the monthly verification quota", () => {
  it("accepts exactly the plan's limit from a concurrent burst over two replicas and both of the organization's projects", async () => {
    const replica = await kyc.replica();
    const burst = 12;
    const clients = await Promise.all(
      Array.from({ length: burst }, (_, i) => signedIn(i % 2 === 0 ? kyc.issuer.url : replica.url)),
    );
    const answers = await Promise.all(clients.map((c, i) => start(c, i % 3 === 0 ? projectB : projectA)));
    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(accepted.length, JSON.stringify(answers.map((a) => a.status))).toBe(LIMIT);
    expect(refused.length).toBe(burst - LIMIT);
    expect(await startedThisMonth(orgId)).toBe(LIMIT);

    const { end } = monthOf(kyc.clock.now());
    for (const answer of refused as ApiAnswer<{ code?: string; detail?: string }>[]) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.body.code).toBe("verification_quota_exceeded");
      expect(answer.body.detail).toContain("(tiny)");
      expect(answer.body.detail).toContain(`allows ${LIMIT} verifications a month`);
      expect(answer.body.detail).toContain(end.toISOString().slice(0, 10));
      expect(answer.body.detail).toContain("ask OneKey's operator");
      const retryAfter = Number(answer.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil((end.getTime() - kyc.clock.now().getTime()) / 1000) + 5);
    }

    // A person part-way through resumes their session: it is not a new verification.
    const first = answers.findIndex((a) => a.status === 201);
    const resumed = await start(clients[first] as SessionClient, first % 3 === 0 ? projectB : projectA);
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(await startedThisMonth(orgId)).toBe(LIMIT);
  });

  it("leaves other organizations alone (their plan is unlimited)", async () => {
    const answers = await Promise.all(
      Array.from({ length: LIMIT + 2 }, async () => start(await signedIn(kyc.issuer.url), otherOrgProject)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(LIMIT + 2).fill(201));
  });

  it("takes a raised limit from the plans file without a restart, and keeps it through a broken change", async () => {
    writePlans(LIMIT + 1);
    const client = await signedIn(kyc.issuer.url);
    const accepted = await eventually(
      "the plans file's change",
      () => start(client, projectA),
      (r) => r.status !== 429,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(await startedThisMonth(orgId)).toBe(LIMIT + 1);
    // Once the watcher has read the broken file and refused it, the limit in force is unchanged.
    const refusedBefore = kyc.issuer.plansErrors.length;
    writeFileSync(plansFile, "{ not json");
    const [refusal] = await eventually(
      "the watcher to read the broken plans file",
      async () => kyc.issuer.plansErrors.slice(refusedBefore),
      (errors) => errors.length > 0,
    );
    expect(refusal?.message).toContain(plansFile);
    const refused = await start(await signedIn(kyc.issuer.url), projectB);
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain(`allows ${LIMIT + 1} verifications`);
    writePlans(LIMIT + 1);
  });

  it("opens again in the next calendar month (UTC)", async () => {
    const refused = await start(await signedIn(kyc.issuer.url), projectA);
    expect(refused.status).toBe(429);
    const { end } = monthOf(kyc.clock.now());
    kyc.clock.advance(end.getTime() - kyc.clock.now().getTime() + 60_000);
    const accepted = await start(await signedIn(kyc.issuer.url), projectA);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(await startedThisMonth(orgId)).toBe(1);
  });
});
