/**
 * Security monitoring (security/) over a real API database, on PGlite and PostgreSQL, with a
 * clock the test moves: each rule fires at its threshold and not below it, an incident is raised
 * once and then only counted, the project gets a `security.alert` webhook event (only on the
 * endpoints that take it), the operators' channel gets a signed POST and is retried until it
 * accepts, and operators acknowledge and resolve incidents into the audit trail.
 */

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FlagSet } from "@onekey/deploy";
import { parseWebhookEvent } from "@onekey/sdk";
import { type Kysely, sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeAudit } from "../../db/audit.js";
import { migrate } from "../../db/migrator.js";
import { listAlerts, setAlertState } from "../../security/alerts.js";
import { readSecurityConfig, type SecurityConfig } from "../../security/config.js";
import { runSecurityScan } from "../../security/scan.js";
import { envelope } from "../../webhooks/envelope.js";
import { openTestApiDb, type TestApiDb } from "../support/testApiDb.js";

const SECRET = `whsec_${Buffer.from("operator-channel-secret-0123456789").toString("base64")}`;
const PROJECT = 7n;
const ATTACKER = "0x00000000000000000000000000000000000a77ac";
const READER = "0x000000000000000000000000000000000000bead";
const BUSY_READER = "0x000000000000000000000000000000000000b05e";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe.each(["pglite", "postgres"] as const)("security monitoring on %s", (kind) => {
  let test: TestApiDb;
  let operator: Server;
  let received: Received[] = [];
  let operatorUp = true;
  let config: SecurityConfig;
  let clock: Date;
  const db = () => test.store.db;
  const scan = (flags?: FlagSet) => runSecurityScan(db(), { config, chainId: 31337, now: clock, flags });
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  /** `n` audit entries, one a second, ending now. */
  const entries = async (n: number, entry: Parameters<typeof writeAudit>[1]) => {
    for (let i = n - 1; i >= 0; i--) await writeAudit(db(), { ...entry, at: new Date(clock.getTime() - i * 1000) });
  };

  /** The attacker's refused admin calls on the project, as many as the rule's threshold. */
  const adminProbe = () =>
    entries(config.adminRefusals, {
      actor: ATTACKER,
      projectId: PROJECT,
      action: "api_key.create",
      result: "denied",
      detail: { reason: "not_project_admin" },
    });

  beforeAll(async () => {
    test = await openTestApiDb(kind, "onekey_security");
    await migrate(db(), "latest");
    operator = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (operatorUp) received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(operatorUp ? 204 : 500).end();
      });
    });
    await new Promise<void>((resolve) => operator.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(operator.address() as AddressInfo).port}/alerts`;
    config = readSecurityConfig({ ONEKEY_SECURITY_ALERT_URL: url, ONEKEY_SECURITY_ALERT_SECRET: SECRET });
    // Two endpoints of the project: one takes every event, one only consents.
    for (const [id, types] of [
      ["ep_all", []],
      ["ep_consents", ["consent.granted"]],
    ] as const) {
      await db()
        .insertInto("webhook_endpoints")
        .values({
          id,
          project_id: PROJECT.toString(),
          url: `https://hooks.example.com/${id}`,
          event_types: [...types],
          rate_limit_per_second: 5,
          secret_ciphertext: "v1.x.y",
        })
        .execute();
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => operator?.close(resolve));
    await test?.close();
  });
  beforeEach(async () => {
    await sql`TRUNCATE security_alerts, audit_heads, audit_log, webhook_deliveries, webhook_events, api_key_networks, api_keys CASCADE`.execute(
      db(),
    );
    received = [];
    operatorUp = true;
    // Starts at the wall clock: the operators' channel signs with it, and verifiers refuse old messages.
    clock = new Date(Math.floor(Date.now() / 1000) * 1000);
  });

  it("alerts on a burst of refused sign-ins at the threshold, once, and tells the operators (signed)", async () => {
    const refusal = { actor: ATTACKER, action: "session.login", result: "denied" as const, detail: { reason: "x" } };
    await entries(config.signInFailures - 1, refusal);
    expect((await scan()).raised).toEqual([]);
    await entries(1, refusal);
    const first = await scan();
    expect(first.raised).toHaveLength(1);
    expect(first.raised[0]).toMatchObject({ rule: "sign_in_failures", severity: "medium", projectId: null });
    expect(first.raised[0]?.evidence).toMatchObject({ address: ATTACKER, refused: config.signInFailures });
    // Not a project's business: no webhook event; the operators' channel has it, signed.
    expect(await db().selectFrom("webhook_events").select("id").execute()).toEqual([]);
    expect(received).toHaveLength(1);
    const delivery = received[0] as Received;
    const verified = new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>) as {
      alert: { rule: string; runbook: string };
    };
    expect(verified.alert).toMatchObject({
      rule: "sign_in_failures",
      runbook: expect.stringContaining("#sign-in-failures"),
    });

    // The burst goes on: the same incident counts it; nothing new is sent.
    later(1000);
    await entries(3, refusal);
    expect((await scan()).raised).toEqual([]);
    const [incident] = await listAlerts(db());
    expect(incident).toMatchObject({ occurrences: 2, state: "open" });
    expect(received).toHaveLength(1);

    // Out of the window, quiet again.
    later((config.windowSeconds + 10) * 1000);
    expect((await scan()).findings).toBe(0);
  });

  it("sends an admin-route probe to the project as security.alert, only to endpoints that take it", async () => {
    await adminProbe();
    // Someone else's single refusal stays below any threshold.
    await entries(1, { actor: READER, projectId: PROJECT, action: "api_key.list", result: "denied" });
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([["admin_refusals", "high", "7"]]);
    const events = await db().selectFrom("webhook_events").selectAll().execute();
    expect(events.map((e) => [e.type, e.project_ids.map(String)])).toEqual([["security.alert", ["7"]]]);
    const deliveries = await db().selectFrom("webhook_deliveries").select(["endpoint_id", "status"]).execute();
    expect(deliveries).toEqual([{ endpoint_id: "ep_all", status: "pending" }]);
    // What the endpoint will receive is a valid security.alert for the SDK.
    const stored = await db().selectFrom("webhook_events").selectAll().executeTakeFirstOrThrow();
    const body = JSON.parse(envelope(stored as never, "7", true));
    const event = parseWebhookEvent(body);
    expect(event.type).toBe("security.alert");
    expect(event.data).toMatchObject({ rule: "admin_refusals", severity: "high", alertId: raised[0]?.id });
    // And the trail says the monitor raised it.
    const trail = await db()
      .selectFrom("audit_log")
      .select(["actor", "action"])
      .where("action", "=", "security.alert")
      .execute();
    expect(trail).toEqual([{ actor: "security-monitor", action: "security.alert" }]);
  });

  it("keeps a project's incident from its webhooks while its securityAlertWebhooks flag is off, not from the operators", async () => {
    await adminProbe();
    const flags = FlagSet.parse(
      JSON.stringify({ flags: { securityAlertWebhooks: { projects: { [PROJECT.toString()]: false } } } }),
    );
    const { raised } = await scan(flags);
    expect(raised.map((a) => [a.rule, a.projectId])).toEqual([["admin_refusals", "7"]]);
    expect(await db().selectFrom("webhook_events").select("id").execute()).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it("alerts on a reader taking data keys from the key service past its floor, not below it", async () => {
    const release = { actor: READER, action: "key.release", target: `0x${"ab".repeat(32)}`, result: "ok" as const };
    await entries(config.keyReleasesPerHour - 1, release);
    // Refused releases are not keys taken.
    await entries(3, { ...release, result: "denied" as const });
    expect((await scan()).raised).toEqual([]);
    await entries(1, release);
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity, a.projectId])).toEqual([["key_releases_above_norm", "high", null]]);
    expect(raised[0]?.evidence).toMatchObject({ reader: READER, releasedLastHour: config.keyReleasesPerHour });
  });

  it("judges a reader's record openings against the floor and its own norm", async () => {
    // A busy reader: 12 openings an hour all week (hourly norm 12, so its limit is 5 x 12 = 60).
    await sql`
      INSERT INTO audit_log (at, actor, project_id, action, result, detail, prev_hash, hash)
      SELECT ${clock}::timestamptz - make_interval(hours => h) - make_interval(mins => m * 5), ${BUSY_READER}, ${PROJECT.toString()}::bigint,
             'record.open', 'ok', '{}'::jsonb, 'history', 'history'
        FROM generate_series(2, 167) AS h, generate_series(0, 11) AS m`.execute(db());
    const opening = (actor: string) => ({ actor, projectId: PROJECT, action: "record.open", result: "ok" as const });
    await entries(40, opening(BUSY_READER)); // 40 < 60: its usual pace, no alert
    await entries(config.recordOpeningsPerHour - 1, opening(READER)); // below the floor
    expect((await scan()).raised).toEqual([]);
    await entries(1, opening(READER)); // at the floor: a quiet reader suddenly harvesting
    const { raised } = await scan();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ rule: "record_openings_above_norm", severity: "high" });
    expect(raised[0]?.evidence).toMatchObject({ reader: READER, openedLastHour: config.recordOpeningsPerHour });
    await entries(25, opening(BUSY_READER)); // 65 > 60: now above its own norm
    expect((await scan()).raised.map((a) => a.evidence.reader)).toEqual([BUSY_READER]);
  });

  it("raises a disabled endpoint once, even after it is resolved; bursts after a resolution are new", async () => {
    await writeAudit(db(), {
      actor: "webhook-worker",
      projectId: PROJECT,
      action: "webhook_endpoint.disabled",
      target: "ep_all",
      result: "ok",
      detail: { reason: "dead" },
      at: clock,
    });
    const [alert] = (await scan()).raised;
    expect(alert).toMatchObject({ rule: "webhook_endpoint_disabled", severity: "medium" });
    const id = alert?.id as string;

    expect(await setAlertState(db(), id, "acknowledged", "ops@onekey", clock)).toMatchObject({ state: "acknowledged" });
    expect(await setAlertState(db(), id, "acknowledged", "ops@onekey", clock)).toBe("already");
    expect(await setAlertState(db(), id, "resolved", "ops@onekey", clock)).toMatchObject({ state: "resolved" });
    expect(await setAlertState(db(), "999999", "resolved", "ops@onekey", clock)).toBe("not_found");
    later(60_000);
    expect((await scan()).raised).toEqual([]);
    const handled = await db()
      .selectFrom("audit_log")
      .select(["actor", "action", "target"])
      .where("action", "like", "security.alert_%")
      .orderBy("id")
      .execute();
    expect(handled).toEqual([
      { actor: "ops@onekey", action: "security.alert_acknowledged", target: id },
      { actor: "ops@onekey", action: "security.alert_resolved", target: id },
    ]);

    // A burst rule's incident, resolved while the burst goes on: a new incident.
    const refusal = { actor: ATTACKER, action: "session.login", result: "denied" as const };
    await entries(config.signInFailures, refusal);
    const [burst] = (await scan()).raised;
    await setAlertState(db(), burst?.id as string, "resolved", "ops@onekey", clock);
    later(1000);
    await entries(1, refusal);
    const [again] = (await scan()).raised;
    expect(again?.rule).toBe("sign_in_failures");
    expect(again?.id).not.toBe(burst?.id);
  });

  it("alerts once when a key is used from a network new in the last N days; a key's first network is not an alert", async () => {
    const DAY = 86_400_000;
    const key = async (id: string, scopes: string[]) =>
      db()
        .insertInto("api_keys")
        .values({
          id,
          project_id: PROJECT.toString(),
          name: id,
          prefix: `okk_${id}`,
          key_hash: id.padEnd(64, "0"),
          scopes,
          created_by: READER,
        })
        .execute();
    /** A key seen from a network from `firstDaysAgo` until `lastDaysAgo` days ago. */
    const seen = (keyId: string, network: string, firstDaysAgo: number, lastDaysAgo = firstDaysAgo) =>
      db()
        .insertInto("api_key_networks")
        .values({
          key_id: keyId,
          network,
          first_seen: new Date(clock.getTime() - firstDaysAgo * DAY),
          last_seen: new Date(clock.getTime() - lastDaysAgo * DAY),
        })
        .execute();
    await key("key_reader", ["read"]);
    await key("key_manager", ["read", "webhooks:manage"]);
    await key("key_brand_new", ["read"]);
    // A week of use from the office; a brand-new key's first use, from anywhere, is its history starting.
    await seen("key_reader", "198.51.100.0/24", 7, 0);
    await seen("key_manager", "198.51.100.0/24", 7, 0);
    await seen("key_brand_new", "203.0.113.0/24", 0);
    expect((await scan()).raised).toEqual([]);

    // The reader key from a second network: low; the manager key (it can move webhooks): medium.
    later(60_000);
    await seen("key_reader", "192.0.2.0/24", 0);
    await seen("key_manager", "2001:db8:1::/48", 0);
    const { raised } = await scan();
    expect(raised.map((a) => [a.rule, a.severity, a.projectId, a.evidence.keyId, a.evidence.network]).sort()).toEqual([
      ["api_key_new_network", "low", "7", "key_reader", "192.0.2.0/24"],
      ["api_key_new_network", "medium", "7", "key_manager", "2001:db8:1::/48"],
    ]);
    // Once per key and network: later scans, while it stays in use, raise nothing.
    later(60_000);
    expect((await scan()).raised).toEqual([]);

    // A network unused for more than N days is forgotten; when the key comes back from it, it is new again.
    await seen("key_reader", "10.20.30.0/24", config.keyNetworkDays + 5, config.keyNetworkDays + 1);
    expect((await scan()).raised).toEqual([]);
    expect(
      await db().selectFrom("api_key_networks").select("network").where("network", "=", "10.20.30.0/24").execute(),
    ).toEqual([]);
    later(60_000);
    await seen("key_reader", "10.20.30.0/24", 0);
    expect((await scan()).raised.map((a) => a.evidence.network)).toEqual(["10.20.30.0/24"]);
  });

  it("skips the issuer's refusal rule, saying why, while the issuer's database is not given or not migrated", async () => {
    await adminProbe();
    const unset = await scan();
    expect(unset.skipped).toEqual([
      { rule: "sponsorship_refusal_spike", reason: expect.stringContaining("ONEKEY_ANALYTICS_ISSUER_DATABASE_URL") },
    ]);
    // The other rules ran.
    expect(unset.raised.map((a) => a.rule)).toEqual(["admin_refusals"]);
    // A database without the issuer's table (here the API's own): skipped too, naming the migration.
    const issuerDb = db() as unknown as Kysely<unknown>;
    const bare = await runSecurityScan(db(), { config, chainId: 31337, now: clock, issuerDb });
    expect(bare.skipped).toEqual([{ rule: "sponsorship_refusal_spike", reason: expect.stringContaining("0004") }]);
    expect(bare.failed).toEqual([]);
  });

  it("retries the operators' channel until it accepts", async () => {
    operatorUp = false;
    await entries(config.signInFailures, { actor: ATTACKER, action: "session.login", result: "denied" });
    const down = await scan();
    expect(down.raised).toHaveLength(1);
    expect(down.operatorAccepted).toBe(0);
    operatorUp = true;
    later(1000);
    const up = await scan();
    expect(up.raised).toEqual([]);
    expect(up.operatorAccepted).toBe(1);
    expect(received).toHaveLength(1);
    expect((await scan()).operatorAccepted).toBe(0);
  });
});

