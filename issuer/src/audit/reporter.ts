/**
 * The issuer's admin actions into the one audit trail, the tenant API's
 * (POST /v1/internal/audit-entries, with its ONEKEY_API_AUDIT_INGEST_TOKEN), through the services'
 * shared reporter (@onekey/service-kit/audit-reporter: queued, retried, sent once). An admin's
 * request never waits for it and never fails because of it; a lost report is counted
 * (onekey_issuer_audit_reports_total, onekey_issuer_audit_reports_dropped_total{reason}) and
 * logged, an outage once. Refusals ('denied') are the first to go from a full queue.
 */
import { AuditReporter } from "@onekey/service-kit/audit-reporter";
import type { Logger } from "../logger.js";
import type { IssuerMetrics } from "../metrics.js";

/** The issuer's actions the trail takes (the API's allow-list, indexer/src/api/routes/keyReleases.ts). */
export type IssuerAuditAction = "issuer.kyc_settings.update";

export interface IssuerAuditEntry {
  /** The signed-in account that acted (lowercase 0x address). */
  actor: string;
  action: IssuerAuditAction;
  /** What was acted on, by id (`project:7`): never personal data. */
  target?: string;
  projectId?: string;
  outcome: "ok" | "denied" | "error";
  /** The issuer's request id: finds the action in the issuer's log too. */
  requestId: string;
  /** Ids, codes and settings only. */
  detail?: Record<string, string | number | boolean | string[]>;
  at: string;
}

/** Where admin actions go; `report` never throws and never waits. */
export interface AuditSink {
  report(entry: IssuerAuditEntry): void;
}

export type IssuerAuditReporter = AuditReporter<IssuerAuditEntry>;

export function createIssuerAuditReporter(
  audit: { url: string; token: string },
  metrics: Pick<IssuerMetrics, "auditReports" | "auditReportsDropped">,
  logger: Logger,
): IssuerAuditReporter {
  return new AuditReporter<IssuerAuditEntry>({
    ...audit,
    path: "/v1/internal/audit-entries",
    expendable: (entry) => entry.outcome === "denied",
    onOutcome: (outcome, entry, why) => {
      metrics.auditReports.inc({ outcome });
      if (outcome !== "dropped") return;
      metrics.auditReportsDropped.inc({ reason: why ?? "unknown" });
      // A refused report is a bug worth its line; queue-full losses are summed when the API is back.
      if (why !== "queue_full") {
        logger.error({ action: entry.action, requestId: entry.requestId, why }, "audit report dropped");
      }
    },
    onOutage: (event) =>
      event.state === "down"
        ? logger.warn({ why: event.why }, "audit trail unreachable: admin actions queued and retried")
        : logger.info(
            { retried: event.retried, dropped: event.dropped, downForMs: event.downForMs },
            "audit trail reachable again",
          ),
  });
}
