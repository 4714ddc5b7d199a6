/**
 * The project admin routes (src/api/routes/admin.ts) end to end: API keys (create, scopes,
 * rotation, revocation, expiry), the audit log, and admin rights read from the indexed chain.
 */
import { describe, expect, it } from "vitest";
import { ROLE } from "../../../harness/onekey.js";
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

  it("logs no key or session token", () => expectCleanLogs(w, 20));
});
