import { describe, expect, it } from "vitest";
import type { AnalyticsReport } from "../api.js";
import {
  bucketLabel,
  bucketStarts,
  byMetric,
  chartRows,
  dropOff,
  formatBytes,
  formatMoney,
  formatTotal,
  formatValue,
  formatWei,
  granularityAllowed,
  metricLabel,
  percent,
  rangeStart,
  shortLabel,
} from "./analytics.js";

const report = (series: AnalyticsReport["series"]): AnalyticsReport => ({
  projectId: "7",
  family: "usage",
  granularity: "day",
  from: "2026-12-01T00:00:00.000Z",
  to: "2026-12-04T00:00:00.000Z",
  series,
});

describe("the Analytics screen's arithmetic", () => {
  it("asks for whole buckets ending with the current one, and hours only as far as the API answers them", () => {
    const now = new Date("2026-12-06T04:30:00Z");
    expect(rangeStart(7, "day", now)).toBe("2026-11-30T00:00:00.000Z");
    expect(rangeStart(1, "hour", now)).toBe("2026-12-05T05:00:00.000Z");
    expect(granularityAllowed(30, "hour")).toBe(true);
    expect(granularityAllowed(90, "hour")).toBe(false);
    expect(granularityAllowed(90, "day")).toBe(true);
  });

  it("lists every bucket of the range, so quiet days chart as zero", () => {
    expect(bucketStarts("2026-12-01T00:00:00.000Z", "2026-12-04T00:00:00.000Z", "day")).toEqual([
      "2026-12-01T00:00:00.000Z",
      "2026-12-02T00:00:00.000Z",
      "2026-12-03T00:00:00.000Z",
    ]);
    expect(bucketStarts("2026-12-01T22:00:00.000Z", "2026-12-02T00:00:00.000Z", "hour")).toHaveLength(2);
    expect(bucketLabel("2026-12-01T22:00:00.000Z", "hour")).toBe("12-01 22:00");
    expect(bucketLabel("2026-12-01T00:00:00.000Z", "day")).toBe("12-01");
  });

  it("sums a metric's dimensions per bucket exactly, wei beyond 2^53 included", () => {
    const big = "9007199254740993000"; // 2^53 * 1000 + 1000: a double would round it
    const metrics = byMetric(
      report([
        {
          metric: "api.calls",
          dimension: "GET /v1/project 200",
          unit: "count",
          total: "3",
          points: [
            { start: "2026-12-01T00:00:00.000Z", value: "1" },
            { start: "2026-12-03T00:00:00.000Z", value: "2" },
          ],
        },
        {
          metric: "api.calls",
          dimension: "GET /v1/project 401",
          unit: "count",
          total: "1",
          points: [{ start: "2026-12-03T00:00:00.000Z", value: "1" }],
        },
        {
          metric: "gas.sponsored",
          dimension: "",
          unit: "wei",
          total: big,
          points: [{ start: "2026-12-02T00:00:00.000Z", value: big }],
        },
        { metric: "provider.fees", dimension: "sandbox", unit: "USD", total: "0.10", points: [] },
        { metric: "provider.fees", dimension: "other", unit: "USD", total: "0.20", points: [] },
      ]),
    );
    expect(metrics.map((m) => [m.metric, m.total])).toEqual([
      ["api.calls", "4"],
      ["gas.sponsored", big],
      ["provider.fees", "0.30"],
    ]);
    const buckets = bucketStarts("2026-12-01T00:00:00.000Z", "2026-12-04T00:00:00.000Z", "day");
    const calls = metrics[0] as NonNullable<(typeof metrics)[0]>;
    expect(chartRows(calls, buckets, "day").map((r) => r.value)).toEqual([1, 0, 3]);
    const gas = metrics[1] as NonNullable<(typeof metrics)[1]>;
    expect(chartRows(gas, buckets, "day")[1]).toMatchObject({ raw: big, value: 9.007199254740993 });
    expect(formatTotal(gas)).toBe("9.007199254740993 ETH");
  });

  it("writes wei, money and shares for people", () => {
    expect(formatWei("1500000000000000")).toBe("0.0015 ETH");
    expect(formatWei(0n)).toBe("0 ETH");
    expect(formatMoney("12.5", "USD", "en-US")).toBe("$12.50");
    expect(formatMoney("12.5", "not-a-currency", "en-US")).toBe("12.50 not-a-currency");
    expect(formatTotal({ unit: "count", total: "1234" }, "en-US")).toBe("1,234");
    // Bytes are bytes, never money; decimal units (1 kB = 1000 bytes).
    expect(formatTotal({ unit: "bytes", total: "12345" }, "en-US")).toBe("12.3 kB");
    expect(formatBytes(999, "en-US")).toBe("999 bytes");
    expect(formatBytes(1000, "en-US")).toBe("1 kB");
    expect(formatBytes("4560000", "en-US")).toBe("4.56 MB");
    expect(formatBytes("250000000000", "en-US")).toBe("250 GB");
    expect(formatValue("bytes", "0", "en-US")).toBe("0 bytes");
    expect(formatValue("USD", "12.5", "en-US")).toBe("$12.50");
    expect(formatValue("widgets", "3", "en-US")).toBe("3 widgets");
    expect(metricLabel("storage.bytes")).toBe("Record storage uploaded");
    expect(percent(0.5)).toBe("50.0%");
    expect(percent(null)).toBe("–");
    expect(shortLabel("GET /v1/project")).toBe("GET /v1/project");
    const long = shortLabel("GET /v1/admin/projects/:projectId/analytics/:family");
    expect(long).toHaveLength(30);
    expect(long).toBe("…/:projectId/analytics/:family");
  });

  it("orders the verify flow's drop-off by sessions, with each step's share", () => {
    expect(
      dropOff({
        sessions: 4,
        completed: 2,
        completionRate: 0.5,
        stoppedAt: { consented: 2, "expired after submitted": 1, rejected: 1 },
      }),
    ).toEqual([
      { step: "consented", sessions: 2, share: 0.5 },
      { step: "expired after submitted", sessions: 1, share: 0.25 },
      { step: "rejected", sessions: 1, share: 0.25 },
    ]);
  });
});
