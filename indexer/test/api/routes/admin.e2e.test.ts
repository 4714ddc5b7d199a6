/**
 * The project admin routes (src/api/routes/admin.ts) end to end: API keys (create, scopes,
 * rotation, revocation, expiry), the audit log, and admin rights read from the indexed chain.
 */

import { ROLE } from "@onekey/devnet/onekey-chain";
import { describe, expect, it } from "vitest";
import { describeApiWorld, expectCleanLogs, expectError } from "../../support/apiWorld.js";
import { eventually } from "../../support/stack.js";

describeApiWorld("project admin routes", (w) => {
  describe("API keys", () => {
    it("shows the secret once, lists only its prefix, and stores no secret in plain text", async () => {
      const created = await w.api.post<{
        key: string;
        apiKey: { id: string; prefix: string; scopes: string[]; status: string };
      }>(`/v1/admin/projects/${w.projectA}/api-keys`, { name: "ci", scopes: ["webhooks:manage", "read"] }, w.sessionA);
      expect(created.status).toBe(201);
      w.secrets.push(created.body.key);
      expect(created.body.key).toMatch(/^okk_[A-Za-z0-9_-]{43}$/);
      expect(created.body.apiKey).toMatchObject({ scopes: ["read", "webhooks:manage"], status: "active" });
      const list = await w.api.get<{ data: Record<string, unknown>[] }>(
        `/v1/admin/projects/${w.projectA}/api-keys`,
        w.sessionA,
      );
      const listed = list.body.data.find((k) => k.id === created.body.apiKey.id);
      expect(listed).toMatchObject({ prefix: created.body.key.slice(0, 10), status: "active" });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    });

    it("creates one key for a retried request with the same Idempotency-Key, and 409s a reused key", async () => {
      const path = `/v1/admin/projects/${w.projectA}/api-keys`;
      const idempotencyKey = `retry-${w.kind}-${Date.now()}`;
      const create = (name: string, key = idempotencyKey) =>
        w.api.request<{ key: string; apiKey: { id: string } }>("POST", path, {
          token: w.sessionA,
          body: { name, scopes: ["read"] },
          headers: { "Idempotency-Key": key },
        });
      const first = await create("retried");
      const retry = await create("retried");
      w.secrets.push(first.body.key);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body.apiKey.id).toBe(first.body.apiKey.id);
      const reused = await create("another name");
      expectError(reused, 409, "idempotency_key_reused", "Idempotency-Key");
      // RFC 9457 problem details, with the request id the logs carry.
      expect(reused.headers.get("content-type")).toBe("application/problem+json");
      expect(reused.body).toMatchObject({
        type: "/docs/errors#idempotency_key_reused",
        title: "Conflict",
        status: 409,
        code: "idempotency_key_reused",
        detail: expect.stringContaining("Idempotency-Key"),
        requestId: reused.headers.get("x-request-id"),
      });
      const list = await w.api.get<{ data: { name: string }[] }>(path, w.sessionA);
      expect(list.body.data.filter((k) => k.name === "retried")).toHaveLength(1);
      expect(list.body.data.some((k) => k.name === "another name")).toBe(false);
      // Another admin session's identical key is its own: it creates its own key.
      const other = await w.api.request<{ key: string; apiKey: { id: string } }>(
        "POST",
        `/v1/admin/projects/${w.projectB}/api-keys`,
        {
          token: w.sessionB,
          body: { name: "retried", scopes: ["read"] },
          headers: { "Idempotency-Key": idempotencyKey },
        },
      );
      w.secrets.push(other.body.key);
      expect(other.status).toBe(201);
      expect(other.body.apiKey.id).not.toBe(first.body.apiKey.id);
      const audit = await w.api.get<{ data: { action: string; target: string | null }[] }>(
        `/v1/admin/projects/${w.projectA}/audit-log?action=api_key.create`,
        w.sessionA,
      );
      expect(audit.body.data.filter((e) => e.target === first.body.apiKey.id)).toHaveLength(1);
    });

    it("records when a key was last used", async () => {
      const { key, id } = await w.api.createKey(w.sessionA, w.projectA);
      w.secrets.push(key);
      const lastUsed = async () =>
        (
          await w.api.get<{ data: { id: string; lastUsedAt: string | null }[] }>(
            `/v1/admin/projects/${w.projectA}/api-keys`,
            w.sessionA,
          )
        ).body.data.find((k) => k.id === id)?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      const before = Date.now() - 1000;
      expect((await w.api.get("/v1/project", key)).status).toBe(200);
      const at = await eventually("the key's last use", lastUsed, (v) => typeof v === "string");
      expect(Date.parse(at as string)).toBeGreaterThanOrEqual(before);
    });

    it("enforces scopes: a webhooks-only key cannot read", async () => {
      const { key } = await w.api.createKey(w.sessionA, w.projectA, { scopes: ["webhooks:manage"] });
      w.secrets.push(key);
      expectError(await w.api.get("/v1/project", key), 403, "scope_missing");
    });

    it("rotates: the new key works and the old one stops at once", async () => {
      const { key, id } = await w.api.createKey(w.sessionA, w.projectA);
      const rotated = await w.api.post<{ key: string; apiKey: { rotatedFrom: string }; previous: { status: string } }>(
        `/v1/admin/projects/${w.projectA}/api-keys/${id}/rotate`,
        {},
        w.sessionA,
      );
      expect(rotated.status).toBe(201);
      w.secrets.push(key, rotated.body.key);
      expect(rotated.body.apiKey.rotatedFrom).toBe(id);
      expect(rotated.body.previous.status).toBe("revoked");
      expectError(await w.api.get("/v1/project", key), 401, "api_key_revoked");
      expect((await w.api.get("/v1/project", rotated.body.key)).status).toBe(200);
      expectError(
        await w.api.post(`/v1/admin/projects/${w.projectA}/api-keys/${id}/rotate`, {}, w.sessionA),
        409,
        "api_key_not_live",
      );
    });

    it("rotates with a grace period: both keys work until it ends", async () => {
      const { key, id } = await w.api.createKey(w.sessionA, w.projectA);
      const rotated = await w.api.post<{ key: string; previous: { revokedAt: string } }>(
        `/v1/admin/projects/${w.projectA}/api-keys/${id}/rotate`,
        { gracePeriodSeconds: 3600 },
        w.sessionA,
      );
      w.secrets.push(key, rotated.body.key);
      expect((await w.api.get("/v1/project", key)).status).toBe(200);
      expect((await w.api.get("/v1/project", rotated.body.key)).status).toBe(200);
      expect(Date.parse(rotated.body.previous.revokedAt)).toBeGreaterThan(Date.now() + 3500_000);
    });

    it("revokes: the key stops working, and the audit log records who did what", async () => {
      const { key, id } = await w.api.createKey(w.sessionA, w.projectA);
      w.secrets.push(key);
      expect((await w.api.get("/v1/project", key)).status).toBe(200);
      const revoked = await w.api.request<{ apiKey: { status: string } }>(
        "DELETE",
        `/v1/admin/projects/${w.projectA}/api-keys/${id}`,
        { token: w.sessionA },
      );
      expect(revoked.body.apiKey.status).toBe("revoked");
      expectError(await w.api.get("/v1/project", key), 401, "api_key_revoked");
      const audit = await w.api.get<{ data: { actor: string; action: string; target: string; result: string }[] }>(
        `/v1/admin/projects/${w.projectA}/audit-log`,
        w.sessionA,
      );
      expect(audit.body.data[0]).toMatchObject({
        actor: w.roleAdmin.address.toLowerCase(),
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
      const { key } = await w.api.createKey(w.sessionA, w.projectA, {
        expiresAt: new Date(Date.now() + 2000).toISOString(),
      });
      w.secrets.push(key);
      expect((await w.api.get("/v1/project", key)).status).toBe(200);
      const res = await eventually(
        "the key to expire",
        () => w.api.get("/v1/project", key),
        (r) => r.status === 401,
      );
      expectError(res, 401, "api_key_expired");
    });

    it("loses its admin rights with the role: keys can no longer be managed", async () => {
      const chain = w.onekey;
      const temp = chain.account(6);
      await w.indexed(await chain.grantRole(w.ownerA, w.projectD, temp.address, ROLE.ADMIN));
      const token = await w.api.login(temp);
      expect((await w.api.get(`/v1/admin/projects/${w.projectD}/api-keys`, token)).status).toBe(200);
      await w.indexed(await chain.revokeRole(w.ownerA, w.projectD, temp.address, ROLE.ADMIN));
      expectError(await w.api.get(`/v1/admin/projects/${w.projectD}/api-keys`, token), 403, "not_project_admin");
    });

    // attack: an org admin makes itself admin of a project, so that it can still manage the
    // project's API keys after the owner removes it. The removal revokes every role it holds in
    // the organization (OrganizationRolesRevoked), and the API follows: 403.
    it("attack: a removed org admin keeps no project admin rights it granted itself", async () => {
      const chain = w.onekey;
      const rogue = chain.account(7);
      await chain.setOrganizationAdmin(w.ownerA, w.orgA, rogue.address, true);
      await w.indexed(await chain.grantRole(rogue, w.projectD, rogue.address, ROLE.ADMIN));
      const token = await w.api.login(rogue);
      expect((await w.api.get(`/v1/admin/projects/${w.projectD}/api-keys`, token)).status).toBe(200);

      await w.indexed(await chain.setOrganizationAdmin(w.ownerA, w.orgA, rogue.address, false));
      expectError(await w.api.get(`/v1/admin/projects/${w.projectD}/api-keys`, token), 403, "not_project_admin");
    });
  });

  describe("the signed-in address's projects (GET /v1/admin/projects)", () => {
    type Membership = {
      projectId: string;
      slug: string;
      roles: string[];
      offeredRoles: string[];
      organizationRole: string | null;
      administers: boolean;
    };
    const projectsOf = async (token: string) => {
      const res = await w.api.get<{ data: Membership[] }>("/v1/admin/projects", token);
      expect(res.status).toBe(200);
      return res.body.data;
    };

    // Both storage kinds index one chain: each world looks only at its own projects.
    it("lists a role admin's project with its role, and an owner's projects through the organization", async () => {
      const mine = [w.projectA, w.projectB, w.projectC, w.projectD].map(String);
      const ofWorld = (list: Membership[]) => list.filter((p) => mine.includes(p.projectId));
      expect(ofWorld(await projectsOf(w.sessionA))).toEqual([
        expect.objectContaining({
          projectId: w.projectA.toString(),
          slug: `alpha-${w.kind}`,
          roles: ["admin"],
          organizationRole: null,
          administers: true,
        }),
      ]);
      const owned = ofWorld(await projectsOf(await w.api.login(w.ownerA)));
      expect(owned.map((p) => p.projectId)).toEqual([w.projectA, w.projectC, w.projectD].map(String));
      for (const p of owned) expect(p).toMatchObject({ organizationRole: "owner", administers: true });
    });

    it("shows an offered reader role as offered, not held, and gives no admin rights for it", async () => {
      const stranger = await w.onekey.newAccount();
      const token = await w.api.login(stranger);
      w.secrets.push(token);
      expect(await projectsOf(token)).toEqual([]);
      await w.indexed(await w.onekey.grantRole(w.ownerA, w.projectC, stranger.address, ROLE.READER));
      expect(await projectsOf(token)).toEqual([
        expect.objectContaining({
          projectId: w.projectC.toString(),
          roles: [],
          offeredRoles: ["reader"],
          organizationRole: null,
          administers: false,
        }),
      ]);
      expectError(await w.api.get(`/v1/admin/projects/${w.projectC}/api-keys`, token), 403, "not_project_admin");
    });

    it("refuses without a session, and an API key is no session", async () => {
      expectError(await w.api.get("/v1/admin/projects"), 401, "credentials_missing");
      expectError(await w.api.get("/v1/admin/projects", w.keyA), 401, "session_invalid");
    });
  });

  describe("reads for readers: consenting subjects and usage", () => {
    it("shows a reader the consenting subjects and the day's usage; an outsider gets neither", async () => {
      const chain = w.onekey;
      const reader = await chain.newAccount();
      await chain.grantRole(w.ownerA, w.projectD, reader.address, ROLE.READER);
      await w.indexed(await chain.acceptRole(reader, w.projectD, ROLE.READER));
      const subject = await w.newSubject();
      await chain.attest(w.issuer, { subject: subject.address, level: 2 });
      await w.indexed(await chain.grantConsent(subject, w.projectD));
      const token = await w.api.login(reader);
      w.secrets.push(token);

      const page = await w.api.get<{ data: { subject: string; level: number }[]; nextCursor: string | null }>(
        `/v1/admin/projects/${w.projectD}/consents?limit=10`,
        token,
      );
      expect(page.status).toBe(200);
      expect(page.body.data).toEqual([expect.objectContaining({ subject: subject.address.toLowerCase(), level: 2 })]);
      // A reader reads; it does not administer.
      expectError(await w.api.get(`/v1/admin/projects/${w.projectD}/api-keys`, token), 403, "not_project_admin");

      const usage = await w.api.get<{ days: { day: string; verifications: number; consents: number }[] }>(
        `/v1/admin/projects/${w.projectD}/usage?days=7`,
        token,
      );
      expect(usage.status).toBe(200);
      expect(usage.body.days).toHaveLength(7);
      const totals = usage.body.days.reduce(
        (t, d) => ({ verifications: t.verifications + d.verifications, consents: t.consents + d.consents }),
        { verifications: 0, consents: 0 },
      );
      expect(totals).toEqual({ verifications: 1, consents: 1 });
      expectError(
        await w.api.get(`/v1/admin/projects/${w.projectD}/usage?days=91`, token),
        400,
        "invalid_request",
        "days",
      );

      const outsider = await w.api.login(await chain.newAccount());
      w.secrets.push(outsider);
      expectError(await w.api.get(`/v1/admin/projects/${w.projectD}/consents`, outsider), 403, "role_missing");
      expectError(await w.api.get(`/v1/admin/projects/${w.projectD}/usage`, outsider), 403, "role_missing");
    });

    it("gives a reader's session the project's analytics (the dashboard's charts), and an outsider none", async () => {
      const chain = w.onekey;
      const reader = await chain.newAccount();
      await chain.grantRole(w.ownerA, w.projectD, reader.address, ROLE.READER);
      await w.indexed(await chain.acceptRole(reader, w.projectD, ROLE.READER));
      const token = await w.api.login(reader);
      w.secrets.push(token);
      const base = `/v1/admin/projects/${w.projectD}/analytics`;

      const report = await w.api.get<{ projectId: string; family: string; granularity: string; series: unknown[] }>(
        `${base}/performance?granularity=hour`,
        token,
      );
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        projectId: w.projectD.toString(),
        family: "performance",
        granularity: "hour",
      });
      expect(report.body).toHaveProperty("verifyFlow");
      // The same checks as the key's route: a bad family or range is a 400 naming the field.
      expectError(await w.api.get(`${base}/secrets`, token), 400, "invalid_request", "family");
      expectError(
        await w.api.get(`${base}/usage?granularity=hour&from=2026-01-01&to=2026-03-01`, token),
        400,
        "invalid_request",
        "from",
      );
      // A role on project D reads nothing of project A; nor does an account without a role, nor an API key.
      expectError(await w.api.get(`/v1/admin/projects/${w.projectA}/analytics/usage`, token), 403, "role_missing");
      const outsider = await w.api.login(await chain.newAccount());
      w.secrets.push(outsider);
      expectError(await w.api.get(`${base}/usage`, outsider), 403, "role_missing");
      expectError(await w.api.get(`${base}/usage`, w.keyA), 401, "session_invalid");
    });
  });

  describe("webhooks through the admin session (/v1/admin/projects/{projectId}/webhooks/...)", () => {
    it("lets the project's admin read its endpoints, deliveries and settings", async () => {
      const base = `/v1/admin/projects/${w.projectA}/webhooks`;
      const endpoints = await w.api.get<{ data: unknown[] }>(`${base}/endpoints`, w.sessionA);
      expect(endpoints.status).toBe(200);
      expect(endpoints.body.data).toEqual([]);
      const deliveries = await w.api.get<{ data: unknown[]; nextCursor: null }>(
        `${base}/deliveries?limit=5`,
        w.sessionA,
      );
      expect(deliveries.body).toEqual({ data: [], nextCursor: null });
      expect((await w.api.get(`${base}/settings`, w.sessionA)).status).toBe(200);
      // This world has no sealing key: a create passes the admin check and stops at configuration.
      expectError(
        await w.api.post(`${base}/endpoints`, { url: "https://hooks.example.com/x" }, w.sessionA),
        503,
        "webhooks_unavailable",
      );
    });

    // attack: the admin of project B, signed in, aims its session at project A's webhook routes
    // (list, register, replay a range, rotate a secret) by putting A's id in the path.
    it("attack: another project's admin session is refused on every route, and the refusal is audited", async () => {
      const base = `/v1/admin/projects/${w.projectA}/webhooks`;
      const endpointId = "ep_AAAAAAAAAAAA";
      const attempts = [
        w.api.get(`${base}/endpoints`, w.sessionB),
        w.api.post(`${base}/endpoints`, { url: "https://attacker.example.com/" }, w.sessionB),
        w.api.get(`${base}/deliveries`, w.sessionB),
        w.api.post(
          `${base}/replay`,
          { endpointId, since: "2026-01-01T00:00:00Z", until: "2026-01-02T00:00:00Z" },
          w.sessionB,
        ),
        w.api.post(`${base}/endpoints/${endpointId}/rotate-secret`, {}, w.sessionB),
        w.api.request("PUT", `${base}/settings`, { token: w.sessionB, body: { confirmations: 0 } }),
      ];
      for (const res of await Promise.all(attempts)) expectError(res, 403, "not_project_admin");
      // A project API key is not a session, even the project's own.
      expectError(await w.api.get(`${base}/endpoints`, w.keyA), 401, "session_invalid");
      const audit = await w.api.get<{ data: { actor: string; action: string; result: string }[] }>(
        `/v1/admin/projects/${w.projectA}/audit-log`,
        w.sessionA,
      );
      expect(audit.body.data).toContainEqual(
        expect.objectContaining({ actor: w.ownerB.address.toLowerCase(), action: "webhooks.manage", result: "denied" }),
      );
    });
  });

  describe("tenant isolation", () => {
    it("refuses an admin session on another project's keys and audit log, and audits the refusal", async () => {
      expectError(await w.api.get(`/v1/admin/projects/${w.projectB}/api-keys`, w.sessionA), 403, "not_project_admin");
      expectError(
        await w.api.post(`/v1/admin/projects/${w.projectB}/api-keys`, { name: "x", scopes: ["read"] }, w.sessionA),
        403,
        "not_project_admin",
      );
      expectError(await w.api.get(`/v1/admin/projects/${w.projectB}/audit-log`, w.sessionA), 403, "not_project_admin");
      const audit = await w.api.get<{ data: { actor: string; action: string; result: string }[] }>(
        `/v1/admin/projects/${w.projectB}/audit-log`,
        w.sessionB,
      );
      expect(audit.body.data).toContainEqual(
        expect.objectContaining({
          actor: w.roleAdmin.address.toLowerCase(),
          action: "api_key.create",
          result: "denied",
        }),
      );
    });

    it("cannot rotate or revoke another project's key through its own project path", async () => {
      expectError(
        await w.api.request("POST", `/v1/admin/projects/${w.projectA}/api-keys/${w.keyBId}/rotate`, {
          token: w.sessionA,
          body: {},
        }),
        404,
        "not_found",
      );
      expectError(
        await w.api.request("DELETE", `/v1/admin/projects/${w.projectA}/api-keys/${w.keyBId}`, { token: w.sessionA }),
        404,
        "not_found",
      );
      expect((await w.api.get("/v1/project", w.keyB)).status).toBe(200);
    });
  });

  describe("record openings (a reader opens a consenting subject's record in its browser)", () => {
    it("records a reader's opening in the audit log; refuses admins without the reader role, outsiders and subjects who do not consent", async () => {
      const chain = w.onekey;
      const reader = await chain.newAccount();
      await chain.grantRole(w.ownerA, w.projectD, reader.address, ROLE.READER);
      await w.indexed(await chain.acceptRole(reader, w.projectD, ROLE.READER));
      const subject = await w.newSubject();
      const { uid } = await chain.attest(w.issuer, { subject: subject.address, level: 2 });
      await w.indexed(await chain.grantConsent(subject, w.projectD));
      const stranger = await w.newSubject();
      await w.indexed((await chain.attest(w.issuer, { subject: stranger.address, level: 2 })).receipt);
      const readerToken = await w.api.login(reader);
      const ownerToken = await w.api.login(w.ownerA);
      const outsiderToken = await w.api.login(w.outsider);
      w.secrets.push(readerToken, ownerToken, outsiderToken);
      const openings = (address: string) => `/v1/admin/projects/${w.projectD}/records/${address}/openings`;

      const opened = await w.api.post<{ subject: string; uid: string; recordedAt: string }>(
        openings(subject.address),
        undefined,
        readerToken,
      );
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ subject: subject.address.toLowerCase(), uid });

      // The owner administers the project but holds no reader role: it cannot be given the key.
      expectError(await w.api.post(openings(subject.address), undefined, ownerToken), 403, "reader_role_required");
      expectError(await w.api.post(openings(subject.address), undefined, outsiderToken), 403, "role_missing");
      expectError(await w.api.post(openings(stranger.address), undefined, readerToken), 404, "no_consent");
      expectError(await w.api.post(openings("0x1234"), undefined, readerToken), 400, "invalid_request", "address");

      const audit = await w.api.get<{ data: { actor: string; action: string; target: string; result: string }[] }>(
        `/v1/admin/projects/${w.projectD}/audit-log?action=record.open`,
        ownerToken,
      );
      const entries = audit.body.data.filter((e) => e.action === "record.open");
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: reader.address.toLowerCase(),
            target: subject.address.toLowerCase(),
            result: "ok",
          }),
          expect.objectContaining({ actor: w.ownerA.address.toLowerCase(), result: "denied" }),
          expect.objectContaining({ actor: w.outsider.address.toLowerCase(), result: "denied" }),
        ]),
      );
      // A refused subject is not an opening: only one entry says ok.
      expect(entries.filter((e) => e.result === "ok")).toHaveLength(1);
      // The filters run in the database: by actor, by action prefix, by time.
      const byReader = await w.api.get<{ data: { actor: string; action: string }[] }>(
        `/v1/admin/projects/${w.projectD}/audit-log?actor=${reader.address}`,
        ownerToken,
      );
      expect(byReader.body.data.length).toBeGreaterThan(0);
      expect(new Set(byReader.body.data.map((e) => e.actor))).toEqual(new Set([reader.address.toLowerCase()]));
      const byPrefix = await w.api.get<{ data: { action: string }[] }>(
        `/v1/admin/projects/${w.projectD}/audit-log?action=record`,
        ownerToken,
      );
      expect(byPrefix.body.data.map((e) => e.action)).toEqual(entries.map(() => "record.open"));
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const none = await w.api.get<{ data: unknown[] }>(
        `/v1/admin/projects/${w.projectD}/audit-log?since=${encodeURIComponent(future)}`,
        ownerToken,
      );
      expect(none.body.data).toEqual([]);
      expectError(
        await w.api.get(`/v1/admin/projects/${w.projectD}/audit-log?action=DROP%20TABLE`, ownerToken),
        400,
        "invalid_request",
        "action",
      );
    });
  });

  it("logs no key or session token", () => expectCleanLogs(w, 20));
});
