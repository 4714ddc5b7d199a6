/**
 * The attacks the tenant API defends against, each written as the attacker's script against the
 * real service: a local chain with OneKey deployed through Ignition, Ponder on PostgreSQL as a
 * child process, and the API behind a load balancer at 127.0.0.1 (ONEKEY_API_TRUSTED_PROXIES), whose
 * X-Forwarded-For header tells clients apart. Limits are small so that the scripts stay short.
 */

import { type SafeBatchFile, safeBatchChecksum } from "@onekey/deploy";
import { Agent, request } from "undici";
import { type Account, type Address, createWalletClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDb } from "../db/open.js";
import { ApiClient, type ApiResponse } from "../harness/api.js";
import { type PonderProcess, startPonder } from "../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../harness/postgres.js";
import { readSecurityConfig } from "../security/config.js";
import { runSecurityScan } from "../security/scan.js";
import { type ChainStack, startChainStack } from "./support/stack.js";

/** Sign-in calls and refused credentials per client, refused admin calls per session and address. */
const AUTH_LIMIT = 5;
/** Admin calls per project. */
const ADMIN_LIMIT = 10;

let stack: ChainStack;
let database: TestDatabase;
let ponder: PonderProcess;
let owner: Account;
/** The owner's organization, which holds `project`. */
let ownOrg: bigint;
let project: bigint;
let ownerSession: string;
/** A protocol operator of this deployment (ONEKEY_API_OPERATORS). */
const operator = privateKeyToAccount(generatePrivateKey());

/** A client behind the load balancer, known by the address the balancer puts in X-Forwarded-For. */
const behindBalancer = (clientAddress: string) => new ApiClient(ponder.url, { "x-forwarded-for": clientAddress });

const throwawayWallet = () => privateKeyToAccount(generatePrivateKey());

function expectError(res: ApiResponse, status: number, code: string, field?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: field ? { code, field } : { code } },
  });
}

/** A well-formed API key nobody issued. */
const forgedKey = () => `okk_${Buffer.from(generatePrivateKey().slice(2), "hex").toString("base64url")}`;

beforeAll(async () => {
  stack = await startChainStack();
  owner = stack.onekey.account(2);
  ownOrg = await stack.onekey.createOrganization(owner);
  project = await stack.onekey.createProject(owner, ownOrg, "attacked");
  database = await createTestDatabase("onekey_attacks");
  ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema: "attacks",
    env: {
      ONEKEY_API_AUTH_RATE_LIMIT_POINTS: String(AUTH_LIMIT),
      ONEKEY_API_ADMIN_RATE_LIMIT_POINTS: String(ADMIN_LIMIT),
      ONEKEY_API_TRUSTED_PROXIES: "127.0.0.1",
      ONEKEY_API_OPERATORS: operator.address,
    },
  });
  await ponder.waitForBlock(await stack.onekey.blockNumber());
  ownerSession = await behindBalancer("198.51.100.1").login(owner);
});

afterAll(async () => {
  await ponder?.stop();
  await database?.drop();
  await stack?.stop();
});

