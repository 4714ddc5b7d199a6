/**
 * Detection rules over the audit trail (db/audit.ts): each reads the recent entries and returns
 * findings, one per subject that crossed the rule's threshold. The trail already holds what an
 * attack leaves behind: refused sign-ins, refused admin calls, records opened, endpoints the
 * worker disabled. The chain rules read the indexed tables (Ponder's schema, or its views schema)
 * when the scan is given one: sponsorship spend per project and in all, governance revocations and
 * paymaster signer rotations. Two more read their own sources: the networks API keys are used
 * from (api_key_networks) and, given the issuer's database, its sponsorship refusals per hour.
 * Each rule has a section in docs/runbooks/security.md, named by the rule.
 */
import { type Kysely, sql } from "kysely";
import type { ApiDatabase } from "../db/tables.js";
import type { SecurityConfig } from "./config.js";

export type Severity = "low" | "medium" | "high" | "critical";

export interface Finding {
  rule: RuleName;
  severity: Severity;
  projectId?: bigint;
  /** The incident's identity within the rule: the same key joins the open incident. */
  dedupKey: string;
  /** A finding that is one past event (not a rate): it alerts once, ever, not once per incident. */
  once?: boolean;
  summary: string;
  evidence: Record<string, unknown>;
}

export const RULE_NAMES = [
  "sign_in_failures",
  "admin_refusals",
  "record_openings_above_norm",
  "webhook_endpoint_disabled",
  "key_releases_above_norm",
  "budget_drain",
  "sponsor_signer_volume",
  "attestation_revoked_by_governance",
  "paymaster_signer_rotation",
  "api_key_new_network",
  "sponsorship_refusal_spike",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleContext {
  db: Kysely<ApiDatabase>;
  now: Date;
  config: SecurityConfig;
  /** The schema of the indexed chain tables; absent, the chain rules find nothing. */
  chainSchema?: string;
  /** The issuer's database, in its schema (analytics/rebuild.ts `openIssuerSource`); absent, its rule is skipped. */
  issuerDb?: Kysely<unknown>;
}

/** A rule that cannot look this time for a reason the operator should read (not an error): the scan lists it. */
export class RuleSkipped extends Error {
  override name = "RuleSkipped";
}

const HOUR_MS = 3_600_000;
const NORM_LOOKBACK_HOURS = 7 * 24;

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const iso = (value: unknown) => new Date(value as string).toISOString();

/**
 * Refusals in the window per address (and project), at or over `threshold`: refused sign-ins
 * (which belong to no project) or refused admin calls (which always name one).
 */
async function refusalBursts({ db, now, config }: RuleContext, of: "sign-ins" | "admin calls", threshold: number) {
  const rows = await db
    .selectFrom("audit_log")
    .select((eb) => [
      "project_id",
      "actor",
      eb.fn.countAll<string>().as("n"),
      eb.fn.min("id").as("first_id"),
      eb.fn.max("id").as("last_id"),
    ])
    .where("result", "=", "denied")
    .where("at", ">", ago(now, config.windowSeconds * 1000))
    .$if(of === "sign-ins", (q) => q.where("action", "=", "session.login"))
    .$if(of === "admin calls", (q) => q.where("action", "<>", "session.login").where("project_id", "is not", null))
    .groupBy(["project_id", "actor"])
    .having((eb) => eb.fn.countAll(), ">=", threshold)
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id === null ? undefined : BigInt(r.project_id),
    actor: r.actor,
    summary: `${r.n} refused ${of}${r.project_id === null ? "" : ` on project ${r.project_id}`} by ${r.actor} within ${config.windowSeconds} s`,
    evidence: {
      address: r.actor,
      refused: Number(r.n),
      threshold,
      windowSeconds: config.windowSeconds,
      auditIds: [String(r.first_id), String(r.last_id)],
    },
  }));
}

/** Bursts of refused sign-ins by one address: someone guessing, or a broken client. */
async function signInFailures(context: RuleContext): Promise<Finding[]> {
  const bursts = await refusalBursts(context, "sign-ins", context.config.signInFailures);
  return bursts.map(({ actor, summary, evidence }) => ({
    rule: "sign_in_failures",
    severity: "medium",
    dedupKey: actor,
    summary,
    evidence,
  }));
}

/** One address refused again and again on a project's admin routes: probing, or a stolen session. */
async function adminRefusals(context: RuleContext): Promise<Finding[]> {
  const bursts = await refusalBursts(context, "admin calls", context.config.adminRefusals);
  return bursts.map(({ projectId, actor, summary, evidence }) => ({
    rule: "admin_refusals",
    severity: "high",
    projectId,
    dedupKey: `${projectId}:${actor}`,
    summary,
    evidence,
  }));
}

