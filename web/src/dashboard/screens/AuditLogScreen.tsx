/**
 * The project's audit log, newest first, paged through the API and filtered there by actor,
 * action (or its prefix) and time; the entries loaded for the filter export as CSV.
 */
import { type FormEvent, useState } from "react";
import { useDashboard } from "../session.js";
import { Failure, timeOf } from "../ui.js";
import { type AuditFilter, auditCsv, auditQuery } from "./audit.js";
import { useCursorPages } from "./paging.js";

const EMPTY: AuditFilter = { actor: "", action: "", since: "", until: "" };

export default function AuditLogScreen() {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const [form, setForm] = useState<AuditFilter>(EMPTY);
  const [applied, setApplied] = useState<NonNullable<ReturnType<typeof auditQuery>["query"]>>({});
  const [problems, setProblems] = useState<string[]>([]);
  const pages = useCursorPages(["dashboard", "audit", pid, applied], (cursor) =>
    api.auditLog(pid, { limit: 100, ...applied, ...(cursor ? { cursor } : {}) }),
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const checked = auditQuery(form);
    setProblems(checked.problems);
    if (checked.query) setApplied(checked.query);
  };
  const download = () => {
    const blob = new Blob([auditCsv(pages.rows)], { type: "text/csv" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `audit-log-project-${pid}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const set = (field: keyof AuditFilter) => (e: { target: { value: string } }) =>
    setForm({ ...form, [field]: e.target.value });
  return (
    <section className="card" aria-labelledby="audit-title" data-screen="audit-log">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">Every change to keys, webhooks and sessions of this project, and every refused attempt.</p>
      <form className="filters" onSubmit={apply} noValidate>
        <div>
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" value={form.actor} placeholder="0x… or key id" onChange={set("actor")} />
        </div>
        <div>
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" value={form.action} placeholder="e.g. api_key" onChange={set("action")} />
        </div>
        <div>
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={form.since} onChange={set("since")} />
        </div>
        <div>
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" value={form.until} onChange={set("until")} />
        </div>
        <button type="submit" className="button secondary">
          Filter
        </button>
        <button type="button" className="button secondary" disabled={pages.rows.length === 0} onClick={download}>
          Export CSV
        </button>
      </form>
      {problems.length > 0 ? (
        <div className="notice error" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {pages.error ? (
        <Failure error={pages.error} onRetry={() => void pages.refetch()} />
      ) : pages.isPending ? (
        <p role="status">Loading the audit log…</p>
      ) : (
        <>
          <p className="small muted" aria-live="polite">
            {pages.rows.length} entries{pages.hasMore ? " loaded; older ones on request" : ""}. Export CSV saves the
            loaded ones.
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
              {pages.rows.map((entry) => (
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
