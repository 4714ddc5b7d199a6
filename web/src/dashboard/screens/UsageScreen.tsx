/**
 * Usage of the chosen project per UTC day (GET /v1/admin/projects/{id}/usage, from the indexer's
 * tables): verifications, consents, webhook deliveries and gas sponsored. Charts are Recharts
 * (SVG, with its keyboard accessibility layer), loaded with this screen only; every chart has its
 * numbers in a table too, for screen readers and for copying.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatEther } from "viem";
import type { UsageDay } from "../api.js";
import { useDashboard } from "../session.js";
import { Failure } from "../ui.js";
import { usageTotals } from "./usage.js";

const SERIES = [
  { key: "verifications", label: "Verifications", color: "#1d4ed8" },
  { key: "consents", label: "Consents given", color: "#0f6b3a" },
  { key: "webhookDeliveries", label: "Webhook deliveries", color: "#7c3aed" },
  { key: "gasSponsoredEth", label: "Gas sponsored (ETH)", color: "#b45309" },
] as const;

export default function UsageScreen() {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const [days, setDays] = useState(30);
  const usage = useQuery({
    queryKey: ["dashboard", "usage", pid, days],
    queryFn: async () => (await api.usage(pid, days)).days,
  });
  const rows = (usage.data ?? []).map((d: UsageDay) => ({
    ...d,
    gasSponsoredEth: Number(formatEther(BigInt(d.gasSponsoredWei))),
  }));
  const totals = usageTotals(usage.data ?? []);
  return (
    <div data-screen="usage">
      <h1>Usage</h1>
      <div className="filters">
        <div>
          <label htmlFor="usage-days">Period</label>
          <select id="usage-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
        </div>
      </div>
      {usage.error ? (
        <Failure error={usage.error} onRetry={() => void usage.refetch()} />
      ) : usage.isPending ? (
        <p role="status">Loading usage…</p>
      ) : (
        <>
          <dl className="facts card" data-testid="usage-totals">
            <dt>Verifications</dt>
            <dd>{totals.verifications}</dd>
            <dt>Consents given</dt>
            <dd>{totals.consents}</dd>
            <dt>Webhook deliveries</dt>
            <dd>{totals.webhookDeliveries}</dd>
            <dt>Sponsored operations</dt>
            <dd>{totals.sponsoredOperations}</dd>
            <dt>Gas sponsored</dt>
            <dd>{formatEther(totals.gasSponsoredWei)} ETH</dd>
          </dl>
          {SERIES.map((series) => (
            <section key={series.key} className="card usage-chart" aria-labelledby={`chart-${series.key}`}>
              <h2 id={`chart-${series.key}`}>{series.label} per day</h2>
              <div style={{ width: "100%", height: 180 }} aria-hidden="true">
                <ResponsiveContainer>
                  <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
                    <YAxis allowDecimals={series.key === "gasSponsoredEth"} width={56} />
                    <Tooltip />
                    <Bar dataKey={series.key} name={series.label} fill={series.color} isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
              <details>
                <summary>The numbers</summary>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Day (UTC)</th>
                      <th scope="col">{series.label}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows
                      .filter((r) => r[series.key] !== 0)
                      .map((r) => (
                        <tr key={r.day}>
                          <td>{r.day}</td>
                          <td>{r[series.key]}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </details>
            </section>
          ))}
          <p className="small muted">
            From the indexed chain and the webhook log. Verifications count the attestations issued to people who
            consent to this project now.
          </p>
        </>
      )}
    </div>
  );
}