/**
 * A reader opening far more records in the last hour than it does: a leaked reader key being
 * used to harvest, or an export nobody announced. "Far more" is the larger of a floor and a
 * multiple of the reader's own hourly average over the last week.
 */
async function recordOpeningsAboveNorm({ db, now, config }: RuleContext): Promise<Finding[]> {
  const hourAgo = ago(now, HOUR_MS);
  const weekAgo = ago(now, NORM_LOOKBACK_HOURS * HOUR_MS);
  const { rows } = await sql<{ project_id: string; actor: string; recent: string; before: string; last_id: string }>`
    SELECT project_id, actor,
           count(*) FILTER (WHERE at > ${hourAgo}) AS recent,
           count(*) FILTER (WHERE at <= ${hourAgo}) AS before,
           max(id) AS last_id
      FROM audit_log
     WHERE action = 'record.open' AND result = 'ok' AND project_id IS NOT NULL AND at > ${weekAgo}
     GROUP BY project_id, actor`.execute(db);
  const findings: Finding[] = [];
  for (const r of rows) {
    const recent = Number(r.recent);
    const hourlyNorm = Number(r.before) / (NORM_LOOKBACK_HOURS - 1);
    const limit = Math.max(config.recordOpeningsPerHour, Math.ceil(config.recordOpeningsFactor * hourlyNorm));
    if (recent < limit) continue;
    findings.push({
      rule: "record_openings_above_norm",
      severity: "high",
      projectId: BigInt(r.project_id),
      dedupKey: `${r.project_id}:${r.actor}`,
      summary: `${r.actor} opened ${recent} records of project ${r.project_id} in the last hour (its limit: ${limit})`,
      evidence: {
        reader: r.actor,
        openedLastHour: recent,
        hourlyAverageLastWeek: Math.round(hourlyNorm * 100) / 100,
        limit,
        lastAuditId: String(r.last_id),
      },
    });
  }
  return findings;
}

/**
 * A reader taking far more data keys from the key service in the last hour than it does (the key
 * service reports each release: routes/keyReleases.ts): harvesting with a leaked reader key even
 * where no dashboard records the openings. Judged like record openings, per reader.
 */
async function keyReleasesAboveNorm({ db, now, config }: RuleContext): Promise<Finding[]> {
  const hourAgo = ago(now, HOUR_MS);
  const weekAgo = ago(now, NORM_LOOKBACK_HOURS * HOUR_MS);
  const { rows } = await sql<{ actor: string; recent: string; before: string; last_id: string }>`
    SELECT actor,
           count(*) FILTER (WHERE at > ${hourAgo}) AS recent,
           count(*) FILTER (WHERE at <= ${hourAgo}) AS before,
           max(id) AS last_id
      FROM audit_log
     WHERE action = 'key.release' AND result = 'ok' AND at > ${weekAgo} AND at <= ${now}
     GROUP BY actor`.execute(db);
  const findings: Finding[] = [];
  for (const r of rows) {
    const recent = Number(r.recent);
    const hourlyNorm = Number(r.before) / (NORM_LOOKBACK_HOURS - 1);
    const limit = Math.max(config.keyReleasesPerHour, Math.ceil(config.recordOpeningsFactor * hourlyNorm));
    if (recent < limit) continue;
    findings.push({
      rule: "key_releases_above_norm",
      severity: "high",
      dedupKey: r.actor,
      summary: `${r.actor} took ${recent} data keys in the last hour (its limit: ${limit})`,
      evidence: {
        reader: r.actor,
        releasedLastHour: recent,
        hourlyAverageLastWeek: Math.round(hourlyNorm * 100) / 100,
        limit,
        lastAuditId: String(r.last_id),
      },
    });
  }
  return findings;
}

