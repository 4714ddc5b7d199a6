/**
 * An organization's monthly statement, computed from the day rollups of its projects and priced by
 * the price list in force for the month (billing/priceList.ts). Deterministic: the same rollups,
 * price list and ETH price give the same JSON and CSV bytes (no generation time, sorted lines), so
 * a past month's statement can be produced again and compared.
 *
 * Line items: verifications decided, by provider and level; API calls above the organization's
 * monthly free tier, per 1,000 (calls refused with 429 are not counted); webhook deliveries the
 * endpoint accepted; gas sponsored, at cost plus the list's margin.
 *
 * Credit: the on-chain prepaid budget. Sponsored gas is paid from the project's paymaster budget,
 * which the organization funded on chain beforehand; so the gas the budgets paid during the month
 * is credited at cost (same ETH price), and the organization pays the margin on it. Wei funded but
 * not spent is no credit: it stays in the budget, the organization's to spend or withdraw.
 */
import { parseMonth } from "@onekey/service-kit/months";
import { type Kysely, sql } from "kysely";
import type { PriceSource } from "../analytics/config.js";
import { WEI_PER_ETH } from "../analytics/query.js";
import type { ApiDatabase } from "../db/tables.js";
import { formatCents, microToCents, type PriceList, priceListFor, toMicro, verificationPrice } from "./priceList.js";

export interface StatementLine {
  item: "verification" | "api_calls" | "webhook_deliveries" | "gas";
  /** Verifications: "provider level"; gas: the wei sponsored; otherwise "". */
  detail: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
}

export interface Statement {
  organization: string;
  month: string;
  /** [from, to) in UTC. */
  period: { from: string; to: string };
  /** "open" while the month is not over: the figures may still grow. */
  status: "open" | "closed";
  currency: string;
  priceList: { version: string; effectiveFrom: string };
  /** What gas was priced at (null when no gas was sponsored). */
  ethPrice: { price: string; source: string } | null;
  projects: string[];
  lines: StatementLine[];
  subtotal: string;
  credit: { description: string; amount: string };
  total: string;
}

/** The month asked for cannot have a statement (malformed, in the future, before every price list). */
export class StatementError extends Error {}

/** The deployment cannot price what was used (no ETH price, or one in another currency): an operator's fix, not the caller's. */
export class PricingUnavailable extends Error {
  override name = "PricingUnavailable";
}

const BILLED_METRICS = ["verifications.decided", "api.calls", "webhook.deliveries", "gas.sponsored"] as const;

/** The calendar month (UTC) named "YYYY-MM", as the quota counts it (service-kit's months). */
export function monthRange(month: string): { from: Date; to: Date } {
  const window = parseMonth(month);
  if (!window) throw new StatementError("month must be YYYY-MM");
  return { from: window.start, to: window.end };
}

/** Sums per metric and dimension over the projects' day rows of the month. */
async function usage(db: Kysely<ApiDatabase>, projectIds: bigint[], from: Date, to: Date) {
  if (projectIds.length === 0) return [];
  const { rows } = await sql<{ metric: string; dimension: string; total: string }>`
    SELECT metric, dimension, sum(value)::text AS total
      FROM analytics_rollups
     WHERE project_id = ANY(${`{${projectIds.join(",")}}`}::bigint[])
       AND granularity = 'day' AND bucket_start >= ${from} AND bucket_start < ${to}
       AND metric IN (${sql.join([...BILLED_METRICS])})
     GROUP BY metric, dimension`.execute(db);
  return rows.map((r) => ({ ...r, total: BigInt(r.total.split(".")[0] as string) }));
}

export interface StatementInput {
  orgId: bigint;
  /** The organization's projects (from the indexed chain). */
  projectIds: bigint[];
  month: string;
  priceLists: PriceList[];
  /** ETH in the list's currency, for gas; asked for the month's end. */
  prices?: PriceSource;
  now: Date;
}

