/**
 * The tenant routes (src/api/routes/tenant.ts) end to end, once on PGlite and once on PostgreSQL:
 * real transactions on a local chain, Ponder indexing them, and what a project's API key reads.
 */
import { kycRegistryAbi, oneKeyPaymasterAbi } from "@onekey/deploy";
import { mineBlocks } from "@onekey/devnet/local-chain";
import { ROLE } from "@onekey/devnet/onekey-chain";
import type { Account } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiResponse } from "../../../harness/api.js";
import { describeApiWorld, expectCleanLogs, expectError } from "../../support/apiWorld.js";
import { sponsorOperation } from "../../support/paymaster.js";
import { eventually } from "../../support/stack.js";

describeApiWorld("tenant routes", (w) => {
  describe("indexing", () => {
    it("reports the project of the key, as indexed from ProjectCreated", async () => {
      const res = await w.api.get("/v1/project", w.keyA);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        projectId: w.projectA.toString(),
        slug: `alpha-${w.kind}`,
        status: "active",
        requiredLevel: 2,
        acceptedIssuers: [],
        activeConsents: 0,
      });
    });

    it("tracks a subject through attestation, consent, revocation, re-attestation and erasure", async () => {
      const chain = w.onekey;
      const subject = await w.newSubject();
      const path = `/v1/subjects/${subject.address}`;

      const first = await chain.attest(w.issuer, { subject: subject.address, level: 3 });
      await w.indexed(await chain.grantConsent(subject, w.projectA));
      let status = await w.api.get(path, w.keyA);
      expect(status.body).toMatchObject({
        projectId: w.projectA.toString(),
        subject: subject.address.toLowerCase(),
        verified: true,
        meetsProjectPolicy: true,
        attestation: { uid: first.uid, issuer: w.issuer.address.toLowerCase(), level: 3, status: "active" },
        consent: { granted: true, revokedAt: null },
      });

      await w.indexed(await chain.revoke(w.issuer, first.uid));
      status = await w.api.get(path, w.keyA);
      expect(status.body).toMatchObject({
        verified: false,
        meetsProjectPolicy: false,
        attestation: { status: "revoked" },
      });

      const second = await chain.attest(w.issuer, { subject: subject.address, level: 1 });
      await w.indexed(second.receipt);
      status = await w.api.get(path, w.keyA);
      // Level 1 is below project A's required level 2: verified, yet not meeting the policy.
      expect(status.body).toMatchObject({
        verified: true,
        meetsProjectPolicy: false,
        attestation: { uid: second.uid },
      });

      const history = await w.api.get<{
        data: { uid: string; status: string; current: boolean; supersededBy: string | null }[];
      }>(`${path}/attestations`, w.keyA);
      expect(history.status).toBe(200);
      expect(history.body.data.map((a) => [a.uid, a.status, a.current, a.supersededBy])).toEqual([
        [second.uid, "active", true, null],
        [first.uid, "revoked", false, second.uid],
      ]);

      // Erasure also withdraws the consent (on-chain there is nothing left to revoke).
      await w.indexed(await chain.erase(subject));
      status = await w.api.get(path, w.keyA);
      expect(status.body).toMatchObject({
        verified: false,
        attestation: { uid: second.uid, status: "erased" },
        consent: { granted: false },
      });
      expect((status.body as { consent: { revokedAt: string | null } }).consent.revokedAt).not.toBeNull();
      // Without consent the history is not this project's to read.
      expectError(await w.api.get(`${path}/attestations`, w.keyA), 404, "not_found");
    });

    it("shows an attestation as expired once chain time passes its expiry, without any event", async () => {
      const chain = w.onekey;
      const subject = await w.newSubject();
      const { timestamp } = await chain.client.getBlock();
      const expiresAt = Number(timestamp) + 3;
      await chain.attest(w.issuer, { subject: subject.address, level: 2, expiresAt });
      await w.indexed(await chain.grantConsent(subject, w.projectA));
      const path = `/v1/subjects/${subject.address}`;
      const before = await w.api.get<{ verified: boolean; attestation: { status: string } }>(path, w.keyA);
      expect(before.body).toMatchObject({ verified: true, attestation: { status: "active" } });
      // Each automined block moves the local chain's clock one second on.
      await mineBlocks(w.stack.chain.rpcUrl, 3);
      const after = await eventually(
        "the attestation to expire",
        () => w.api.get<{ verified: boolean; attestation: { status: string } }>(path, w.keyA),
        (r) => r.body.attestation?.status === "expired",
      );
      expect(after.body.verified).toBe(false);
    });

    it("pages consenting subjects with a keyset cursor and filters by level and update time", async () => {
      const chain = w.onekey;
      const subjects: Account[] = [];
      for (let i = 0; i < 5; i++) {
        const subject = await w.newSubject();
        subjects.push(subject);
        await chain.attest(w.issuer, { subject: subject.address, level: i + 1 });
        await chain.grantConsent(subject, w.projectC);
      }
      const last = await chain.revokeConsent(subjects[4] as Account, w.projectC);
      await w.indexed(last);

      type Page = {
        data: { subject: string; level: number; consent: string; updatedAt: string }[];
        nextCursor: string | null;
      };
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: ApiResponse<Page> = await w.api.get<Page>(
          `/v1/consents?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          w.keyC,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((d) => d.subject));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      const active = subjects.slice(0, 4).map((s) => s.address.toLowerCase());
      expect(pages).toBe(2);
      expect(seen).toEqual(active);

      const atLeast3 = await w.api.get<Page>("/v1/consents?minLevel=3", w.keyC);
      expect(atLeast3.body.data.map((d) => d.level)).toEqual([3, 4]);

      const revoked = await w.api.get<Page>("/v1/consents?status=revoked", w.keyC);
      expect(revoked.body.data.map((d) => [d.subject, d.consent])).toEqual([
        [(subjects[4] as Account).address.toLowerCase(), "revoked"],
      ]);

      const all = await w.api.get<Page>("/v1/consents?status=all&limit=500", w.keyC);
      const newest = all.body.data.at(-1)?.updatedAt as string;
      const since = await w.api.get<Page>(`/v1/consents?status=all&updatedSince=${encodeURIComponent(newest)}`, w.keyC);
      expect(since.body.data.length).toBeGreaterThan(0);
      expect(since.body.data.every((d) => d.updatedAt >= newest)).toBe(true);
      expect(since.body.data.length).toBeLessThan(all.body.data.length);
    });

    it("withdraws every consent on erasure, and a new attestation does not bring them back", async () => {
      const chain = w.onekey;
      const subject = await w.newSubject();
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
        (await w.api.get<Page>(`/v1/consents?status=${status}&limit=500`, key)).body.data.some(
          (d) => d.subject === address,
        );
      type Status = { verified: boolean; consent: { granted: boolean; revokedAt: string | null } };
      const statusFor = async (key: string) => (await w.api.get<Status>(`/v1/subjects/${subject.address}`, key)).body;

      await chain.attest(w.issuer, { subject: subject.address, level: 3 });
      await chain.grantConsent(subject, w.projectA);
      await w.indexed(await chain.grantConsent(subject, w.projectC));
      expect(await listed(w.keyA, "active")).toBe(true);
      expect(await listed(w.keyC, "active")).toBe(true);

      await w.indexed(await chain.erase(subject));
      expect([await hasConsent(w.projectA), await hasConsent(w.projectC)]).toEqual([false, false]);
      for (const key of [w.keyA, w.keyC]) {
        expect(await listed(key, "active")).toBe(false);
        expect(await listed(key, "revoked")).toBe(true);
        const body = await statusFor(key);
        expect(body.consent.granted).toBe(false);
        expect(body.consent.revokedAt).not.toBeNull();
      }

      // Re-verification alone restores no consent, on-chain or in the API.
      const again = await chain.attest(w.issuer, { subject: subject.address, level: 3 });
      await w.indexed(again.receipt);
      expect([await hasConsent(w.projectA), await hasConsent(w.projectC)]).toEqual([false, false]);
      expect(await statusFor(w.keyA)).toMatchObject({ verified: true, consent: { granted: false } });
      expect(await listed(w.keyA, "active")).toBe(false);
      expectError(await w.api.get(`/v1/subjects/${subject.address}/attestations`, w.keyA), 404, "not_found");

      // A fresh grant to A counts; C stays withdrawn until granted too.
      await w.indexed(await chain.grantConsent(subject, w.projectA));
      expect([await hasConsent(w.projectA), await hasConsent(w.projectC)]).toEqual([true, false]);
      expect(await statusFor(w.keyA)).toMatchObject({ verified: true, consent: { granted: true, revokedAt: null } });
      expect(await listed(w.keyA, "active")).toBe(true);
      expect(await listed(w.keyC, "active")).toBe(false);
    });
  });

  describe("budget", () => {
    it("reports budget, spend and sponsored operations from the paymaster and the EntryPoint", async () => {
      const chain = w.onekey;
      const pm = { address: w.paymaster, abi: oneKeyPaymasterAbi };
      await chain.grantRole(w.ownerA, w.projectA, w.ownerA.address, ROLE.SPONSOR_MANAGER);
      await chain.send(w.outsider, pm, "fundProject", [w.projectA], 10n ** 18n);
      const policy = {
        perUserCap: 10n ** 17n,
        periodCap: 5n * 10n ** 17n,
        periodSeconds: 86_400,
        maxOpCost: 10n ** 15n,
      };
      await chain.send(w.ownerA, pm, "setSponsorshipPolicy", [w.projectA, policy]);
      await chain.send(w.ownerA, pm, "withdrawBudget", [w.projectA, w.ownerA.address, 10n ** 17n]);
      const op = await sponsorOperation(w.stack, w.paymaster, w.projectA, `${w.kind}-alpha`);
      await w.indexed(op.receipt);

      const onChain = (await chain.client.readContract({
        address: w.paymaster,
        abi: oneKeyPaymasterAbi,
        functionName: "projectBudget",
        args: [w.projectA],
      })) as { balance: bigint; active: boolean };
      const budget = await w.api.get("/v1/budget", w.keyA);
      expect(budget.status).toBe(200);
      expect(budget.body).toEqual({
        projectId: w.projectA.toString(),
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

      const ops = await w.api.get<{ data: Record<string, unknown>[]; nextCursor: string | null }>(
        "/v1/budget/operations",
        w.keyA,
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
      const budget = await w.api.get("/v1/budget", w.keyB);
      expect(budget.body).toMatchObject({ projectId: w.projectB.toString(), balance: "0", operations: 0 });
      const ops = await w.api.get<{ data: unknown[] }>("/v1/budget/operations", w.keyB);
      expect(ops.body.data).toEqual([]);
    });
  });

  describe("tenant isolation", () => {
    let onlyB: Account;

    beforeAll(async () => {
      const chain = w.onekey;
      onlyB = await w.newSubject();
      await chain.attest(w.issuer, { subject: onlyB.address, level: 2 });
      await w.indexed(await chain.grantConsent(onlyB, w.projectB));
    });

    it("hides another project's consent from the status endpoint", async () => {
      const fromA = await w.api.get(`/v1/subjects/${onlyB.address}`, w.keyA);
      expect(fromA.body).toMatchObject({
        projectId: w.projectA.toString(),
        consent: { granted: false, grantedAt: null },
      });
      const fromB = await w.api.get(`/v1/subjects/${onlyB.address}`, w.keyB);
      expect(fromB.body).toMatchObject({ projectId: w.projectB.toString(), consent: { granted: true } });
    });

    it("never lists another project's consenting subjects", async () => {
      const res = await w.api.get<{ data: { subject: string }[] }>("/v1/consents?status=all&limit=500", w.keyA);
      expect(res.status).toBe(200);
      expect(res.body.data.map((d) => d.subject)).not.toContain(onlyB.address.toLowerCase());
      const fromB = await w.api.get<{ data: { subject: string }[] }>("/v1/consents?status=all&limit=500", w.keyB);
      expect(fromB.body.data.map((d) => d.subject)).toEqual([onlyB.address.toLowerCase()]);
    });

    it("refuses another project's attestation history", async () => {
      expectError(await w.api.get(`/v1/subjects/${onlyB.address}/attestations`, w.keyA), 404, "not_found");
      expect((await w.api.get(`/v1/subjects/${onlyB.address}/attestations`, w.keyB)).status).toBe(200);
    });

    it("rejects a project id smuggled into the query string", async () => {
      expectError(await w.api.get(`/v1/consents?projectId=${w.projectB}`, w.keyA), 400, "invalid_request", "projectId");
      expectError(await w.api.get(`/v1/project?projectId=${w.projectB}`, w.keyA), 400, "invalid_request", "projectId");
    });

    it("serves GraphQL over public tables only, and no SQL endpoint", async () => {
      const ok = await w.api.post<{ data?: { projectss: { items: { slug: string }[] } } }>("/graphql", {
        query: "{ projectss(limit: 100) { items { slug } } }",
      });
      expect(ok.body.data?.projectss.items.map((p) => p.slug)).toContain(`beta-${w.kind}`);
      const consents = await w.api.post<{ errors?: unknown[] }>("/graphql", {
        query: "{ consentss { items { subject projectId } } }",
      });
      expect(consents.body.errors?.length).toBeGreaterThan(0);
      const subjects = await w.api.post<{ errors?: unknown[] }>("/graphql", {
        query: "{ subjectss { items { subject } } }",
      });
      expect(subjects.body.errors?.length).toBeGreaterThan(0);
      expect((await w.api.get("/sql/db")).status).toBe(404);
    });
  });

  it("logs route patterns, never the subject addresses in the paths, nor keys", () => {
    expectCleanLogs(w, 20);
    const routes = w.ponder
      .logs()
      .split("\n")
      .filter((l) => l.includes('"msg":"request"'));
    expect(routes.some((l) => l.includes('"route":"/v1/subjects/:address"'))).toBe(true);
  });
});