describe("security configuration", () => {
  it("names the variable that is wrong", () => {
    expect(() => readSecurityConfig({ ONEKEY_SECURITY_ADMIN_REFUSALS: "0" })).toThrow(/ONEKEY_SECURITY_ADMIN_REFUSALS/);
    expect(() => readSecurityConfig({ ONEKEY_SECURITY_ALERT_URL: "https://ops.example.com/hook" })).toThrow(
      /ONEKEY_SECURITY_ALERT_SECRET/,
    );
    expect(() =>
      readSecurityConfig({ ONEKEY_SECURITY_ALERT_URL: "ftp://x", ONEKEY_SECURITY_ALERT_SECRET: SECRET }),
    ).toThrow(/ONEKEY_SECURITY_ALERT_URL/);
    expect(() => readSecurityConfig({ ONEKEY_SECURITY_KEY_NETWORK_DAYS: "0" })).toThrow(
      /ONEKEY_SECURITY_KEY_NETWORK_DAYS/,
    );
    expect(readSecurityConfig({})).toMatchObject({
      signInFailures: 20,
      adminRefusals: 10,
      keyNetworkDays: 30,
      sponsorshipRefusalsPerHour: 100,
      sponsorshipRefusalsFactor: 5,
      operator: undefined,
    });
  });
});
