/** The Billing screen's months and file names, apart from React (UTC, as statements are). */

/** "YYYY-MM" of the month `back` months before `now`'s (0: this month). */
export function monthOf(now: Date, back = 0): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The month a statement opens on: the last one that is over. */
export const lastFullMonth = (now: Date) => monthOf(now, 1);

/** The months offered, newest first: this month ("so far", still growing), then `count` past ones. */
export function monthOptions(now: Date, count = 12, locale?: string): { month: string; label: string }[] {
  const out = [];
  for (let back = 0; back <= count; back++) {
    const month = monthOf(now, back);
    const [y, m] = month.split("-").map(Number) as [number, number];
    const name = new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(locale, {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    out.push({ month, label: back === 0 ? `${name} (so far)` : name });
  }
  return out;
}

/** The name the API gives the file too (its Content-Disposition), so both downloads agree. */
export function statementFilename(orgId: string, month: string, format: "json" | "csv"): string {
  return `onekey-statement-${orgId}-${month}.${format}`;
}

/** What a line item is called on the screen. */
export const LINE_ITEMS: Record<string, string> = {
  verification: "Verifications",
  api_calls: "API calls",
  webhook_deliveries: "Webhook deliveries",
  gas: "Sponsored gas",
};
