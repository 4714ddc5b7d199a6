/** The audit log of admin actions: who, what, on which project, when, and the result. */
import type { Kysely, Transaction } from "kysely";
import type { ApiDatabase } from "./tables.js";

export interface AuditEntry {
  actor: string;
  projectId?: bigint;
  action: string;
  target?: string;
  result: "ok" | "denied" | "failed";
  /** Non-secret context (key ids, scopes, reasons): never key material or tokens. */
  detail?: Record<string, unknown>;
  requestId?: string;
}

export async function writeAudit(db: Kysely<ApiDatabase> | Transaction<ApiDatabase>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor: entry.actor.toLowerCase(),
      project_id: entry.projectId === undefined ? null : entry.projectId.toString(),
      action: entry.action,
      target: entry.target ?? null,
      result: entry.result,
      detail: JSON.stringify(entry.detail ?? {}),
      request_id: entry.requestId ?? null,
    })
    .execute();
}
