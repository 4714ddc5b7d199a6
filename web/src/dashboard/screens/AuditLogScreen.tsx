/**
 * The project's audit log, newest first, paged through the API: filter by actor, action and time
 * (over the pages loaded so far; load older ones to search further back), and export what is
 * shown as CSV.
 */
import { useMemo, useState } from "react";
import { useDashboard } from "../session.js";
import { Failure, timeOf } from "../ui.js";
import { type AuditFilter, auditCsv, filterAudit } from "./audit.js";
import { useCursorPages } from "./paging.js";

export default function AuditLogScreen() {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const pages = useCursorPages(["dashboard", "audit", pid], (cursor) =>
    api.auditLog(pid, { limit: 100, ...(cursor ? { cursor } : {}) }),
  );
  const [filter, setFilter] = useState<AuditFilter>({ actor: "", action: "", since: "", until: "" });
  const shown = useMemo(() => filterAudit(pages.rows, filter), [pages.rows, filter]);
  const download = () => {
    const blob = new Blob([auditCsv(shown)], { type: "text/csv" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `audit-log-project-${pid}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const set = (field: keyof AuditFilter) => (e: { target: { value: string } }) =>
    setFilter({ ...filter, [field]: e.target.value });
  return (
    <section className="card" aria-labelledby="audit-title" data-screen="audit-log">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">Every change to keys, webhooks and sessions of this project, and every refused attempt.</p>
      <div className="filters">
        <div>
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" value={filter.actor} placeholder="0x… or key id" onChange={set("actor")} />
        </div>
        <div>
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" value={filter.action} placeholder="e.g. api_key" onChange={set("action")} />
        </div>
        <div>
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={filter.since} onChange={set("since")} />
        </div>
        <div>
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" value={filter.until} onChange={set("until")} />
        </div>
        <button type="button" className="button secondary" disabled={shown.length === 0} onClick={download}>
          Export CSV
        </button>
      </div>
      {pages.error ? (
        <Failure error={pages.error} onRetry={() => void pages.refetch()} />
      ) : pages.isPending ? (
        <p role="status">Loading the audit log…</p>
      ) : (
        <>
          <p className="small muted" aria-live="polite">
            {shown.length} of {pages.rows.length} loaded entries{pages.hasMore ? "; older entries not loaded yet" : ""}.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr key={entry.id} data-action={entry.action} data-result={entry.result}>
                  <td>{timeOf(entry.at)}</td>
                  <td>
                    <code>{entry.actor}</code>
                  </td>
                  <td>{entry.action}</td>
                  <td>{entry.target ? <code>{entry.target}</code> : "–"}</td>
                  <td className={entry.result === "ok" ? "status-ok" : "status-bad"}>{entry.result}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {pages.hasMore ? (
        <button type="button" className="button secondary" disabled={pages.isFetchingMore} onClick={pages.more}>
          {pages.isFetchingMore ? "Loading…" : "Older entries"}
        </button>
      ) : null}
    </section>
  );
}
