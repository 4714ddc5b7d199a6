/**
 * Calendar months in UTC, as every service counts them (the issuer's monthly verification quota,
 * the operators' organizations view, billing statements): [start, next month's start).
 */

export interface MonthWindow {
  /** "YYYY-MM". */
  month: string;
  start: Date;
  /** The next month's start (exclusive). */
  end: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The calendar month (UTC) `now` falls in. */
export function monthOf(now: Date): MonthWindow {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { month: start.toISOString().slice(0, 7), start, end };
}

/** The month named "YYYY-MM"; undefined for anything else. */
export function parseMonth(month: string): MonthWindow | undefined {
  const m = MONTH.exec(month);
  if (!m) return undefined;
  return monthOf(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}
