/**
 * Security incidents: a rule's finding becomes an alert once, is deduplicated while it stays
 * unresolved (a finding with the same rule and key joins it: `occurrences`, `last_seen_at`),
 * and is sent (1) to the affected project as a `security.alert` webhook event, through the
 * worker like every other event, and (2) to the operators' channel, signed like our webhooks
 * (Standard Webhooks), retried on later scans until accepted. Operators acknowledge and resolve
 * incidents (`npm run security:alerts`); every step is written to the audit trail.
 */
import { type FlagReader, FlagSet } from "@onekey/deploy";
import type { Kysely } from "kysely";
import { Webhook } from "standardwebhooks";
import { writeAudit } from "../db/audit.js";
import type { ApiDatabase } from "../db/tables.js";
import { timeBasedEvent } from "../webhooks/derived/derivedEvent.js";
import { fanOut, insertEvents } from "../webhooks/store/events.js";
import type { Finding } from "./rules.js";

/** Where each rule's runbook section is (docs/runbooks/security.md, anchored by rule name). */
export const RUNBOOK = "docs/runbooks/security.md";
const runbookOf = (rule: string) => `${RUNBOOK}#${rule.replaceAll("_", "-")}`;

export type AlertState = "open" | "acknowledged" | "resolved";

export interface Alert {
  id: string;
  rule: string;
  severity: string;
  projectId: string | null;
  summary: string;
  evidence: Record<string, unknown>;
  state: AlertState;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

type Row = {
  id: string | number | bigint;
  rule: string;
  severity: string;
  project_id: string | number | bigint | null;
  summary: string;
  evidence: unknown;
  state: AlertState;
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
};

function view(r: Row): Alert {
  return {
    id: String(r.id),
    rule: r.rule,
    severity: r.severity,
    projectId: r.project_id === null ? null : String(r.project_id),
    summary: r.summary,
    evidence: (typeof r.evidence === "string" ? JSON.parse(r.evidence) : r.evidence) as Record<string, unknown>,
    state: r.state,
    occurrences: r.occurrences,
    firstSeenAt: new Date(r.first_seen_at).toISOString(),
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
  };
}

/**
 * Records a finding: a new incident (returned, to be sent), or an occurrence of the unresolved
 * one with the same rule and key (undefined: nothing new to send). A `once` finding that was
 * ever raised is not raised again, resolved or not.
 */
export async function raise(
  db: Kysely<ApiDatabase>,
  finding: Finding,
  now: Date,
  chainId: number,
  flags: FlagReader = FlagSet.defaults(),
): Promise<Alert | undefined> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("security_alerts")
      .select(["id", "state"])
      .where("rule", "=", finding.rule)
      .where("dedup_key", "=", finding.dedupKey)
      .$if(!finding.once, (q) => q.where("state", "<>", "resolved"))
      .orderBy("id", "desc")
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      if (existing.state !== "resolved") {
        await trx
          .updateTable("security_alerts")
          .set((eb) => ({
            occurrences: eb("occurrences", "+", 1),
            last_seen_at: now,
            evidence: JSON.stringify(finding.evidence),
          }))
          .where("id", "=", String(existing.id))
          .execute();
      }
      return undefined;
    }
    const row = (await trx
      .insertInto("security_alerts")
      .values({
        rule: finding.rule,
        severity: finding.severity,
        project_id: finding.projectId === undefined ? null : finding.projectId.toString(),
        dedup_key: finding.dedupKey,
        summary: finding.summary,
        evidence: JSON.stringify(finding.evidence),
        first_seen_at: now,
        last_seen_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()) as Row;
    const alert = view(row);
    await writeAudit(trx, {
      actor: "security-monitor",
      projectId: finding.projectId,
      action: "security.alert",
      target: finding.rule,
      result: "ok",
      detail: { alertId: alert.id, severity: finding.severity },
      at: now,
    });
    // The operators always hear of it; the project, unless its securityAlertWebhooks flag is off.
    if (finding.projectId !== undefined && flags.isOn("securityAlertWebhooks", finding.projectId)) {
      // To the project's endpoints that take `security.alert` (or every event), by the worker.
      const event = timeBasedEvent({
        sourceId: `security-alert:${alert.id}`,
        type: "security.alert",
        projectIds: [finding.projectId.toString()],
        chainId,
        data: {
          alertId: alert.id,
          rule: alert.rule,
          severity: finding.severity,
          summary: alert.summary,
          evidence: alert.evidence,
          firstSeenAt: alert.firstSeenAt,
          runbook: runbookOf(alert.rule),
        },
        at: String(Math.floor(now.getTime() / 1000)),
      });
      await fanOut(trx, await insertEvents(trx, [event]), null);
    }
    return alert;
  });
}

