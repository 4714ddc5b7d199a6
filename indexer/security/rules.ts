/**
 * Detection rules over the audit trail (db/audit.ts): each reads the recent entries and returns
 * findings, one per subject that crossed the rule's threshold. The trail already holds what an
 * attack leaves behind: refused sign-ins, refused admin calls, records opened, endpoints the
 * worker disabled. Each rule has a section in docs/runbooks/security.md, named by the rule.
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
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleContext {
  db: Kysely<ApiDatabase>;
  now: Date;
  config: SecurityConfig;
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

export const RULES: Record<RuleName, (context: RuleContext) => Promise<Finding[]>> = {
  sign_in_failures: signInFailures,
  admin_refusals: adminRefusals,
  record_openings_above_norm: recordOpeningsAboveNorm,
  webhook_endpoint_disabled: webhookEndpointDisabled,
};
