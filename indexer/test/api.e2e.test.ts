/**
 * End to end, once on PGlite and once on PostgreSQL: a local chain with OneKey deployed through
 * Ignition, Ponder as a child process, real transactions, and what the tenant API answers.
 */
import { kycRegistryAbi, oneKeyPaymasterAbi } from "@onekey/deploy";
import type { Account, Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mineBlocks } from "../../scripts/lib/local-chain.js";
import { ApiClient, type ApiResponse } from "../harness/api.js";
import { ROLE } from "../harness/onekey.js";
import { type PonderProcess, startPonder } from "../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { paymasterOf, sponsorOperation } from "./support/paymaster.js";
import { type ChainStack, eventually, startChainStack } from "./support/stack.js";

const RATE_LIMIT = 100;

function expectError(res: ApiResponse, status: number, code: string, field?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: field ? { code, field } : { code } },
  });
}

let stack: ChainStack;
let issuer: Account;
let paymaster: Address;

beforeAll(async () => {
  stack = await startChainStack();
  paymaster = paymasterOf(stack);
  issuer = stack.onekey.account(1);
  await stack.onekey.registerIssuer(issuer.address);
});

afterAll(async () => {
  await stack?.stop();
});

describe.each(["pglite", "postgres"] as const)("indexer and tenant API on %s", (kind) => {
  const onekey = () => stack.onekey;
  let database: TestDatabase | undefined;
  let ponder: PonderProcess;
  let api: ApiClient;
  // Actors: org owners, a project admin by role, an outsider, subjects.
  let ownerA: Account;
  let ownerB: Account;
  let roleAdmin: Account;
  let outsider: Account;
  let projectA: bigint;
  let projectB: bigint;
  let projectC: bigint;
  let projectD: bigint;
  let sessionA: string;
  let sessionB: string;
  let keyA: string;
  let keyB: string;
  let keyBId: string;
  let keyC: string;
  const secrets: string[] = [];
  const subjectAddresses: Address[] = [];

  const newSubject = async () => {
    const account = await onekey().newAccount();
    subjectAddresses.push(account.address);
    return account;
  };
  const indexed = async (receipt: { blockNumber: bigint }) => ponder.waitForBlock(receipt.blockNumber);

  beforeAll(async () => {
    const chain = onekey();
    ownerA = chain.account(2);
    ownerB = chain.account(3);
    roleAdmin = chain.account(4);
    outsider = chain.account(5);
    const orgA = await chain.createOrganization(ownerA);
    const orgB = await chain.createOrganization(ownerB);
    projectA = await chain.createProject(ownerA, orgA, `alpha-${kind}`, { requiredLevel: 2 });
    projectB = await chain.createProject(ownerB, orgB, `beta-${kind}`);
    projectC = await chain.createProject(ownerA, orgA, `gamma-${kind}`);
    projectD = await chain.createProject(ownerA, orgA, `delta-${kind}`);
    const last = await chain.grantRole(ownerA, projectA, roleAdmin.address, ROLE.ADMIN);

    if (kind === "postgres") database = await createTestDatabase("onekey_e2e");
    ponder = await startPonder({
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: stack.bookDir,
      database: database ? { kind: "postgres", url: database.url } : { kind: "pglite" },
      schema: `e2e_${kind}`,
      env: {
        ONEKEY_API_RATE_LIMIT_POINTS: String(RATE_LIMIT),
        ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000",
      },
    });
    api = new ApiClient(ponder.url);
    await indexed(last);

    sessionA = await api.login(roleAdmin);
    sessionB = await api.login(ownerB);
    keyA = (await api.createKey(sessionA, projectA, { name: "alpha reader" })).key;
    const b = await api.createKey(sessionB, projectB);
    keyB = b.key;
    keyBId = b.id;
    keyC = (await api.createKey(await api.login(ownerA), projectC)).key;
    secrets.push(sessionA, sessionB, keyA, keyB, keyC);
  });

  afterAll(async () => {
    await ponder?.stop();
    await database?.drop();
  });

  describe("indexing", () => {
    it("reports the project of the key, as indexed from ProjectCreated", async () => {
      const res = await api.get("/v1/project", keyA);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        projectId: projectA.toString(),
        slug: `alpha-${kind}`,
        status: "active",
        requiredLevel: 2,
        acceptedIssuers: [],
        activeConsents: 0,
      });
    });

    it("tracks a subject through attestation, consent, revocation, re-attestation and erasure", async () => {
      const chain = onekey();
      const subject = await newSubject();
      const path = `/v1/subjects/${subject.address}`;

      const first = await chain.attest(issuer, { subject: subject.address, level: 3 });
      await indexed(await chain.grantConsent(subject, projectA));
      let status = await api.get(path, keyA);
      expect(status.body).toMatchObject({
        projectId: projectA.toString(),
        subject: subject.address.toLowerCase(),
        verified: true,
        meetsProjectPolicy: true,
        attestation: { uid: first.uid, issuer: issuer.address.toLowerCase(), level: 3, status: "active" },
        consent: { granted: true, revokedAt: null },
      });

      await indexed(await chain.revoke(issuer, first.uid));
      status = await api.get(path, keyA);
      expect(status.body).toMatchObject({
        verified: false,
        meetsProjectPolicy: false,
        attestation: { status: "revoked" },
      });

      const second = await chain.attest(issuer, { subject: subject.address, level: 1 });
      await indexed(second.receipt);
      status = await api.get(path, keyA);
      // Level 1 is below project A's required level 2: verified, yet not meeting the policy.
      expect(status.body).toMatchObject({
        verified: true,
        meetsProjectPolicy: false,
        attestation: { uid: second.uid },
      });

      const history = await api.get<{
        data: { uid: string; status: string; current: boolean; supersededBy: string | null }[];
      }>(`${path}/attestations`, keyA);
      expect(history.status).toBe(200);
      expect(history.body.data.map((a) => [a.uid, a.status, a.current, a.supersededBy])).toEqual([
        [second.uid, "active", true, null],
        [first.uid, "revoked", false, second.uid],
      ]);

      // Erasure also withdraws the consent (on-chain there is nothing left to revoke).
      await indexed(await chain.erase(subject));
      status = await api.get(path, keyA);
      expect(status.body).toMatchObject({
        verified: false,
        attestation: { uid: second.uid, status: "erased" },
        consent: { granted: false },
      });
      expect((status.body as { consent: { revokedAt: string | null } }).consent.revokedAt).not.toBeNull();
      // Without consent the history is not this project's to read.
      expectError(await api.get(`${path}/attestations`, keyA), 404, "not_found");
    });

    it("shows an attestation as expired once chain time passes its expiry, without any event", async () => {
      const chain = onekey();
      const subject = await newSubject();
      const { timestamp } = await chain.client.getBlock();
      const expiresAt = Number(timestamp) + 3;
      await chain.attest(issuer, { subject: subject.address, level: 2, expiresAt });
      await indexed(await chain.grantConsent(subject, projectA));
      const path = `/v1/subjects/${subject.address}`;
      const before = await api.get<{ verified: boolean; attestation: { status: string } }>(path, keyA);
      expect(before.body).toMatchObject({ verified: true, attestation: { status: "active" } });
      // Each automined block moves the local chain's clock one second on.
      await mineBlocks(stack.chain.rpcUrl, 3);
      const after = await eventually(
        "the attestation to expire",
        () => api.get<{ verified: boolean; attestation: { status: string } }>(path, keyA),
        (r) => r.body.attestation?.status === "expired",
      );
      expect(after.body.verified).toBe(false);
    });

    it("pages consenting subjects with a keyset cursor and filters by level and update time", async () => {
      const chain = onekey();
      const subjects: Account[] = [];
      for (let i = 0; i < 5; i++) {
        const subject = await newSubject();
        subjects.push(subject);
        await chain.attest(issuer, { subject: subject.address, level: i + 1 });
        await chain.grantConsent(subject, projectC);
      }
      const last = await chain.revokeConsent(subjects[4] as Account, projectC);
      await indexed(last);

      type Page = {
        data: { subject: string; level: number; consent: string; updatedAt: string }[];
        nextCursor: string | null;
      };
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: ApiResponse<Page> = await api.get<Page>(
          `/v1/consents?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          keyC,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((d) => d.subject));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      const active = subjects.slice(0, 4).map((s) => s.address.toLowerCase());
      expect(pages).toBe(2);
      expect(seen).toEqual(active);

      const atLeast3 = await api.get<Page>("/v1/consents?minLevel=3", keyC);
      expect(atLeast3.body.data.map((d) => d.level)).toEqual([3, 4]);

      const revoked = await api.get<Page>("/v1/consents?status=revoked", keyC);
      expect(revoked.body.data.map((d) => [d.subject, d.consent])).toEqual([
        [(subjects[4] as Account).address.toLowerCase(), "revoked"],
      ]);

      const all = await api.get<Page>("/v1/consents?status=all&limit=500", keyC);
      const newest = all.body.data.at(-1)?.updatedAt as string;
      const since = await api.get<Page>(`/v1/consents?status=all&updatedSince=${encodeURIComponent(newest)}`, keyC);
      expect(since.body.data.length).toBeGreaterThan(0);
      expect(since.body.data.every((d) => d.updatedAt >= newest)).toBe(true);
      expect(since.body.data.length).toBeLessThan(all.body.data.length);
    });

    it("withdraws every consent on erasure, and a new attestation does not bring them back", async () => {
      const chain = onekey();
      const subject = await newSubject();
      const address = subject.address.toLowerCase();
      const hasConsent = (projectId: bigint) =>
        chain.client.readContract({
          address: chain.kycRegistry,
          abi: kycRegistryAbi,
          functionName: "hasConsent",
          args: [subject.address, projectId],
        });
      type Page = { data: { subject: string; consent: string }[] };
      const listed = async (key: string, status: "active" | "revoked") =>
        (await api.get<Page>(`/v1/consents?status=${status}&limit=500`, key)).body.data.some(
          (d) => d.subject === address,
        );
      type Status = { verified: boolean; consent: { granted: boolean; revokedAt: string | null } };
      const statusFor = async (key: string) => (await api.get<Status>(`/v1/subjects/${subject.address}`, key)).body;

      await chain.attest(issuer, { subject: subject.address, level: 3 });
      await chain.grantConsent(subject, projectA);
      await indexed(await chain.grantConsent(subject, projectC));
      expect(await listed(keyA, "active")).toBe(true);
      expect(await listed(keyC, "active")).toBe(true);

      await indexed(await chain.erase(subject));
      expect([await hasConsent(projectA), await hasConsent(projectC)]).toEqual([false, false]);
      for (const key of [keyA, keyC]) {
        expect(await listed(key, "active")).toBe(false);
        expect(await listed(key, "revoked")).toBe(true);
        const body = await statusFor(key);
        expect(body.consent.granted).toBe(false);
        expect(body.consent.revokedAt).not.toBeNull();
      }

      // Re-verification alone restores no consent, on-chain or in the API.
      const again = await chain.attest(issuer, { subject: subject.address, level: 3 });
      await indexed(again.receipt);
      expect([await hasConsent(projectA), await hasConsent(projectC)]).toEqual([false, false]);
      expect(await statusFor(keyA)).toMatchObject({ verified: true, consent: { granted: false } });
      expect(await listed(keyA, "active")).toBe(false);
      expectError(await api.get(`/v1/subjects/${subject.address}/attestations`, keyA), 404, "not_found");

      // A fresh grant to A counts; C stays withdrawn until granted too.
      await indexed(await chain.grantConsent(subject, projectA));
      expect([await hasConsent(projectA), await hasConsent(projectC)]).toEqual([true, false]);
      expect(await statusFor(keyA)).toMatchObject({ verified: true, consent: { granted: true, revokedAt: null } });
      expect(await listed(keyA, "active")).toBe(true);
      expect(await listed(keyC, "active")).toBe(false);
    });
  });

  describe("budget", () => {
    it("reports budget, spend and sponsored operations from the paymaster and the EntryPoint", async () => {
      const chain = onekey();
      const pm = { address: paymaster, abi: oneKeyPaymasterAbi };
      await chain.grantRole(ownerA, projectA, ownerA.address, ROLE.SPONSOR_MANAGER);
      await chain.send(outsider, pm, "fundProject", [projectA], 10n ** 18n);
      const policy = {
        perUserCap: 10n ** 17n,
        periodCap: 5n * 10n ** 17n,
        periodSeconds: 86_400,
        maxOpCost: 10n ** 15n,
      };
      await chain.send(ownerA, pm, "setSponsorshipPolicy", [projectA, policy]);
      await chain.send(ownerA, pm, "withdrawBudget", [projectA, ownerA.address, 10n ** 17n]);
      const op = await sponsorOperation(stack, paymaster, projectA, `${kind}-alpha`);
      await indexed(op.receipt);

      const onChain = (await chain.client.readContract({
        address: paymaster,
        abi: oneKeyPaymasterAbi,
        functionName: "projectBudget",
        args: [projectA],
      })) as { balance: bigint; active: boolean };
      const budget = await api.get("/v1/budget", keyA);
      expect(budget.status).toBe(200);
      expect(budget.body).toEqual({
        projectId: projectA.toString(),
        balance: onChain.balance.toString(),
        totalFunded: (10n ** 18n).toString(),
        totalWithdrawn: (10n ** 17n).toString(),
        totalSpent: op.actualCost.toString(),
        operations: 1,
        active: true,
        policy: {
          perUserCap: "100000000000000000",
          periodCap: "500000000000000000",
          periodSeconds: 86_400,
          maxOpCost: "1000000000000000",
        },
        updatedAt: expect.any(String),
      });
      expect(onChain.balance).toBe(9n * 10n ** 17n - op.actualCost);

      const ops = await api.get<{ data: Record<string, unknown>[]; nextCursor: string | null }>(
        "/v1/budget/operations",
        keyA,
      );
      expect(ops.body.data).toEqual([
        expect.objectContaining({
          userOpHash: op.userOpHash,
          sender: op.sender.toLowerCase(),
          actualCost: op.actualCost.toString(),
          success: true,
          actualGasUsed: op.actualGasUsed.toString(),
          transactionHash: op.receipt.transactionHash,
        }),
      ]);
      expect(ops.body.nextCursor).toBeNull();
    });

    it("shows a project only its own budget and operations", async () => {
      const budget = await api.get("/v1/budget", keyB);
      expect(budget.body).toMatchObject({ projectId: projectB.toString(), balance: "0", operations: 0 });
      const ops = await api.get<{ data: unknown[] }>("/v1/budget/operations", keyB);
      expect(ops.body.data).toEqual([]);
    });
  });

  describe("tenant isolation", () => {
    let onlyB: Account;

    beforeAll(async () => {
      const chain = onekey();
      onlyB = await newSubject();
      await chain.attest(issuer, { subject: onlyB.address, level: 2 });
      await indexed(await chain.grantConsent(onlyB, projectB));
    });

    it("hides another project's consent from the status endpoint", async () => {
      const fromA = await api.get(`/v1/subjects/${onlyB.address}`, keyA);
      expect(fromA.body).toMatchObject({
        projectId: projectA.toString(),
        consent: { granted: false, grantedAt: null },
      });
      const fromB = await api.get(`/v1/subjects/${onlyB.address}`, keyB);
      expect(fromB.body).toMatchObject({ projectId: projectB.toString(), consent: { granted: true } });
    });

    it("never lists another project's consenting subjects", async () => {
      const res = await api.get<{ data: { subject: string }[] }>("/v1/consents?status=all&limit=500", keyA);
      expect(res.status).toBe(200);
      expect(res.body.data.map((d) => d.subject)).not.toContain(onlyB.address.toLowerCase());
      const fromB = await api.get<{ data: { subject: string }[] }>("/v1/consents?status=all&limit=500", keyB);
      expect(fromB.body.data.map((d) => d.subject)).toEqual([onlyB.address.toLowerCase()]);
    });

    it("refuses another project's attestation history", async () => {
      expectError(await api.get(`/v1/subjects/${onlyB.address}/attestations`, keyA), 404, "not_found");
      expect((await api.get(`/v1/subjects/${onlyB.address}/attestations`, keyB)).status).toBe(200);
    });

    it("rejects a project id smuggled into the query string", async () => {
      expectError(await api.get(`/v1/consents?projectId=${projectB}`, keyA), 400, "invalid_request", "projectId");
      expectError(await api.get(`/v1/project?projectId=${projectB}`, keyA), 400, "invalid_request", "projectId");
    });

    it("refuses an admin session on another project's keys and audit log, and audits the refusal", async () => {
      expectError(await api.get(`/v1/admin/projects/${projectB}/api-keys`, sessionA), 403, "not_project_admin");
      expectError(
        await api.post(`/v1/admin/projects/${projectB}/api-keys`, { name: "x", scopes: ["read"] }, sessionA),
        403,
        "not_project_admin",
      );
      expectError(await api.get(`/v1/admin/projects/${projectB}/audit-log`, sessionA), 403, "not_project_admin");
      const audit = await api.get<{ data: { actor: string; action: string; result: string }[] }>(
        `/v1/admin/projects/${projectB}/audit-log`,
        sessionB,
      );
      expect(audit.body.data).toContainEqual(
        expect.objectContaining({ actor: roleAdmin.address.toLowerCase(), action: "api_key.create", result: "denied" }),
      );
    });

    it("cannot rotate or revoke another project's key through its own project path", async () => {
      expectError(
        await api.request("POST", `/v1/admin/projects/${projectA}/api-keys/${keyBId}/rotate`, {
          token: sessionA,
          body: {},
        }),
        404,
        "not_found",
      );
      expectError(
        await api.request("DELETE", `/v1/admin/projects/${projectA}/api-keys/${keyBId}`, { token: sessionA }),
        404,
        "not_found",
      );
      expect((await api.get("/v1/project", keyB)).status).toBe(200);
    });

    it("does not accept a key as a session, nor a session as a key", async () => {
      expectError(await api.get(`/v1/admin/projects/${projectA}/api-keys`, keyA), 401, "session_invalid");
      expectError(await api.get("/v1/project", sessionA), 401, "api_key_malformed");
    });

    it("serves GraphQL over public tables only, and no SQL endpoint", async () => {
      const ok = await api.post<{ data?: { projectss: { items: { slug: string }[] } } }>("/graphql", {
        query: "{ projectss(limit: 100) { items { slug } } }",
      });
      expect(ok.body.data?.projectss.items.map((p) => p.slug)).toContain(`beta-${kind}`);
      const consents = await api.post<{ errors?: unknown[] }>("/graphql", {
        query: "{ consentss { items { subject projectId } } }",
      });
      expect(consents.body.errors?.length).toBeGreaterThan(0);
      const subjects = await api.post<{ errors?: unknown[] }>("/graphql", {
        query: "{ subjectss { items { subject } } }",
      });
      expect(subjects.body.errors?.length).toBeGreaterThan(0);
      expect((await api.get("/sql/db")).status).toBe(404);
    });
  });

  describe("admin sign-in (SIWE)", () => {
    it("signs in an org owner and a role admin, listing the projects each administers", async () => {
      const owner = await api.post<{ projects: string[] }>("/v1/auth/login", await api.signedLogin(ownerA));
      expect(owner.status).toBe(200);
      // The chain is shared by both database runs: the same owner also holds the other run's projects.
      expect(owner.body.projects).toEqual(expect.arrayContaining([projectA, projectC, projectD].map(String)));
      expect(owner.body.projects).not.toContain(projectB.toString());
      const session = await api.get<{ address: string; projects: string[] }>("/v1/auth/session", sessionA);
      expect(session.body.address).toBe(roleAdmin.address.toLowerCase());
      expect(session.body.projects).toContain(projectA.toString());
      expect(session.body.projects).not.toContain(projectC.toString());
    });

    it("refuses a replayed login", async () => {
      const signed = await api.signedLogin(outsider);
      expect((await api.post("/v1/auth/login", signed)).status).toBe(200);
      expectError(await api.post("/v1/auth/login", signed), 401, "siwe_nonce_invalid");
    });

    it("refuses a message for another domain", async () => {
      expectError(
        await api.post("/v1/auth/login", await api.signedLogin(outsider, { domain: "evil.example" })),
        401,
        "siwe_domain_mismatch",
      );
    });

    it("refuses a message for another chain", async () => {
      expectError(
        await api.post("/v1/auth/login", await api.signedLogin(outsider, { chainId: 8453 })),
        401,
        "siwe_chain_mismatch",
      );
    });

    it("refuses an expired message, and one issued too long ago", async () => {
      expectError(
        await api.post(
          "/v1/auth/login",
          await api.signedLogin(outsider, { expirationTime: new Date(Date.now() - 1000) }),
        ),
        401,
        "siwe_expired",
      );
      expectError(
        await api.post(
          "/v1/auth/login",
          await api.signedLogin(outsider, { issuedAt: new Date(Date.now() - 2 * 3600 * 1000) }),
        ),
        401,
        "siwe_expired",
      );
    });

    it("refuses a message not valid yet", async () => {
      expectError(
        await api.post(
          "/v1/auth/login",
          await api.signedLogin(outsider, { notBefore: new Date(Date.now() + 3600_000) }),
        ),
        401,
        "siwe_not_yet_valid",
      );
    });

    it("refuses a nonce the server never issued", async () => {
      expectError(
        await api.post("/v1/auth/login", await api.signedLogin(outsider, { nonce: "a1b2c3d4e5f6a7b8c9" })),
        401,
        "siwe_nonce_invalid",
      );
    });

    it("refuses a signature by someone other than the named address", async () => {
      // The outsider signs a message claiming to be the owner of project A.
      const forged = await api.signedLogin(outsider, { address: ownerA.address });
      expectError(await api.post("/v1/auth/login", forged), 401, "siwe_signature_invalid");
    });

    it("refuses an outsider's admin calls, and a session after logout", async () => {
      const token = await api.login(outsider);
      expectError(await api.get(`/v1/admin/projects/${projectA}/api-keys`, token), 403, "not_project_admin");
      expect((await api.post("/v1/auth/logout", undefined, token)).status).toBe(204);
      expectError(await api.get("/v1/auth/session", token), 401, "session_invalid");
    });
  });

  describe("API keys", () => {
    it("shows the secret once, lists only its prefix, and stores no secret in plain text", async () => {
      const created = await api.post<{
        key: string;
        apiKey: { id: string; prefix: string; scopes: string[]; status: string };
      }>(`/v1/admin/projects/${projectA}/api-keys`, { name: "ci", scopes: ["webhooks:manage", "read"] }, sessionA);
      expect(created.status).toBe(201);
      secrets.push(created.body.key);
      expect(created.body.key).toMatch(/^okk_[A-Za-z0-9_-]{43}$/);
      expect(created.body.apiKey).toMatchObject({ scopes: ["read", "webhooks:manage"], status: "active" });
      const list = await api.get<{ data: Record<string, unknown>[] }>(
        `/v1/admin/projects/${projectA}/api-keys`,
        sessionA,
      );
      const listed = list.body.data.find((k) => k.id === created.body.apiKey.id);
      expect(listed).toMatchObject({ prefix: created.body.key.slice(0, 10), status: "active" });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    });

    it("enforces scopes: a webhooks-only key cannot read", async () => {
      const { key } = await api.createKey(sessionA, projectA, { scopes: ["webhooks:manage"] });
      secrets.push(key);
      expectError(await api.get("/v1/project", key), 403, "scope_missing");
    });

    it("rotates: the new key works and the old one stops at once", async () => {
      const { key, id } = await api.createKey(sessionA, projectA);
      const rotated = await api.post<{ key: string; apiKey: { rotatedFrom: string }; previous: { status: string } }>(
        `/v1/admin/projects/${projectA}/api-keys/${id}/rotate`,
        {},
        sessionA,
      );
      expect(rotated.status).toBe(201);
      secrets.push(key, rotated.body.key);
      expect(rotated.body.apiKey.rotatedFrom).toBe(id);
      expect(rotated.body.previous.status).toBe("revoked");
      expectError(await api.get("/v1/project", key), 401, "api_key_revoked");
      expect((await api.get("/v1/project", rotated.body.key)).status).toBe(200);
      expectError(
        await api.post(`/v1/admin/projects/${projectA}/api-keys/${id}/rotate`, {}, sessionA),
        409,
        "api_key_not_live",
      );
    });

    it("rotates with a grace period: both keys work until it ends", async () => {
      const { key, id } = await api.createKey(sessionA, projectA);
      const rotated = await api.post<{ key: string; previous: { revokedAt: string } }>(
        `/v1/admin/projects/${projectA}/api-keys/${id}/rotate`,
        { gracePeriodSeconds: 3600 },
        sessionA,
      );
      secrets.push(key, rotated.body.key);
      expect((await api.get("/v1/project", key)).status).toBe(200);
      expect((await api.get("/v1/project", rotated.body.key)).status).toBe(200);
      expect(Date.parse(rotated.body.previous.revokedAt)).toBeGreaterThan(Date.now() + 3500_000);
    });

    it("revokes: the key stops working, and the audit log records who did what", async () => {
      const { key, id } = await api.createKey(sessionA, projectA);
      secrets.push(key);
      expect((await api.get("/v1/project", key)).status).toBe(200);
      const revoked = await api.request<{ apiKey: { status: string } }>(
        "DELETE",
        `/v1/admin/projects/${projectA}/api-keys/${id}`,
        { token: sessionA },
      );
      expect(revoked.body.apiKey.status).toBe("revoked");
      expectError(await api.get("/v1/project", key), 401, "api_key_revoked");
      const audit = await api.get<{ data: { actor: string; action: string; target: string; result: string }[] }>(
        `/v1/admin/projects/${projectA}/audit-log`,
        sessionA,
      );
      expect(audit.body.data[0]).toMatchObject({
        actor: roleAdmin.address.toLowerCase(),
        action: "api_key.revoke",
        target: id,
        result: "ok",
      });
      expect(audit.body.data.map((e) => e.action)).toEqual(
        expect.arrayContaining(["api_key.create", "api_key.rotate"]),
      );
      expect(JSON.stringify(audit.body)).not.toMatch(/okk_[A-Za-z0-9_-]{43}/);
    });

    it("expires a key at its expiry time", async () => {
      const { key } = await api.createKey(sessionA, projectA, { expiresAt: new Date(Date.now() + 2000).toISOString() });
      secrets.push(key);
      expect((await api.get("/v1/project", key)).status).toBe(200);
      const res = await eventually(
        "the key to expire",
        () => api.get("/v1/project", key),
        (r) => r.status === 401,
      );
      expectError(res, 401, "api_key_expired");
    });

    it("loses its admin rights with the role: keys can no longer be managed", async () => {
      const chain = onekey();
      const temp = chain.account(6);
      await indexed(await chain.grantRole(ownerA, projectD, temp.address, ROLE.ADMIN));
      const token = await api.login(temp);
      expect((await api.get(`/v1/admin/projects/${projectD}/api-keys`, token)).status).toBe(200);
      await indexed(await chain.revokeRole(ownerA, projectD, temp.address, ROLE.ADMIN));
      expectError(await api.get(`/v1/admin/projects/${projectD}/api-keys`, token), 403, "not_project_admin");
    });
  });

  describe("validation and limits", () => {
    const malformed: [string, string, unknown, number, string, string?][] = [
      // method, path, body, status, code, field
      ["GET", "/v1/subjects/0x1234", undefined, 400, "invalid_request", "address"],
      ["GET", "/v1/subjects/not-an-address", undefined, 400, "invalid_request", "address"],
      ["GET", `/v1/subjects/0x${"g".repeat(40)}`, undefined, 400, "invalid_request", "address"],
      ["GET", `/v1/subjects/0x${"a".repeat(40)}?x=1`, undefined, 400, "invalid_request", "x"],
      ["GET", "/v1/consents?limit=0", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=501", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=abc", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?limit=1&limit=2", undefined, 400, "invalid_request", "limit"],
      ["GET", "/v1/consents?minLevel=256", undefined, 400, "invalid_request", "minLevel"],
      ["GET", "/v1/consents?minLevel=-1", undefined, 400, "invalid_request", "minLevel"],
      ["GET", "/v1/consents?status=pending", undefined, 400, "invalid_request", "status"],
      ["GET", "/v1/consents?updatedSince=yesterday", undefined, 400, "invalid_request", "updatedSince"],
      ["GET", "/v1/consents?updatedSince=2026-13-45T99:99:99Z", undefined, 400, "invalid_request", "updatedSince"],
      ["GET", "/v1/consents?cursor=%25%25%25", undefined, 400, "invalid_request", "cursor"],
      ["GET", "/v1/consents?cursor=bm90LWEtY3Vyc29y", undefined, 400, "invalid_request", "cursor"],
      ["GET", `/v1/consents?cursor=${"A".repeat(201)}`, undefined, 400, "invalid_request", "cursor"],
      [
        "GET",
        "/v1/subjects/0x0000000000000000000000000000000000000001/attestations?cursor=x",
        undefined,
        400,
        "invalid_request",
        "cursor",
      ],
      ["GET", "/v1/admin/projects/0/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/abc/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/18446744073709551616/api-keys", undefined, 400, "invalid_request", "projectId"],
      // Beyond the API's bigint columns (int64), though a valid uint64 on-chain.
      ["GET", "/v1/admin/projects/9223372036854775808/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["GET", "/v1/admin/projects/99999999999999999999999/api-keys", undefined, 400, "invalid_request", "projectId"],
      ["DELETE", "/v1/admin/projects/1/api-keys/not-a-key", undefined, 400, "invalid_request", "keyId"],
      ["POST", "/v1/admin/projects/1/api-keys", {}, 400, "invalid_request", "name"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "", scopes: ["read"] }, 400, "invalid_request", "name"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "x".repeat(65), scopes: ["read"] },
        400,
        "invalid_request",
        "name",
      ],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "<script>", scopes: ["read"] }, 400, "invalid_request", "name"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: [] }, 400, "invalid_request", "scopes"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: ["admin"] }, 400, "invalid_request", "scopes.0"],
      ["POST", "/v1/admin/projects/1/api-keys", { name: "k", scopes: "read" }, 400, "invalid_request", "scopes"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "k", scopes: ["read"], expiresAt: "soon" },
        400,
        "invalid_request",
        "expiresAt",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys",
        { name: "k", scopes: ["read"], projectId: "2" },
        400,
        "invalid_request",
        "projectId",
      ],
      ["POST", "/v1/admin/projects/1/api-keys", [1, 2], 400, "invalid_request"],
      ["POST", "/v1/admin/projects/1/api-keys", "just a string", 400, "invalid_request"],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: -1 },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: 1e9 },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      [
        "POST",
        "/v1/admin/projects/1/api-keys/key_AAAAAAAAAAAA/rotate",
        { gracePeriodSeconds: "1" },
        400,
        "invalid_request",
        "gracePeriodSeconds",
      ],
      ["POST", "/v1/auth/login", { message: "hello", signature: "0x00" }, 400, "siwe_message_malformed", "message"],
      ["POST", "/v1/auth/login", { message: "x".repeat(5000), signature: "0x00" }, 400, "invalid_request", "message"],
      ["POST", "/v1/auth/login", { message: "m", signature: "zz" }, 400, "invalid_request", "signature"],
      ["POST", "/v1/auth/login", { message: 5, signature: "0x00" }, 400, "invalid_request", "message"],
      ["POST", "/v1/auth/login", null, 400, "invalid_request"],
    ];

    const cases = malformed.map(([method, path, body, status, code, field]) => ({
      label: `${method} ${path.slice(0, 70)} ${JSON.stringify(body)?.slice(0, 50) ?? ""}`,
      method,
      path,
      body,
      status,
      code,
      field,
    }));
    it.each(cases)("$label -> $status $code $field", async ({ method, path, body, status, code, field }) => {
      const token = path.startsWith("/v1/admin") ? sessionA : path.startsWith("/v1/auth") ? undefined : keyC;
      const res = await api.request(method, path, { token, body });
      expectError(res, status, code, field);
    });

    it("answers malformed JSON, a wrong content type and an oversized header with a 4xx, never a 5xx", async () => {
      const badJson = await api.request("POST", `/v1/admin/projects/${projectA}/api-keys`, {
        token: sessionA,
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      });
      expectError(badJson, 400, "invalid_request", "body");
      const form = await api.request("POST", "/v1/auth/login", {
        rawBody: "message=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(form.status).toBeGreaterThanOrEqual(400);
      expect(form.status).toBeLessThan(500);
      const weird = await api.request("GET", "/v1/project", {
        headers: { authorization: `Bearer ${"x".repeat(4000)}` },
      });
      expectError(weird, 401, "api_key_malformed");
    });

    it("rate-limits per project with 429 and Retry-After, leaving other projects alone", async () => {
      const session = await api.login(ownerA);
      const { key } = await api.createKey(session, projectD);
      secrets.push(session, key);
      const statuses: number[] = [];
      let limited: ApiResponse | undefined;
      for (let i = 0; i < RATE_LIMIT + 5 && !limited; i++) {
        const res = await api.get("/v1/project", key);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
      expect(limited).toBeDefined();
      expectError(limited as ApiResponse, 429, "rate_limited");
      expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
      // Project A's budget is its own.
      expect((await api.get("/v1/project", keyA)).status).toBe(200);
      const metrics = (await api.get("/metrics/api")).body as unknown as string;
      expect(metrics).toMatch(
        new RegExp(`onekey_api_rate_limited_total\\{project_id="${projectD}",scope="tenant"\\} 1`),
      );
      expect(metrics).toMatch(
        new RegExp(
          `onekey_api_requests_total\\{route="/v1/project",method="GET",status="200",project_id="${projectA}"\\} \\d+`,
        ),
      );
    });

    it("documents every route in /openapi.json", async () => {
      const res = await api.get<{ openapi: string; paths: Record<string, Record<string, { responses: object }>> }>(
        "/openapi.json",
      );
      expect(res.body.openapi).toBe("3.1.0");
      const operations = Object.entries(res.body.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          "POST /v1/auth/nonce",
          "POST /v1/auth/login",
          "GET /v1/auth/session",
          "POST /v1/auth/logout",
          "GET /v1/admin/projects/{projectId}/api-keys",
          "POST /v1/admin/projects/{projectId}/api-keys",
          "POST /v1/admin/projects/{projectId}/api-keys/{keyId}/rotate",
          "DELETE /v1/admin/projects/{projectId}/api-keys/{keyId}",
          "GET /v1/admin/projects/{projectId}/audit-log",
          "GET /v1/project",
          "GET /v1/subjects/{address}",
          "GET /v1/subjects/{address}/attestations",
          "GET /v1/consents",
          "GET /v1/budget",
          "GET /v1/budget/operations",
          "POST /v1/webhooks/endpoints",
          "GET /v1/webhooks/endpoints",
          "GET /v1/webhooks/endpoints/{endpointId}",
          "PATCH /v1/webhooks/endpoints/{endpointId}",
          "DELETE /v1/webhooks/endpoints/{endpointId}",
          "POST /v1/webhooks/endpoints/{endpointId}/rotate-secret",
          "POST /v1/webhooks/endpoints/{endpointId}/test",
          "GET /v1/webhooks/settings",
          "PUT /v1/webhooks/settings",
          "GET /v1/webhooks/deliveries",
          "GET /v1/webhooks/deliveries/{deliveryId}",
          "POST /v1/webhooks/deliveries/{deliveryId}/replay",
          "POST /v1/webhooks/replay",
        ].sort(),
      );
      for (const ops of Object.values(res.body.paths)) {
        for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain("400");
      }
    });

    it("logs structured JSON lines without keys, tokens or subject addresses", () => {
      const logs = ponder.logs();
      const apiLines = logs
        .split("\n")
        .filter((l) => l.includes('"service":"onekey-api"'))
        .map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number });
      expect(apiLines.filter((l) => l.msg === "request").length).toBeGreaterThan(100);
      expect(apiLines.some((l) => l.route === "/v1/subjects/:address")).toBe(true);
      expect(secrets.length).toBeGreaterThan(5);
      for (const secret of secrets) expect(logs).not.toContain(secret);
      for (const address of subjectAddresses) {
        expect(logs).not.toContain(address);
        expect(logs).not.toContain(address.toLowerCase());
      }
      expect(logs).not.toMatch(/okk_[A-Za-z0-9_-]{43}|oks_[A-Za-z0-9_-]{43}/);
    });
  });
});