export async function computeStatement(db: Kysely<ApiDatabase>, input: StatementInput): Promise<Statement> {
  const { from, to } = monthRange(input.month);
  if (from > input.now) throw new StatementError("month is in the future");
  const list = priceListFor(input.priceLists, input.month);
  if (!list) throw new StatementError(`no price list is in force for ${input.month}`);
  const projectIds = [...new Set(input.projectIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = await usage(db, projectIds, from, to);

  const lines: StatementLine[] = [];
  const line = (l: Omit<StatementLine, "amount">, micro: bigint) => {
    const cents = microToCents(micro);
    lines.push({ ...l, amount: formatCents(cents) });
    return cents;
  };
  let subtotal = 0n;

  const verifications = rows
    .filter((r) => r.metric === "verifications.decided" && r.total > 0n)
    .sort((a, b) => a.dimension.localeCompare(b.dimension));
  for (const v of verifications) {
    const split = v.dimension.lastIndexOf(" ");
    const [provider, level] =
      split < 0 ? [v.dimension, "*"] : [v.dimension.slice(0, split), v.dimension.slice(split + 1)];
    const price = verificationPrice(list, provider, level);
    subtotal += line(
      {
        item: "verification",
        detail: v.dimension,
        quantity: v.total.toString(),
        unit: "verification",
        unitPrice: price,
      },
      v.total * toMicro(price),
    );
  }

  // The dimension is "route status": a 429 was refused before it was served.
  const calls = rows
    .filter((r) => r.metric === "api.calls" && !r.dimension.endsWith(" 429"))
    .reduce((n, r) => n + r.total, 0n);
  const above = calls > BigInt(list.apiCalls.freeTierPerMonth) ? calls - BigInt(list.apiCalls.freeTierPerMonth) : 0n;
  if (calls > 0n) {
    subtotal += line(
      {
        item: "api_calls",
        detail: `${calls} calls, ${list.apiCalls.freeTierPerMonth} free`,
        quantity: above.toString(),
        unit: "call above the free tier (priced per 1,000)",
        unitPrice: list.apiCalls.per1000,
      },
      (above * toMicro(list.apiCalls.per1000)) / 1000n,
    );
  }

  const delivered = rows
    .filter((r) => r.metric === "webhook.deliveries" && r.dimension === "delivered")
    .reduce((n, r) => n + r.total, 0n);
  if (delivered > 0n) {
    subtotal += line(
      {
        item: "webhook_deliveries",
        detail: "",
        quantity: delivered.toString(),
        unit: "delivery",
        unitPrice: list.webhookDelivery,
      },
      delivered * toMicro(list.webhookDelivery),
    );
  }

  const wei = rows.filter((r) => r.metric === "gas.sponsored").reduce((n, r) => n + r.total, 0n);
  let ethPrice: Statement["ethPrice"] = null;
  let creditCents = 0n;
  if (wei > 0n) {
    // The deployment's fault, not the request's: never billed as 0, said as such.
    if (!input.prices) {
      throw new PricingUnavailable("gas was sponsored but no ETH price is configured (ONEKEY_ANALYTICS_ETH_PRICE)");
    }
    if (input.prices.currency !== list.currency) {
      throw new PricingUnavailable(`the ETH price is in ${input.prices.currency}, the price list in ${list.currency}`);
    }
    const eth = await input.prices.ethPrice(new Date(Math.min(to.getTime(), input.now.getTime())));
    const priceMicro = BigInt(Math.round(eth.price * 1e6));
    ethPrice = { price: formatMicro(priceMicro), source: eth.source };
    const costMicro = (wei * priceMicro) / WEI_PER_ETH;
    const bps = BigInt(list.gas.marginBasisPoints);
    subtotal += line(
      {
        item: "gas",
        detail: `${wei} wei`,
        quantity: formatMicro(costMicro),
        unit: `${list.currency} at cost, plus ${formatBasisPoints(bps)} margin`,
        unitPrice: formatMicro(1_000_000n + bps * 100n),
      },
      (costMicro * (10_000n + bps)) / 10_000n,
    );
    creditCents = microToCents(costMicro);
  }

  return {
    organization: input.orgId.toString(),
    month: input.month,
    period: { from: from.toISOString(), to: to.toISOString() },
    status: to <= input.now ? "closed" : "open",
    currency: list.currency,
    priceList: { version: list.version, effectiveFrom: list.effectiveFrom },
    ethPrice,
    projects: projectIds.map(String),
    lines,
    subtotal: formatCents(subtotal),
    credit: {
      description: "Gas paid from the prepaid on-chain budgets during the month, at cost",
      amount: formatCents(creditCents),
    },
    total: formatCents(subtotal - creditCents),
  };
}

/** 1_250_000n -> "1.25" (trailing zeros dropped, at least 2 decimals). */
function formatMicro(micro: bigint): string {
  const frac = (micro % 1_000_000n)
    .toString()
    .padStart(6, "0")
    .replace(/0{1,4}$/, "");
  return `${micro / 1_000_000n}.${frac.padEnd(2, "0")}`;
}
const formatBasisPoints = (bps: bigint) => `${formatMicro(bps * 10_000n).replace(/\.?0+$/, "")}%`;

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const CSV_COLUMNS = [
  "organization",
  "month",
  "price_list",
  "currency",
  "item",
  "detail",
  "quantity",
  "unit",
  "unit_price",
  "amount",
];

/**
 * One table, one shape: the line items, then subtotal, credit and total as rows of their own.
 * Written by hand (no CSV writer is installed, and the fields are ours: RFC 4180 quoting suffices).
 */
export function statementCsv(s: Statement): string {
  const head = [s.organization, s.month, s.priceList.version, s.currency];
  const rows = [
    CSV_COLUMNS,
    ...s.lines.map((l) => [...head, l.item, l.detail, l.quantity, l.unit, l.unitPrice, l.amount]),
    [...head, "subtotal", "", "", "", "", s.subtotal],
    [...head, "credit", s.credit.description, "", "", "", s.credit.amount === "0.00" ? "0.00" : `-${s.credit.amount}`],
    [...head, "total", s.status === "open" ? "month not over" : "", "", "", "", s.total],
  ];
  return rows.map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}

export const statementJson = (s: Statement) => `${JSON.stringify(s, null, 2)}\n`;
