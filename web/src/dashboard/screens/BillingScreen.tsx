/**
 * The monthly statement of the chosen project's organization (GET
 * /v1/admin/organizations/{orgId}/statements/{month}), for the organization's owner and admins:
 * line items, the prepaid-budget credit, the total, and the same statement as a JSON or CSV file.
 * Files are fetched with the session in the Authorization header and handed to the browser as a
 * Blob URL, so the token never appears in a URL. Anyone else sees who can read statements.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { roleWords } from "../access.js";
import type { Statement } from "../api.js";
import { dashboardError } from "../errors.js";
import { useDashboard } from "../session.js";
import { DashboardErrorPanel, Failure } from "../ui.js";
import { formatMoney, formatWei } from "./analytics.js";
import { LINE_ITEMS, lastFullMonth, monthOptions, statementFilename } from "./billing.js";

export default function BillingScreen() {
  const { project } = useDashboard();
  if (!project) return null;
  if (!project.organizationRole) {
    return (
      <section className="card" data-screen="billing" aria-labelledby="billing-title">
        <h1 id="billing-title">Billing</h1>
        <p className="notice" data-testid="billing-not-admin">
          Statements of organization #{project.orgId} are for its owner and admins only: they cover every project of the
          organization. On {project.slug} you hold {roleWords(project)}. Ask the organization's owner for a statement,
          or to make you an organization admin on the Organizations screen.
        </p>
      </section>
    );
  }
  return <Statements orgId={project.orgId} />;
}

function Statements({ orgId }: { orgId: string }) {
  const { api, signOut } = useDashboard();
  const months = useMemo(() => monthOptions(new Date()), []);
  const [month, setMonth] = useState(() => lastFullMonth(new Date()));
  const [downloading, setDownloading] = useState<"json" | "csv" | undefined>();
  const [downloadError, setDownloadError] = useState<unknown>();
  const statement = useQuery({
    queryKey: ["dashboard", "statement", orgId, month],
    queryFn: () => api.statement(orgId, month),
  });

  const download = async (format: "json" | "csv") => {
    setDownloadError(undefined);
    setDownloading(format);
    try {
      const blob = await api.statementFile(orgId, month, format);
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = statementFilename(orgId, month, format);
      document.body.append(a);
      a.click();
      a.remove();
      // The click has handed the Blob to the browser's download; the URL is not needed after it.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownloading(undefined);
    }
  };

  return (
    <div data-screen="billing">
      <h1>Billing</h1>
      <div className="filters">
        <div>
          <label htmlFor="billing-month">Month</label>
          <select id="billing-month" value={month} onChange={(e) => setMonth(e.target.value)}>
            {months.map((m) => (
              <option key={m.month} value={m.month}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="row-actions">
          <button
            type="button"
            className="button secondary"
            disabled={downloading !== undefined || !statement.data}
            onClick={() => void download("csv")}
          >
            {downloading === "csv" ? "Preparing CSV…" : "Download CSV"}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={downloading !== undefined || !statement.data}
            onClick={() => void download("json")}
          >
            {downloading === "json" ? "Preparing JSON…" : "Download JSON"}
          </button>
        </div>
      </div>
      {downloadError ? (
        <DashboardErrorPanel
          error={dashboardError(downloadError)}
          onRetry={() => setDownloadError(undefined)}
          onSignIn={() => void signOut()}
        />
      ) : null}
      {statement.error ? (
        <Failure error={statement.error} onRetry={() => void statement.refetch()} />
      ) : statement.isPending ? (
        <p role="status">Loading the statement…</p>
      ) : (
        <StatementView statement={statement.data} />
      )}
    </div>
  );
}

function StatementView({ statement: s }: { statement: Statement }) {
  const money = (amount: string) => formatMoney(amount, s.currency);
  return (
    <>
      {s.status === "open" ? (
        <p className="notice" data-testid="statement-open">
          {s.month} is not over: these are the figures so far, and they may still grow.
        </p>
      ) : null}
      <dl className="facts card" data-testid="statement-summary">
        <dt>Organization</dt>
        <dd>#{s.organization}</dd>
        <dt>Period (UTC)</dt>
        <dd>
          {s.period.from.slice(0, 10)} to {s.period.to.slice(0, 10)} (exclusive)
        </dd>
        <dt>Projects</dt>
        <dd>{s.projects.length ? s.projects.map((p) => `#${p}`).join(", ") : "none"}</dd>
        <dt>Price list</dt>
        <dd>
          {s.priceList.version} (from {s.priceList.effectiveFrom})
        </dd>
        {s.ethPrice ? (
          <>
            <dt>ETH priced at</dt>
            <dd>
              {money(s.ethPrice.price)} ({s.ethPrice.source})
            </dd>
          </>
        ) : null}
      </dl>
      <section className="card" aria-labelledby="statement-lines">
        <h2 id="statement-lines">Line items</h2>
        {s.lines.length === 0 ? (
          <p data-testid="statement-empty">
            Nothing billable this month: no verifications, paid API calls, webhook deliveries or sponsored gas.
          </p>
        ) : null}
        <table data-testid="statement-lines">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Detail</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((l) => (
              <tr key={`${l.item}/${l.detail}`}>
                <td>{LINE_ITEMS[l.item] ?? l.item}</td>
                <td>{detailOf(l)}</td>
                <td>
                  {l.quantity} <span className="small muted">{l.unit}</span>
                </td>
                <td>{l.item === "gas" ? `×${l.unitPrice}` : money(l.unitPrice)}</td>
                <td>{money(l.amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                Subtotal
              </th>
              <td>{money(s.subtotal)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4}>
                Credit: {s.credit.description}
              </th>
              <td>{s.credit.amount === "0.00" ? money("0") : `−${money(s.credit.amount)}`}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4}>
                Total {s.status === "open" ? "so far" : "due"}
              </th>
              <td data-testid="statement-total">
                <strong>{money(s.total)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
    </>
  );
}

/** Gas's detail is "<wei> wei": shown in ETH too; the rest as the API wrote it. */
function detailOf(line: Statement["lines"][number]): string {
  const wei = /^(\d+) wei$/.exec(line.detail)?.[1];
  if (line.item === "gas" && wei) return `${formatWei(wei)} (${wei} wei)`;
  return line.detail || "–";
}