/**
 * Sends every unresolved alert the operators' channel has not accepted yet (a 2xx), oldest
 * first; a failure is retried by the next scan. Returns how many were accepted.
 */
export async function notifyOperators(
  db: Kysely<ApiDatabase>,
  operator: { url: string; secret: string },
  now: Date,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const pending = (await db
    .selectFrom("security_alerts")
    .selectAll()
    .where("operator_notified_at", "is", null)
    .where("state", "<>", "resolved")
    .orderBy("id")
    .limit(100)
    .execute()) as Row[];
  const signer = new Webhook(operator.secret);
  let accepted = 0;
  for (const row of pending) {
    const alert = view(row);
    const body = JSON.stringify({ type: "security.alert", alert: { ...alert, runbook: runbookOf(alert.rule) } });
    const messageId = `alert_${alert.id}`;
    try {
      const response = await fetchImpl(operator.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": messageId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signer.sign(messageId, now, body),
        },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      await response.body?.cancel();
      if (!response.ok) continue;
    } catch {
      continue; // Unreachable: the next scan tries again.
    }
    await db.updateTable("security_alerts").set({ operator_notified_at: now }).where("id", "=", alert.id).execute();
    accepted++;
  }
  return accepted;
}

/** Moves an incident on (open -> acknowledged -> resolved), by an operator, into the trail. */
export async function setAlertState(
  db: Kysely<ApiDatabase>,
  alertId: string,
  state: "acknowledged" | "resolved",
  operator: string,
  now: Date,
): Promise<Alert | "not_found" | "already"> {
  return db.transaction().execute(async (trx) => {
    const row = (await trx
      .selectFrom("security_alerts")
      .selectAll()
      .where("id", "=", alertId)
      .forUpdate()
      .executeTakeFirst()) as Row | undefined;
    if (!row) return "not_found";
    if (row.state === state || row.state === "resolved") return "already";
    const set =
      state === "acknowledged"
        ? { state, acknowledged_by: operator, acknowledged_at: now }
        : { state, resolved_by: operator, resolved_at: now };
    const updated = (await trx
      .updateTable("security_alerts")
      .set(set)
      .where("id", "=", alertId)
      .returningAll()
      .executeTakeFirstOrThrow()) as Row;
    await writeAudit(trx, {
      actor: operator,
      projectId: row.project_id === null ? undefined : BigInt(row.project_id),
      action: `security.alert_${state}`,
      target: alertId,
      result: "ok",
      detail: { rule: row.rule },
      at: now,
    });
    return view(updated);
  });
}

/** Incidents, newest first, optionally of one state. */
export async function listAlerts(db: Kysely<ApiDatabase>, state?: AlertState, limit = 50): Promise<Alert[]> {
  const rows = (await db
    .selectFrom("security_alerts")
    .selectAll()
    .$if(state !== undefined, (q) => q.where("state", "=", state as AlertState))
    .orderBy("id", "desc")
    .limit(limit)
    .execute()) as Row[];
  return rows.map(view);
}
