/**
 * The chosen project's analytics (GET /v1/admin/projects/{id}/analytics/{family}, the rollups of
 * indexer/analytics/): usage, cost (gas in wei, and in money when the API prices it) and
 * performance (latency p50/p95/p99, the verify flow's drop-off), over 7/30/90 days by day or hour.
 * Charts are Recharts, as on the Usage screen; each has its numbers in a table beside it, for
 * screen readers and for copying.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AnalyticsFamily, AnalyticsReport, Granularity } from "../api.js";
import { useDashboard } from "../session.js";
import { Failure } from "../ui.js";
import {
  bucketLabel,
  bucketStarts,
  byMetric,
  chartRows,
  dropOff,
  formatMoney,
  formatTotal,
  formatValue,
  granularityAllowed,
  MAX_HOURLY_DAYS,
  type MetricSeries,
  metricLabel,
  PERIODS,
  percent,
  rangeStart,
  shortLabel,
} from "./analytics.js";

const FAMILIES: { family: AnalyticsFamily; label: string }[] = [
  { family: "usage", label: "Usage" },
  { family: "cost", label: "Cost" },
  { family: "performance", label: "Performance" },
];
/** What fills each family, for its empty state. */
const EMPTY_HINT: Record<AnalyticsFamily, string> = {
  usage: "They appear once people verify or consent, or your backend calls the API with the project's key.",
  cost: "Costs appear once the project's budget sponsors people's operations (gas), or verifications start at a priced provider.",
  performance: "Timings appear once your backend calls the API, webhooks are delivered, or verifications are decided.",
};
const COLORS = ["#1d4ed8", "#0f6b3a", "#7c3aed", "#b45309", "#be123c"];
const LATENCY_COLORS = { p50: "#1d4ed8", p95: "#b45309", p99: "#be123c" } as const;