/** The worker disabled an endpoint (410 Gone, or every retry failed): the project misses events. */
async function webhookEndpointDisabled({ db, now }: RuleContext): Promise<Finding[]> {
  const rows = await db
    .selectFrom("audit_log")
    .select(["id", "project_id", "target", "detail", "at"])
    .where("action", "=", "webhook_endpoint.disabled")
    .where("project_id", "is not", null)
    .where("at", ">", ago(now, 24 * HOUR_MS))
    .execute();
  return rows.map((r) => {
    const detail = (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as Record<string, unknown> | null;
    return {
      rule: "webhook_endpoint_disabled",
      severity: "medium",
      projectId: BigInt(r.project_id as string),
      dedupKey: `${r.target}:${r.id}`,
      once: true,
      summary: `Webhook endpoint ${r.target} of project ${r.project_id} was disabled (${String(detail?.reason ?? "failing")})`,
      evidence: { endpointId: r.target, reason: detail?.reason ?? null, auditId: String(r.id), at: iso(r.at) },
    };
  });
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Whether Ponder has made `table` in `schema` yet: a worker may start before the indexer's first
 * run creates its views, and the trail's rules must not wait for them.
 */
async function chainTable(db: Kysely<ApiDatabase>, schema: string | undefined, table: string): Promise<boolean> {
  if (!schema) return false;
  const { rows } = await sql<{
    found: string | null;
  }>`SELECT to_regclass(${`${schema}.${table}`})::text AS found`.execute(db);
  return rows[0]?.found != null;
}

/**
 * A project's sponsored operations cost more in the last hour than it ever spends: a leaked way
 * to get sponsorship (an allowed call abused, a bot farm of "users") draining the budget. "More"
 * is the larger of a floor and a multiple of its own hourly average over the last week.
 */
async function budgetDrain({ db, now, config, chainSchema }: RuleContext): Promise<Finding[]> {
  if (!(await chainTable(db, chainSchema, "sponsored_operations"))) return [];
  const hourAgo = seconds(ago(now, HOUR_MS));
  const weekAgo = seconds(ago(now, NORM_LOOKBACK_HOURS * HOUR_MS));
  const { rows } = await sql<{ project_id: string; recent: string; before: string; operations: string }>`
    SELECT project_id::text,
           coalesce(sum(actual_cost) FILTER (WHERE block_timestamp > ${hourAgo}), 0)::text AS recent,
           coalesce(sum(actual_cost) FILTER (WHERE block_timestamp <= ${hourAgo}), 0)::text AS before,
           count(*) FILTER (WHERE block_timestamp > ${hourAgo})::text AS operations
      FROM ${sql.table(`${chainSchema}.sponsored_operations`)}
     WHERE block_timestamp > ${weekAgo} AND block_timestamp <= ${seconds(now)}
     GROUP BY project_id`.execute(db);
  const findings: Finding[] = [];
  for (const r of rows) {
    const recent = BigInt(r.recent);
    const hourlyNorm = BigInt(r.before) / BigInt(NORM_LOOKBACK_HOURS - 1);
    const scaled = (hourlyNorm * BigInt(Math.round(config.budgetDrainFactor * 100))) / 100n;
    const limit = scaled > config.budgetDrainFloorWei ? scaled : config.budgetDrainFloorWei;
    if (recent < limit) continue;
    findings.push({
      rule: "budget_drain",
      severity: "high",
      projectId: BigInt(r.project_id),
      dedupKey: r.project_id,
      summary: `Project ${r.project_id} spent ${recent} wei on ${r.operations} sponsored operations in the last hour (its limit: ${limit})`,
      evidence: {
        spentLastHourWei: recent.toString(),
        operationsLastHour: Number(r.operations),
        hourlyAverageLastWeekWei: hourlyNorm.toString(),
        limitWei: limit.toString(),
      },
    });
  }
  return findings;
}

/**
 * The sponsorship signer signs far more than it does, across every project: a stolen signer key
 * in use, or the issuer signing beyond its policy. Counted on the chain, where the signatures land.
 */
async function sponsorSignerVolume({ db, now, config, chainSchema }: RuleContext): Promise<Finding[]> {
  if (!(await chainTable(db, chainSchema, "sponsored_operations"))) return [];
  const hourAgo = seconds(ago(now, HOUR_MS));
  const weekAgo = seconds(ago(now, NORM_LOOKBACK_HOURS * HOUR_MS));
  const { rows } = await sql<{ recent: string; before: string }>`
    SELECT count(*) FILTER (WHERE block_timestamp > ${hourAgo})::text AS recent,
           count(*) FILTER (WHERE block_timestamp <= ${hourAgo})::text AS before
      FROM ${sql.table(`${chainSchema}.sponsored_operations`)}
     WHERE block_timestamp > ${weekAgo} AND block_timestamp <= ${seconds(now)}`.execute(db);
  const recent = Number(rows[0]?.recent ?? 0);
  const hourlyNorm = Number(rows[0]?.before ?? 0) / (NORM_LOOKBACK_HOURS - 1);
  const limit = Math.max(config.signerOpsPerHour, Math.ceil(config.signerOpsFactor * hourlyNorm));
  if (recent < limit) return [];
  return [
    {
      rule: "sponsor_signer_volume",
      severity: "critical",
      dedupKey: "sponsor-signer",
      summary: `${recent} sponsored operations in the last hour across all projects (the signer's limit: ${limit})`,
      evidence: { operationsLastHour: recent, hourlyAverageLastWeek: Math.round(hourlyNorm * 100) / 100, limit },
    },
  ];
}

/** An attestation revoked by someone other than its issuer (governance) in the last day: once each. */
async function attestationRevokedByGovernance({ db, now, chainSchema }: RuleContext): Promise<Finding[]> {
  if (!(await chainTable(db, chainSchema, "attestations"))) return [];
  const { rows } = await sql<{ uid: string; issuer: string; revoker: string; revoked_at: string }>`
    SELECT uid, issuer, revoker, revoked_at::text
      FROM ${sql.table(`${chainSchema}.attestations`)}
     WHERE status = 'revoked' AND revoker IS NOT NULL AND lower(revoker) <> lower(issuer)
       AND revoked_at > ${seconds(ago(now, 24 * HOUR_MS))}`.execute(db);
  return rows.map((r) => ({
    rule: "attestation_revoked_by_governance",
    severity: "medium",
    dedupKey: r.uid,
    once: true,
    summary: `Governance (${r.revoker}) revoked attestation ${r.uid} of issuer ${r.issuer}`,
    evidence: { uid: r.uid, issuer: r.issuer, revoker: r.revoker, revokedAt: Number(r.revoked_at) },
  }));
}

/** The paymaster's signer is being rotated (started, completed or cancelled) in the last day: once each. */
async function paymasterSignerRotation({ db, now, chainSchema }: RuleContext): Promise<Finding[]> {
  if (!(await chainTable(db, chainSchema, "paymaster_events"))) return [];
  const { rows } = await sql<{
    id: string;
    name: string;
    args: unknown;
    block_timestamp: string;
    transaction_hash: string;
  }>`
    SELECT id, name, args, block_timestamp::text, transaction_hash
      FROM ${sql.table(`${chainSchema}.paymaster_events`)}
     WHERE name IN ('SignerRotationStarted', 'SignerRotationCompleted', 'SignerRotationCancelled')
       AND block_timestamp > ${seconds(ago(now, 24 * HOUR_MS))}`.execute(db);
  return rows.map((r) => ({
    rule: "paymaster_signer_rotation",
    severity: r.name === "SignerRotationStarted" ? "critical" : "high",
    dedupKey: r.id,
    once: true,
    summary: `Paymaster ${r.name} (transaction ${r.transaction_hash}): confirm it was planned`,
    evidence: {
      event: r.name,
      args: typeof r.args === "string" ? JSON.parse(r.args) : r.args,
      transactionHash: r.transaction_hash,
      at: Number(r.block_timestamp),
    },
  }));
}

const DAY_MS = 24 * HOUR_MS;

/**
 * An API key used from a network (IPv4 /24, IPv6 /48) it was not used from in the last
 * ONEKEY_SECURITY_KEY_NETWORK_DAYS: a leaked key in someone else's hands, or a deployment that
 * moved. The API records each key's networks (api_key_networks); this rule forgets a network that
 * many days after its last use, so a return after that is new again and no older history is kept.
 * A key's first network is its history starting, not an alert: a brand-new key (or one unused for
 * the whole period) has nothing to compare with. Once per key, network and first sighting.
 */
async function apiKeyNewNetwork({ db, now, config }: RuleContext): Promise<Finding[]> {
  await db
    .deleteFrom("api_key_networks")
    .where("last_seen", "<", ago(now, config.keyNetworkDays * DAY_MS))
    .execute();
  const { rows } = await sql<{
    key_id: string;
    network: string;
    first_seen: string;
    project_id: string;
    prefix: string;
    scopes: string[];
    known: number;
  }>`
    SELECT n.key_id, n.network, n.first_seen, k.project_id::text AS project_id, k.prefix, k.scopes,
           (SELECT count(*) FROM api_key_networks o WHERE o.key_id = n.key_id AND o.first_seen < n.first_seen)::int AS known
      FROM api_key_networks n JOIN api_keys k ON k.id = n.key_id
     WHERE n.first_seen > ${ago(now, DAY_MS)} AND n.first_seen <= ${now}`.execute(db);
  return rows
    .filter((r) => Number(r.known) > 0)
    .map((r) => {
      // A key that can change where events go matters more than a read-only one.
      const manages = r.scopes.includes("webhooks:manage");
      return {
        rule: "api_key_new_network",
        severity: manages ? "medium" : "low",
        projectId: BigInt(r.project_id),
        dedupKey: `${r.key_id}:${r.network}:${iso(r.first_seen)}`,
        once: true,
        summary: `API key ${r.prefix}… of project ${r.project_id} was used from network ${r.network}, new in the last ${config.keyNetworkDays} days`,
        evidence: {
          keyId: r.key_id,
          keyPrefix: r.prefix,
          scopes: r.scopes,
          network: r.network,
          firstSeen: iso(r.first_seen),
          knownNetworks: Number(r.known),
          lookbackDays: config.keyNetworkDays,
        },
      };
    });
}

/**
 * A project's sponsorship requests refused far more this hour than they are (the issuer records
 * refusals per project, hour and reason in its sponsorship_refusals): someone probing the
 * paymaster service with operations it will not pay for, or an app broken after a release.
 * "Far more" is the larger of a floor and a multiple of the project's hourly average over the
 * week before this hour. Counted per clock hour (the issuer's buckets), so a burst that straddles
 * the hour is judged in two halves.
 */
async function sponsorshipRefusalSpike({ now, config, issuerDb }: RuleContext): Promise<Finding[]> {
  if (!issuerDb) {
    throw new RuleSkipped("ONEKEY_ANALYTICS_ISSUER_DATABASE_URL is unset, so the issuer's refusals cannot be read");
  }
  const { rows: found } = await sql<{ found: string | null }>`
    SELECT to_regclass('sponsorship_refusals')::text AS found`.execute(issuerDb);
  if (found[0]?.found == null) {
    throw new RuleSkipped("the issuer's database has no sponsorship_refusals table yet (issuer migration 0004)");
  }
  const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const weekBefore = new Date(hour.getTime() - NORM_LOOKBACK_HOURS * HOUR_MS);
  const { rows } = await sql<{ project_id: string; recent: string; before: string; reasons: unknown }>`
    SELECT project_id::text AS project_id,
           coalesce(sum(count) FILTER (WHERE hour = ${hour}), 0)::text AS recent,
           coalesce(sum(count) FILTER (WHERE hour < ${hour}), 0)::text AS before,
           jsonb_object_agg(reason, count) FILTER (WHERE hour = ${hour}) AS reasons
      FROM sponsorship_refusals
     WHERE hour >= ${weekBefore} AND hour <= ${hour}
     GROUP BY project_id`.execute(issuerDb);
  const findings: Finding[] = [];
  for (const r of rows) {
    const recent = Number(r.recent);
    const hourlyNorm = Number(r.before) / NORM_LOOKBACK_HOURS;
    const limit = Math.max(config.sponsorshipRefusalsPerHour, Math.ceil(config.sponsorshipRefusalsFactor * hourlyNorm));
    if (recent < limit) continue;
    const reasons = (typeof r.reasons === "string" ? JSON.parse(r.reasons) : r.reasons) as Record<string, string>;
    findings.push({
      rule: "sponsorship_refusal_spike",
      severity: "medium",
      projectId: BigInt(r.project_id),
      dedupKey: r.project_id,
      summary: `The issuer refused ${recent} sponsorship requests for project ${r.project_id} this hour (its limit: ${limit})`,
      evidence: {
        refusedThisHour: recent,
        byReason: Object.fromEntries(Object.entries(reasons ?? {}).map(([k, v]) => [k, Number(v)])),
        hourlyAverageLastWeek: Math.round(hourlyNorm * 100) / 100,
        limit,
        hour: hour.toISOString(),
      },
    });
  }
  return findings;
}

export const RULES: Record<RuleName, (context: RuleContext) => Promise<Finding[]>> = {
  sign_in_failures: signInFailures,
  admin_refusals: adminRefusals,
  record_openings_above_norm: recordOpeningsAboveNorm,
  webhook_endpoint_disabled: webhookEndpointDisabled,
  key_releases_above_norm: keyReleasesAboveNorm,
  budget_drain: budgetDrain,
  sponsor_signer_volume: sponsorSignerVolume,
  attestation_revoked_by_governance: attestationRevokedByGovernance,
  paymaster_signer_rotation: paymasterSignerRotation,
  api_key_new_network: apiKeyNewNetwork,
  sponsorship_refusal_spike: sponsorshipRefusalSpike,
};