describe("attacks on the tenant API", () => {
  it("attack: a throwaway wallet's session spends a project's admin budget to lock its admins out", async () => {
    // The attacker signs in with a fresh wallet (no role anywhere) and calls the project's admin
    // routes in a loop, e.g. while the real admins revoke a leaked key. Before, every call spent
    // a point of the project's admin budget before the admin check: after ADMIN_LIMIT refused
    // calls the project's own admins got 429 too, and each refusal wrote the project's audit
    // log. Now the admin check comes first; a stranger is limited by its session and its
    // address (AUTH_LIMIT refusals a minute, then 429 without an audit entry), and the admins
    // keep their whole budget.
    const attacker = throwawayWallet();
    const attackerApi = behindBalancer("203.0.113.10");
    const session = await attackerApi.login(attacker);
    const statuses: number[] = [];
    for (let i = 0; i < ADMIN_LIMIT + 5; i++) {
      statuses.push((await attackerApi.get(`/v1/admin/projects/${project}/api-keys`, session)).status);
    }
    const { key, id } = await behindBalancer("198.51.100.1").createKey(ownerSession, project);
    const revoked = await behindBalancer("198.51.100.1").request(
      "DELETE",
      `/v1/admin/projects/${project}/api-keys/${id}`,
      { token: ownerSession },
    );
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expectError(await behindBalancer("198.51.100.1").get("/v1/project", key), 401, "api_key_revoked");

    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(403), ...Array(ADMIN_LIMIT + 5 - AUTH_LIMIT).fill(429)]);
    // A second session of the same wallet, from another client, is still the same stranger.
    const again = await behindBalancer("203.0.113.11").login(attacker);
    expectError(
      await behindBalancer("203.0.113.11").get(`/v1/admin/projects/${project}/api-keys`, again),
      429,
      "rate_limited",
    );

    const audit = await behindBalancer("198.51.100.1").get<{ data: { actor: string; result: string }[] }>(
      `/v1/admin/projects/${project}/audit-log?limit=100`,
      ownerSession,
    );
    const denied = audit.body.data.filter((e) => e.actor === attacker.address.toLowerCase());
    expect(denied).toHaveLength(AUTH_LIMIT);
    expect(denied.every((e) => e.result === "denied")).toBe(true);
  });

  it("the security monitor turns that probe into an incident the project hears of (security.alert)", async () => {
    // The worker's scan, run here against the API's database: the refusals the attack left in the
    // audit trail cross the threshold (set to what the limits let through), once.
    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const config = readSecurityConfig({ ONEKEY_SECURITY_ADMIN_REFUSALS: String(AUTH_LIMIT) });
      // The chain rules read Ponder's own tables here (schema "attacks"): their SQL meets the real columns.
      const scan = () => runSecurityScan(store.db, { config, chainId: 31337, chainSchema: "attacks" });
      const { raised } = await scan();
      const probes = raised.filter((a) => a.rule === "admin_refusals");
      expect(probes).toHaveLength(1);
      expect(probes[0]).toMatchObject({ projectId: project.toString(), severity: "high" });
      expect(probes[0]?.evidence).toMatchObject({ refused: AUTH_LIMIT });
      const events = await store.db
        .selectFrom("webhook_events")
        .select(["type", "project_ids"])
        .where("type", "=", "security.alert")
        .execute();
      expect(events.map((e) => e.project_ids.map(String))).toEqual([[project.toString()]]);
      expect((await scan()).raised).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("attack: a stranger's session on the operators' routes; the operator handles the incident there", async () => {
    // The stranger signs in like any tenant, then tries the operators' routes: refused, each
    // refusal in the trail, and limited per address like refused admin calls.
    const stranger = throwawayWallet();
    const strangerApi = behindBalancer("203.0.113.60");
    const strangerSession = await strangerApi.login(stranger);
    const listed = await strangerApi.get("/v1/operator/incidents", strangerSession);
    expectError(listed, 403, "not_operator");
    const resolved = await strangerApi.post("/v1/operator/incidents/1/resolve", undefined, strangerSession);
    expectError(resolved, 403, "not_operator");
    for (let i = 2; i < AUTH_LIMIT; i++) await strangerApi.get("/v1/operator/incidents", strangerSession);
    expectError(await strangerApi.get("/v1/operator/incidents", strangerSession), 429, "rate_limited");

    // The operator lists the incident the monitor raised (the test above) and closes it.
    const operatorApi = behindBalancer("198.51.100.9");
    const session = await operatorApi.login(operator);
    const open = await operatorApi.get<{ data: { id: string; rule: string; projectId: string; state: string }[] }>(
      "/v1/operator/incidents?state=open",
      session,
    );
    expect(open.status).toBe(200);
    const incident = open.body.data.find((a) => a.rule === "admin_refusals" && a.projectId === project.toString());
    expect(incident).toBeDefined();
    const id = incident?.id as string;
    const acknowledged = await operatorApi.post<{ state: string }>(
      `/v1/operator/incidents/${id}/acknowledge`,
      undefined,
      session,
    );
    expect([acknowledged.status, acknowledged.body.state]).toEqual([200, "acknowledged"]);
    const closed = await operatorApi.post<{ state: string }>(
      `/v1/operator/incidents/${id}/resolve`,
      undefined,
      session,
    );
    expect([closed.status, closed.body.state]).toEqual([200, "resolved"]);
    expectError(
      await operatorApi.post(`/v1/operator/incidents/${id}/resolve`, undefined, session),
      409,
      "incident_state_unchanged",
    );
    expectError(await operatorApi.post("/v1/operator/incidents/999999/resolve", undefined, session), 404, "not_found");

    const store = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const trail = await store.db
        .selectFrom("audit_log")
        .select(["actor", "action", "result"])
        .where((eb) => eb.or([eb("action", "like", "operator.%"), eb("action", "like", "security.alert\\_%")]))
        .orderBy("id")
        .execute();
      const by = (address: string) => trail.filter((e) => e.actor === address.toLowerCase());
      expect(by(stranger.address).map((e) => [e.action, e.result])).toEqual([
        ["operator.incidents.list", "denied"],
        ["operator.incidents.resolve", "denied"],
        ...Array.from({ length: AUTH_LIMIT - 2 }, () => ["operator.incidents.list", "denied"]),
      ]);
      expect(by(operator.address).map((e) => e.action)).toEqual([
        "security.alert_acknowledged",
        "security.alert_resolved",
      ]);
    } finally {
      await store.close();
    }
  });

  it("the operator proposes a project's suspension as a Safe batch that governance executes; a stranger cannot", async () => {
    const org = await stack.onekey.createOrganization(owner);
    const governed = await stack.onekey.createProject(owner, org, "governed");
    await ponder.waitForBlock(await stack.onekey.blockNumber());
    const operatorApi = behindBalancer("198.51.100.10");
    const session = await operatorApi.login(operator);
    const propose = (body: unknown, token = session, api = operatorApi) =>
      api.post<SafeBatchFile>("/v1/operator/governance", body, token);

    const strangerApi = behindBalancer("203.0.113.61");
    const strangerSession = await strangerApi.login(throwawayWallet());
    expectError(
      await propose({ action: "suspend_project", projectId: governed.toString() }, strangerSession, strangerApi),
      403,
      "not_operator",
    );
    expectError(await propose({ action: "suspend_project", projectId: "0" }), 400, "invalid_request", "projectId");
    expectError(await propose({ action: "suspend_project", projectId: "999999" }), 404, "not_found");
    expectError(await propose({ action: "mint_money" }), 400, "invalid_request");

    const proposed = await propose({ action: "suspend_project", projectId: governed.toString() });
    expect(proposed.status).toBe(200);
    const batch = proposed.body;
    expect(batch.chainId).toBe("31337");
    expect(batch.meta.checksum).toBe(safeBatchChecksum(batch));
    expect(batch.transactions).toHaveLength(1);
    const [transaction] = batch.transactions;
    expect(transaction?.to).toBe(stack.onekey.projectRegistry);
    expect(transaction?.contractMethod.name).toBe("setProjectStatus");
    expect(transaction?.contractInputsValues).toEqual({ projectId: governed.toString(), status: "2" });

    // Governance (account 0 here; a Safe on Base) executes exactly the proposed bytes.
    const governance = createWalletClient({
      account: stack.onekey.account(0),
      chain: hardhat,
      transport: http(stack.chain.rpcUrl),
    });
    const hash = await governance.sendTransaction({ to: transaction?.to as Address, data: transaction?.data as Hex });
    expect((await stack.onekey.client.waitForTransactionReceipt({ hash })).status).toBe("success");
    await ponder.waitForBlock(await stack.onekey.blockNumber());
    expectError(
      await propose({ action: "suspend_project", projectId: governed.toString() }),
      409,
      "project_status_unchanged",
    );

    // Analytics across projects, for operators only.
    const across = await operatorApi.get<{ data: { projectId: string; totals: Record<string, string> }[] }>(
      "/v1/operator/analytics",
      session,
    );
    expect(across.status).toBe(200);
    expect(Array.isArray(across.body.data)).toBe(true);
    expectError(
      await operatorApi.get("/v1/operator/analytics?from=2026-01-02&to=2026-01-01", session),
      400,
      "invalid_request",
      "from",
    );
    expectError(await strangerApi.get("/v1/operator/analytics", strangerSession), 403, "not_operator");

    // No issuer configured here (ONEKEY_API_ISSUER_URL unset): the provider routes say so, send
    // nothing, and the trail records the attempt.
    expectError(await operatorApi.get("/v1/operator/providers", session), 503, "issuer_not_configured");
    expectError(
      await operatorApi.request("PUT", "/v1/operator/providers/sandbox", {
        token: session,
        body: { paused: true, reason: "outage" },
      }),
      503,
      "issuer_not_configured",
    );
    const trail = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" });
    try {
      const entries = await trail.db
        .selectFrom("audit_log")
        .select(["action", "result", "detail"])
        .where("action", "like", "operator.provider.%")
        .orderBy("id")
        .execute();
      expect(entries).toEqual([
        { action: "operator.provider.read", result: "failed", detail: { reason: "issuer_not_configured" } },
        {
          action: "operator.provider.pause",
          result: "failed",
          detail: { reason: "outage", failure: "issuer_not_configured" },
        },
      ]);
    } finally {
      await trail.close();
    }

    const rotation = await propose({ action: "begin_signer_rotation", signer: throwawayWallet().address });
    expect(rotation.status).toBe(200);
    expect(rotation.body.transactions[0]?.contractMethod.name).toBe("beginSignerRotation");
  });

  it("attack: forged API keys through the load balancer to lock every tenant out", async () => {
    // The attacker sends forged API keys. Before, refused credentials were counted per socket
    // peer: behind a load balancer that is the balancer, so AUTH_LIMIT bad keys made the API
    // answer 429 to every tenant, valid keys included, and even without one a valid key was
    // refused once anyone at the same address had sent bad ones. Now the client is the address
    // the trusted balancer reports, and only refusals are ever answered 429: a valid key is
    // never refused for anyone's bad attempts, not even its own client's.
    const { key } = await behindBalancer("198.51.100.1").createKey(ownerSession, project);
    const attackerApi = behindBalancer("203.0.113.20");
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMIT + 3; i++) statuses.push((await attackerApi.get("/v1/project", forgedKey())).status);

    const tenant = await behindBalancer("198.51.100.2").get("/v1/project", key);
    expect(tenant.status, JSON.stringify(tenant.body)).toBe(200);
    // The same client that sent the forged keys, now with a real one (one office, one NAT).
    expect((await attackerApi.get("/v1/project", key)).status).toBe(200);
    expect((await attackerApi.get("/v1/auth/session", ownerSession)).status).toBe(200);

    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), ...Array(3).fill(429)]);
    const limited = await attackerApi.get("/v1/project", forgedKey());
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("attack: use up sign-in through the load balancer to keep every admin from signing in", async () => {
    // The attacker asks for sign-in nonces in a loop. Before, the sign-in limit was per socket
    // peer, the balancer, so every admin's sign-in was refused with it. Now it is per client.
    const attackerApi = behindBalancer("203.0.113.30");
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMIT + 2; i++)
      statuses.push((await attackerApi.post("/v1/auth/nonce", undefined)).status);
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(201), 429, 429]);

    const session = await behindBalancer("198.51.100.3").login(owner);
    expect((await behindBalancer("198.51.100.3").get("/v1/auth/session", session)).status).toBe(200);
  });

  it("attack: send X-Forwarded-For from outside the trusted proxies to dodge the limit", async () => {
    // The attacker connects directly (from 127.0.0.2, not a trusted proxy) and writes a new
    // X-Forwarded-For on each forged key, hoping to be counted as a new client each time. Only
    // the trusted balancer's header is believed: the attacker is counted by its own address.
    // (The old code ignored X-Forwarded-For altogether; this guards the new trust rule.)
    const direct = new Agent({ localAddress: "127.0.0.2" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < AUTH_LIMIT + 2; i++) {
        const res = await request(`${ponder.url}/v1/project`, {
          dispatcher: direct,
          headers: { authorization: `Bearer ${forgedKey()}`, "x-forwarded-for": `192.0.2.${i + 1}` },
        });
        await res.body.dump();
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), 429, 429]);
    } finally {
      await direct.close();
    }
  });

  it("attack: a project id above int64 in an admin path, to make the audit write fail", async () => {
    // The attacker (any session) names project 2^63, a valid uint64 on-chain. Before, the
    // refusal's audit entry overflowed the bigint column: a 500 with a database error in the log.
    // Now the path is refused before any work: a 400 naming projectId.
    const attackerApi = behindBalancer("203.0.113.40");
    const session = await attackerApi.login(throwawayWallet());
    for (const projectId of ["9223372036854775808", "18446744073709551615"]) {
      expectError(
        await attackerApi.get(`/v1/admin/projects/${projectId}/api-keys`, session),
        400,
        "invalid_request",
        "projectId",
      );
    }
    // The largest id that fits is a plain refusal.
    expectError(
      await attackerApi.get("/v1/admin/projects/9223372036854775807/api-keys", session),
      403,
      "not_project_admin",
    );
  });

  it("attack: an audit-log cursor beyond int64, to make the audit query fail", async () => {
    // The cursor is base64url of the last id. The attacker crafts one holding a 78-digit id.
    // Before, it decoded as a valid number and PostgreSQL failed comparing it with the bigint
    // id column: a 500. Now a cursor part must be a bigint id: a 400 naming cursor.
    const api = behindBalancer("198.51.100.1");
    for (const id of ["9".repeat(78), "9223372036854775808"]) {
      const cursor = Buffer.from(id).toString("base64url");
      expectError(
        await api.get(`/v1/admin/projects/${project}/audit-log?cursor=${cursor}`, ownerSession),
        400,
        "invalid_request",
        "cursor",
      );
    }
    const last = Buffer.from("9223372036854775807").toString("base64url");
    expect((await api.get(`/v1/admin/projects/${project}/audit-log?cursor=${last}`, ownerSession)).status).toBe(200);
  });

  it("attack: a stranger's session and another organization's owner read an organization's statement", async () => {
    const month = new Date().toISOString().slice(0, 7);
    const path = `/v1/admin/organizations/${ownOrg}/statements/${month}`;
    const api = behindBalancer("198.51.100.1");
    const own = await api.get(path, ownerSession);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ organization: String(ownOrg), projects: [String(project)], status: "open" });

    // Another organization's owner (a tenant of the same deployment) and a throwaway wallet.
    const rival = stack.onekey.account(3);
    const rivalOrg = await stack.onekey.createOrganization(rival);
    const admin = stack.onekey.account(4);
    await stack.onekey.setOrganizationAdmin(owner, ownOrg, admin.address, true);
    await ponder.waitForBlock(await stack.onekey.blockNumber());
    const rivalSession = await behindBalancer("203.0.113.70").login(rival);
    const strangerSession = await behindBalancer("203.0.113.71").login(throwawayWallet());
    const adminSession = await behindBalancer("198.51.100.72").login(admin);
    for (const session of [rivalSession, strangerSession]) {
      expectError(await api.get(path, session), 403, "not_organization_admin");
      expectError(await api.get(`${path}?format=csv`, session), 403, "not_organization_admin");
    }
    // The rival reads its own organization's, which holds none of our projects.
    const theirs = await api.get(`/v1/admin/organizations/${rivalOrg}/statements/${month}`, rivalSession);
    expect(theirs.body).toMatchObject({ organization: String(rivalOrg), projects: [] });
    // The organization's admin reads it, until the owner disables the admin on chain.
    expect((await api.get(path, adminSession)).status).toBe(200);
    await stack.onekey.setOrganizationAdmin(owner, ownOrg, admin.address, false);
    await ponder.waitForBlock(await stack.onekey.blockNumber());
    expectError(await api.get(path, adminSession), 403, "not_organization_admin");
    // A malformed or future month is a 400 naming month, for the owner too.
    for (const bad of ["2026-13", "2999-01"]) {
      expectError(
        await api.get(`/v1/admin/organizations/${ownOrg}/statements/${bad}`, ownerSession),
        400,
        "invalid_request",
        "month",
      );
    }
  });

  it("logs no 5xx for any of it but the provider routes' issuer_not_configured", () => {
    const lines = ponder
      .logs()
      .split("\n")
      .filter((l) => l.includes('"service":"onekey-api"'))
      .map((l) => JSON.parse(l) as { msg: string; status?: number; route?: string });
    expect(lines.filter((l) => l.msg === "request").length).toBeGreaterThan(50);
    expect(
      lines.filter((l) => (l.status ?? 0) >= 500 || l.msg === "unhandled error").map((l) => [l.status, l.route]),
    ).toEqual([
      [503, "/v1/operator/providers"],
      [503, "/v1/operator/providers/:name"],
    ]);
  });
});
