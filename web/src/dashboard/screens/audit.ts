/** The audit log's filter and its CSV export (RFC 4180, formula-safe for spreadsheets). */
import type { AuditEntry } from "../api.js";

export interface AuditFilter {
  actor: string;
  action: string;
  /** datetime-local values (the person's time zone); empty for no bound. */
  since: string;
  until: string;
}

export function filterAudit(entries: AuditEntry[], filter: AuditFilter): AuditEntry[] {
  const actor = filter.actor.trim().toLowerCase();
  const action = filter.action.trim().toLowerCase();
  const since = filter.since ? new Date(filter.since).getTime() : Number.NEGATIVE_INFINITY;
  const until = filter.until ? new Date(filter.until).getTime() : Number.POSITIVE_INFINITY;
  return entries.filter((e) => {
    const at = Date.parse(e.at);
    return (
      (!actor || e.actor.toLowerCase().includes(actor)) &&
      (!action || e.action.toLowerCase().includes(action)) &&
      at >= since &&
      at <= until
    );
  });
}

/** One CSV field: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function auditCsv(entries: AuditEntry[]): string {
  const header = ["id", "at", "actor", "action", "target", "result", "detail"];
  const rows = entries.map((e) =>
    [e.id, e.at, e.actor, e.action, e.target ?? "", e.result, JSON.stringify(e.detail)].map(csvField).join(","),
  );
  return `${[header.join(","), ...rows].join("\r\n")}\r\n`;
}
