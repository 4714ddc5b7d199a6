import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../api.js";
import { expiryFrom, graceSecondsFrom, keyFormProblems } from "./api-key-form.js";
import { auditCsv, auditQuery, csvField } from "./audit.js";
import { replayRangeProblems } from "./paging.js";

describe("the API key form", () => {
  it("names each problem before anything is sent", () => {
    expect(keyFormProblems({ name: "  ", scopes: [] })).toEqual([
      "Name: give the key a name, e.g. “production backend”.",
      "Scopes: choose at least one.",
    ]);
    expect(keyFormProblems({ name: "prod <script>", scopes: ["read"] })).toEqual([
      "Name: letters, digits, spaces and . _ : / - only.",
    ]);
    expect(keyFormProblems({ name: "x".repeat(65), scopes: ["read"] })).toEqual(["Name: at most 64 characters."]);
    expect(keyFormProblems({ name: "production backend", scopes: ["read", "webhooks:manage"] })).toEqual([]);
  });

  it("turns the expiry and grace choices into what the API takes", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(expiryFrom("30", now)).toBe("2026-01-31T00:00:00.000Z");
    expect(expiryFrom("never", now)).toBeUndefined();
    expect(() => expiryFrom("-1", now)).toThrow();
    expect(graceSecondsFrom("3600")).toBe(3600);
    expect(() => graceSecondsFrom(String(8 * 86_400))).toThrow();
  });
});

describe("the replay range", () => {
  it("needs both ends, in order, at most 31 days apart", () => {
    expect(replayRangeProblems({ since: "", until: "" }).problems).toHaveLength(2);
    expect(replayRangeProblems({ since: "2026-01-02T00:00", until: "2026-01-01T00:00" }).problems).toEqual([
      "Until: must be after From.",
    ]);
    expect(replayRangeProblems({ since: "2026-01-01T00:00", until: "2026-03-01T00:00" }).problems).toEqual([
      "The range covers at most 31 days.",
    ]);
    const ok = replayRangeProblems({ since: "2026-01-01T00:00", until: "2026-01-02T00:00" });
    expect(ok.problems).toEqual([]);
    expect(Date.parse(ok.range?.until ?? "") - Date.parse(ok.range?.since ?? "")).toBe(86_400_000);
  });
});

describe("the audit log's filter and CSV", () => {
  const entries: AuditEntry[] = [
    {
      id: "3",
      at: "2026-01-03T10:00:00Z",
      actor: "0xAbC",
      action: "api_key.create",
      target: "key_1",
      result: "ok",
      detail: {},
    },
    {
      id: "2",
      at: "2026-01-02T10:00:00Z",
      actor: "key_9",
      action: "webhook_endpoint.create",
      target: null,
      result: "ok",
      detail: { n: 1 },
    },
    {
      id: "1",
      at: "2026-01-01T10:00:00Z",
      actor: "0xdef",
      action: "api_key.list",
      target: null,
      result: "denied",
      detail: {},
    },
  ];

  it("turns the form into the API's filters, and refuses what the API would", () => {
    const all = { actor: "", action: "", since: "", until: "" };
    expect(auditQuery(all)).toEqual({ problems: [], query: {} });
    expect(auditQuery({ ...all, actor: " 0xAbC ", action: "API_KEY" }).query).toEqual({
      actor: "0xabc",
      action: "api_key",
    });
    const timed = auditQuery({ ...all, since: "2026-01-01T12:00", until: "2026-01-02T12:00" }).query;
    expect(Date.parse(timed?.until ?? "") - Date.parse(timed?.since ?? "")).toBe(86_400_000);
    expect(auditQuery({ ...all, action: "drop table;" })).toEqual({
      problems: ["Action: an action or its start, e.g. api_key or webhook_endpoint.create."],
    });
    expect(auditQuery({ ...all, since: "2026-01-02T00:00", until: "2026-01-01T00:00" }).problems).toEqual([
      "Until: must be after From.",
    ]);
  });

  it("exports RFC 4180 CSV that a spreadsheet will not run as a formula", () => {
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    const csv = auditCsv([entries[1] as AuditEntry]);
    expect(csv).toBe(
      'id,at,actor,action,target,result,detail\r\n2,2026-01-02T10:00:00Z,key_9,webhook_endpoint.create,,ok,"{""n"":1}"\r\n',
    );
  });
});

describe("usage totals", () => {
  it("adds the days, wei as bigint beyond 2^53", async () => {
    const { usageTotals } = await import("./usage.js");
    const day = { verifications: 1, consents: 2, webhookDeliveries: 3, sponsoredOperations: 4 };
    expect(
      usageTotals([
        { day: "2026-01-01", ...day, gasSponsoredWei: "9007199254740993" },
        { day: "2026-01-02", ...day, gasSponsoredWei: "1" },
      ]),
    ).toEqual({
      verifications: 2,
      consents: 4,
      webhookDeliveries: 6,
      sponsoredOperations: 8,
      gasSponsoredWei: 9007199254740994n,
    });
  });
});