export default function AnalyticsScreen() {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const [family, setFamily] = useState<AnalyticsFamily>("usage");
  const [days, setDays] = useState(30);
  const [granularity, setGranularity] = useState<Granularity>("day");
  // A longer period than hourly buckets allow falls back to days (the API's limit).
  const bucket: Granularity = granularityAllowed(days, granularity) ? granularity : "day";
  const report = useQuery({
    queryKey: ["dashboard", "analytics", pid, family, days, bucket],
    queryFn: () => api.analytics(pid, family, { granularity: bucket, from: rangeStart(days, bucket, new Date()) }),
  });
  return (
    <div data-screen="analytics">
      <h1>Analytics</h1>
      <div className="filters">
        <div>
          <label htmlFor="analytics-family">Figures</label>
          <select id="analytics-family" value={family} onChange={(e) => setFamily(e.target.value as AnalyticsFamily)}>
            {FAMILIES.map((f) => (
              <option key={f.family} value={f.family}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="analytics-days">Period</label>
          <select id="analytics-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="analytics-bucket">Buckets</label>
          <select
            id="analytics-bucket"
            value={bucket}
            onChange={(e) => setGranularity(e.target.value as Granularity)}
            aria-describedby="analytics-bucket-note"
          >
            <option value="day">Days (UTC)</option>
            <option value="hour" disabled={days > MAX_HOURLY_DAYS}>
              Hours (UTC)
            </option>
          </select>
        </div>
      </div>
      <p id="analytics-bucket-note" className="small muted">
        Hourly figures cover at most {MAX_HOURLY_DAYS} days; times are UTC.
      </p>
      {report.error ? (
        <Failure error={report.error} onRetry={() => void report.refetch()} />
      ) : report.isPending ? (
        <p role="status">Loading analytics…</p>
      ) : (
        <Report report={report.data} />
      )}
      <p className="small muted">
        From the indexed chain, the webhook log, the issuer's sessions and the API's own calls (the dashboard's
        included); the chain's figures are rebuilt every few minutes, the API's calls arrive within seconds.
      </p>
    </div>
  );
}

function Report({ report }: { report: AnalyticsReport }) {
  const metrics = useMemo(() => byMetric(report), [report]);
  const buckets = useMemo(
    () => bucketStarts(report.from, report.to, report.granularity),
    [report.from, report.to, report.granularity],
  );
  const counts = metrics.filter((m) => !m.latency && m.metric !== "verify_flow.sessions");
  const latencies = metrics.filter((m) => m.latency);
  const flow = report.verifyFlow;
  const empty = metrics.length === 0 && !(flow && flow.sessions > 0);
  return (
    <>
      {report.pricing ? <Pricing pricing={report.pricing} /> : null}
      {empty ? (
        <section className="card" data-testid="analytics-empty">
          <h2>Nothing recorded in this period</h2>
          <p>
            No {report.family} figures for this project between {report.from.slice(0, 10)} and {report.to.slice(0, 10)}.{" "}
            {EMPTY_HINT[report.family]} Choose a longer period, or come back after some activity.
          </p>
        </section>
      ) : (
        <>
          <dl className="facts card" data-testid="analytics-totals">
            {counts.map((m) => (
              <div key={m.metric} style={{ display: "contents" }}>
                <dt>{metricLabel(m.metric)}</dt>
                <dd>{formatTotal(m)}</dd>
              </div>
            ))}
            {flow ? (
              <>
                <dt>Verify-flow completion</dt>
                <dd>
                  {flow.sessions === 0
                    ? "no verify sessions in this period"
                    : `${percent(flow.completionRate)} (${flow.completed} of ${flow.sessions} sessions reached consent)`}
                </dd>
              </>
            ) : null}
          </dl>
          {counts.map((m, i) => (
            <CountChart
              key={m.metric}
              series={m}
              buckets={buckets}
              granularity={report.granularity}
              color={COLORS[i % COLORS.length] as string}
            />
          ))}
          {latencies.map((m) => (
            <LatencyChart key={m.metric} series={m} />
          ))}
          {flow && flow.sessions > 0 ? <Funnel flow={flow} /> : null}
        </>
      )}
    </>
  );
}

function Pricing({ pricing }: { pricing: NonNullable<AnalyticsReport["pricing"]> }) {
  return (
    <p className="notice" data-testid="analytics-pricing">
      {pricing.ethPrice === null
        ? "No ETH price is configured on this deployment, so gas shows in wei and ETH, not in money."
        : `Gas priced at ${formatMoney(String(pricing.ethPrice), pricing.currency)} per ETH (${pricing.ethPriceSource}).`}
    </p>
  );
}

function CountChart({
  series,
  buckets,
  granularity,
  color,
}: {
  series: MetricSeries;
  buckets: string[];
  granularity: Granularity;
  color: string;
}) {
  const rows = chartRows(series, buckets, granularity);
  const label = metricLabel(series.metric);
  const unit = series.unit === "wei" ? "ETH" : series.unit === "count" ? "" : series.unit;
  const id = `chart-${series.metric.replace(/\W/g, "-")}`;
  const shown = (raw: string) => formatValue(series.unit, raw);
  return (
    <section className="card usage-chart" aria-labelledby={id} data-metric={series.metric}>
      <h2 id={id}>
        {label} per {granularity}
        {unit ? ` (${unit})` : ""}
      </h2>
      <p className="sr-only">
        {label}: {formatTotal(series)} in total over {rows.length} {granularity}s; the table below lists every{" "}
        {granularity} with activity.
      </p>
      <div style={{ width: "100%", height: 180 }} aria-hidden="true">
        <ResponsiveContainer>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" minTickGap={16} />
            <YAxis allowDecimals={series.unit !== "count"} width={64} />
            <Tooltip />
            <Bar dataKey="value" name={label} fill={color} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>The numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{granularity === "day" ? "Day" : "Hour"} (UTC)</th>
              <th scope="col">{label}</th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((r) => r.raw !== "0" && Number(r.raw) !== 0)
              .map((r) => (
                <tr key={r.start}>
                  <td>{bucketLabel(r.start, granularity)}</td>
                  <td>{shown(r.raw)}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {series.dimensions.some((d) => d.dimension) ? (
          <table>
            <caption>Totals by breakdown</caption>
            <thead>
              <tr>
                <th scope="col">Breakdown</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {series.dimensions.map((d) => (
                <tr key={d.dimension}>
                  <td>
                    <code>{d.dimension || "all"}</code>
                  </td>
                  <td>{shown(d.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </details>
    </section>
  );
}

/** Latency per breakdown (route, provider): p50/p95/p99 over the period, which do not add up across breakdowns. */
function LatencyChart({ series }: { series: MetricSeries }) {
  const label = metricLabel(series.metric);
  const rows = series.dimensions.map((d) => ({
    name: d.dimension || "all",
    short: shortLabel(d.dimension || "all"),
    p50: d.p50 ?? 0,
    p95: d.p95 ?? 0,
    p99: d.p99 ?? 0,
    observations: d.total,
  }));
  const id = `chart-${series.metric.replace(/\W/g, "-")}`;
  const slowest = [...rows].sort((a, b) => b.p95 - a.p95)[0];
  return (
    <section className="card usage-chart" aria-labelledby={id} data-metric={series.metric}>
      <h2 id={id}>{label} (ms, p50 / p95 / p99)</h2>
      <p className="sr-only">
        {label} over {rows.length} breakdowns
        {slowest ? `; the slowest at p95 is ${slowest.name} with ${slowest.p95} ms` : ""}. The table below lists them.
      </p>
      <div style={{ width: "100%", height: Math.max(160, 40 + rows.length * 36) }} aria-hidden="true">
        <ResponsiveContainer>
          <BarChart
            data={rows}
            layout="vertical"
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" unit=" ms" />
            <YAxis type="category" dataKey="short" width={200} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend />
            {(["p50", "p95", "p99"] as const).map((q) => (
              <Bar key={q} dataKey={q} name={q} fill={LATENCY_COLORS[q]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>The numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Breakdown</th>
              <th scope="col">Observations</th>
              <th scope="col">p50 (ms)</th>
              <th scope="col">p95 (ms)</th>
              <th scope="col">p99 (ms)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <td>
                  <code>{r.name}</code>
                </td>
                <td>{r.observations}</td>
                <td>{r.p50}</td>
                <td>{r.p95}</td>
                <td>{r.p99}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Funnel({ flow }: { flow: NonNullable<AnalyticsReport["verifyFlow"]> }) {
  const steps = dropOff(flow);
  return (
    <section className="card usage-chart" aria-labelledby="chart-verify-flow" data-metric="verify_flow.sessions">
      <h2 id="chart-verify-flow">Verify flow: where sessions are or stopped</h2>
      <p className="sr-only">
        {flow.completed} of {flow.sessions} sessions reached consent ({percent(flow.completionRate)}). The table below
        lists every step.
      </p>
      <div style={{ width: "100%", height: Math.max(140, 40 + steps.length * 32) }} aria-hidden="true">
        <ResponsiveContainer>
          <BarChart
            data={steps}
            layout="vertical"
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="step" width={200} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Bar dataKey="sessions" name="Sessions" fill="#0f6b3a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>The numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Sessions</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.step}>
                <td>{s.step}</td>
                <td>{s.sessions}</td>
                <td>{percent(s.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
