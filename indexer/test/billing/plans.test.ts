/**
 * Plan limits, the API rate tier: each project's tenant API calls are limited by its organization's
 * plan (service-kit/src/plans.json), and the 429 says which plan and what it allows. PGlite (the limits
 * are in memory here; the keys are in the API's store).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { organizationPlan, watchPlans } from "@onekey/service-kit/plans";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedPlans, loadPlans, PLANS_FILE, type Plans, planOf, validatePlans } from "../../billing/plans.js";
import { migrate } from "../../db/migrator.js";
import { openApiDb } from "../../db/open.js";
import { createLogger } from "../../lib/logger.js";
import { createApi } from "../../src/api/app.js";
import { ApiKeyService } from "../../src/api/auth/apiKeys.js";
import { readApiConfig } from "../../src/api/config.js";
import { createMetrics } from "../../src/api/http/metrics.js";
import type { ProjectInfo, ReadModel } from "../../src/api/readModel.js";

const PLANS: Plans = {
  version: "test",
  defaultPlan: "standard",
  plans: {
    standard: { apiRequestsPerWindow: 3, monthlyVerifications: 10 },
    growth: { apiRequestsPerWindow: 5, monthlyVerifications: null },
    env: { apiRequestsPerWindow: null, monthlyVerifications: null },
  },
  organizations: { "2": "growth", "3": "env" },
};

describe("plans", () => {
  it("the shipped file validates; an organization without a plan is on the default", () => {
    const shipped = loadPlans();
    expect(shipped.plans[shipped.defaultPlan]).toBeDefined();
    // Every shipped plan says its monthly verification quota (the issuer enforces it); scale is unlimited.
    expect(Object.values(shipped.plans).every((p) => p.monthlyVerifications !== undefined)).toBe(true);
    expect(organizationPlan(shipped, 1n)).toMatchObject({ name: shipped.defaultPlan });
    expect(shipped.plans.scale?.monthlyVerifications).toBeNull();
    expect(planOf(PLANS, 2n)).toBe("growth");
    expect(planOf(PLANS, 1n)).toBe("standard");
  });

  it("refuses a plan name that names no plan, and a bad organization id, naming the field", () => {
    expect(() => validatePlans({ ...PLANS, defaultPlan: "gold" })).toThrow(/defaultPlan names no plan: gold/);
    expect(() =>
      validatePlans({ ...PLANS, plans: { standard: { apiRequestsPerWindow: 3, monthlyVerifications: -1 } } }),
    ).toThrow(/plans\.standard\.monthlyVerifications/);
    expect(() => validatePlans({ ...PLANS, organizations: { "2": "gold" } })).toThrow(/organizations\.2 names no plan/);
    expect(() => validatePlans({ ...PLANS, organizations: { abc: "growth" } })).toThrow(
      /Invalid plans: organizations\.abc/,
    );
  });
});

describe("an older plans file", () => {
  it("without monthlyVerifications still loads, with no quota (unlimited)", () => {
    const dir = mkdtempSync(join(tmpdir(), "onekey-old-plans-"));
    const file = join(dir, "plans.json");
    try {
      writeFileSync(
        file,
        JSON.stringify({
          ...PLANS,
          plans: { standard: { apiRequestsPerWindow: 3 }, growth: { apiRequestsPerWindow: 5 } },
          organizations: { "2": "growth" },
        }),
      );
      const old = loadPlans(file);
      expect(organizationPlan(old, 1n)).toEqual({
        name: "standard",
        apiRequestsPerWindow: 3,
        monthlyVerifications: null,
      });
      expect(organizationPlan(old, 2n)).toEqual({
        name: "growth",
        apiRequestsPerWindow: 5,
        monthlyVerifications: null,
      });
      // A file that is not JSON is refused, naming the file.
      writeFileSync(file, "{ not json");
      expect(() => loadPlans(file)).toThrow(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("watchPlans", () => {
  it("reads the file again when it changes, and keeps the plans in force through a broken change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "onekey-watch-plans-"));
    const file = join(dir, "plans.json");
    writeFileSync(file, JSON.stringify(PLANS));
    const changes: Plans[] = [];
    const errors: Error[] = [];
    let wake: () => void = () => {};
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    const watched = watchPlans(file, {
      intervalMs: 20,
      onChange: (p) => {
        changes.push(p);
        wake();
      },
      onError: (e) => {
        errors.push(e);
        wake();
      },
    });
    try {
      expect(watched.current().version).toBe("test");
      let seen = next();
      writeFileSync(file, JSON.stringify({ ...PLANS, version: "raised", organizations: { "1": "growth" } }));
      await seen;
      expect(organizationPlan(watched.current(), 1n)).toMatchObject({ name: "growth", monthlyVerifications: null });
      seen = next();
      writeFileSync(file, JSON.stringify({ ...PLANS, defaultPlan: "gold", version: "broken" }));
      await seen;
      expect(errors[0]?.message).toMatch(/defaultPlan names no plan: gold/);
      expect(watched.current().version).toBe("raised");
      expect(changes.map((p) => p.version)).toEqual(["raised"]);
    } finally {
      watched.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the API rate tier", () => {
  const dir = mkdtempSync(join(tmpdir(), "onekey-plans-"));
  const store = openApiDb({ kind: "pglite", directory: dir });
  const keys: Record<string, string> = {};
  const orgOf: Record<string, bigint> = { "7": 1n, "8": 2n, "9": 3n };
  let api: ReturnType<typeof createApi>;

  beforeAll(async () => {
    await migrate(store.db, "latest");
    const service = new ApiKeyService(store.db, 0);
    for (const project of ["7", "8", "9"]) {
      keys[project] = (
        await service.create(BigInt(project), { name: "k", scopes: ["read"] }, { address: "0xadmin" })
      ).key;
    }
    api = createApi({
      config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "4" }),
      store: store.db,
      readModel: {
        project: async (projectId: bigint) =>
          ({ projectId, orgId: orgOf[projectId.toString()] }) as unknown as ProjectInfo,
      } as ReadModel,
      verifySignature: () => Promise.reject(new Error("no signatures here")),
      logger: createLogger("error", "onekey-api", () => undefined),
      metrics: createMetrics(),
      plans: fixedPlans(PLANS),
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const calls = async (project: string, n: number) => {
    const out: { status: number; limit: string | null; detail?: string }[] = [];
    for (let i = 0; i < n; i++) {
      const res = await api.request("/v1/analytics/usage", { headers: { Authorization: `Bearer ${keys[project]}` } });
      const body = (await res.json()) as { detail?: string };
      out.push({ status: res.status, limit: res.headers.get("RateLimit-Limit"), detail: body.detail });
    }
    return out;
  };

  it("limits each project by its organization's plan, and the 429 names the plan", async () => {
    const standard = await calls("7", 4);
    expect(standard.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(standard[0]?.limit).toBe("3");
    expect(standard[3]?.detail).toContain("on the standard plan (3 per 60 s)");

    const growth = await calls("8", 6);
    expect(growth.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(growth[5]?.detail).toContain("on the growth plan (5 per 60 s)");

    // A plan without its own figure keeps the deployment's ONEKEY_API_RATE_LIMIT_POINTS (4).
    expect((await calls("9", 5)).map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
  });
});

describe("the API rate tier, from a watched plans file", () => {
  const dir = mkdtempSync(join(tmpdir(), "onekey-plans-watched-"));
  const file = join(dir, "plans.json");
  const store = openApiDb({ kind: "pglite", directory: join(dir, "db") });
  let key = "";
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes an organization's new plan without a restart", async () => {
    await migrate(store.db, "latest");
    key = (await new ApiKeyService(store.db, 0).create(7n, { name: "k", scopes: ["read"] }, { address: "0xadmin" }))
      .key;
    writeFileSync(file, JSON.stringify(PLANS));
    let changed: () => void = () => {};
    const change = new Promise<void>((resolve) => (changed = resolve));
    const plans = watchPlans(file, { intervalMs: 20, onChange: () => changed() });
    try {
      const api = createApi({
        config: readApiConfig({ ONEKEY_API_RATE_LIMIT_POINTS: "4", ONEKEY_PLANS_FILE: file }),
        store: store.db,
        readModel: {
          project: async (projectId: bigint) => ({ projectId, orgId: 1n }) as unknown as ProjectInfo,
        } as ReadModel,
        verifySignature: () => Promise.reject(new Error("no signatures here")),
        logger: createLogger("error", "onekey-api", () => undefined),
        metrics: createMetrics(),
        plans,
      });
      const call = () => api.request("/v1/analytics/usage", { headers: { Authorization: `Bearer ${key}` } });
      const before = await call();
      expect(before.headers.get("RateLimit-Limit")).toBe("3");
      // The operator moves organization 1 to growth (5 a window).
      writeFileSync(file, JSON.stringify({ ...PLANS, version: "moved", organizations: { "1": "growth" } }));
      await change;
      const after = await call();
      expect(after.status).toBe(200);
      expect(after.headers.get("RateLimit-Limit")).toBe("5");
    } finally {
      plans.stop();
    }
  });

  it("reads ONEKEY_PLANS_FILE through the API's configuration (the issuer's variable)", () => {
    expect(readApiConfig({ ONEKEY_PLANS_FILE: file }).plansFile).toBe(file);
    expect(readApiConfig({}).plansFile).toBe(PLANS_FILE);
  });
});
