import { describe, expect, it } from "vitest";
import { lastFullMonth, monthOf, monthOptions, statementFilename } from "./billing.js";

describe("the Billing screen's months and files", () => {
  it("opens on the last month that is over, across a year's end and at a month's last instant (UTC)", () => {
    expect(lastFullMonth(new Date("2026-12-06T04:00:00Z"))).toBe("2026-11");
    expect(lastFullMonth(new Date("2027-01-01T00:00:00Z"))).toBe("2026-12");
    expect(lastFullMonth(new Date("2026-03-31T23:59:59.999Z"))).toBe("2026-02");
    expect(monthOf(new Date("2026-03-31T12:00:00Z"), 13)).toBe("2025-02");
  });

  it("offers this month as 'so far', then past months newest first", () => {
    const options = monthOptions(new Date("2026-02-10T00:00:00Z"), 3, "en-GB");
    expect(options).toEqual([
      { month: "2026-02", label: "February 2026 (so far)" },
      { month: "2026-01", label: "January 2026" },
      { month: "2025-12", label: "December 2025" },
      { month: "2025-11", label: "November 2025" },
    ]);
  });

  it("names a downloaded file as the API's Content-Disposition does", () => {
    expect(statementFilename("4", "2026-11", "csv")).toBe("onekey-statement-4-2026-11.csv");
    expect(statementFilename("4", "2026-11", "json")).toBe("onekey-statement-4-2026-11.json");
  });
});
