/** The audit log's filter (applied by the API) and its CSV export (RFC 4180, formula-safe for spreadsheets). */
import type { AuditEntry } from "../api.js";

export interface AuditFilter {
  actor: string;
  action: string;
  /** datetime-local values (the person's time zone); empty for no bound. */
  since: string;
  until: string;
}

/**
 * The API's filters (GET .../audit-log?actor&action&since&until) from the form, or what is wrong:
 * the actor exactly (an address or key id), an action or its prefix (`api_key` is every
 * api_key.* action), and local times as ISO instants.
 */
export function auditQuery(filter: AuditFilter): {
  problems: string[];
  query?: { actor?: string; action?: string; since?: string; until?: string };
} {
  const problems: string[] = [];
  const actor = filter.actor.trim().toLowerCase();
  const action = filter.action.trim().toLowerCase();
  if (actor.length > 128) problems.push("Actor: at most 128 characters.");
  if (action && !/^[a-z_.]{1,64}$/.test(action)) {
    problems.push("Action: an action or its start, e.g. api_key or webhook_endpoint.create.");
  }
  const instant = (value: string, label: string) => {
    if (!value) return undefined;
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) {
      problems.push(`${label}: not a date and time.`);
      return undefined;
    }
    return time.toISOString();
  };
  const since = instant(filter.since, "From");
  const until = instant(filter.until, "Until");
  if (since && until && until < since) problems.push("Until: must be after From.");
  if (problems.length > 0) return { problems };
  return {
    problems,
    query: {
      ...(actor ? { actor } : {}),
      ...(action ? { action } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    },
  };
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
