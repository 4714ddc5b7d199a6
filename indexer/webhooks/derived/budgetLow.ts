/**
 * `budget.low`: derived from an outbox row that spends or withdraws from a project's budget,
 * when it takes the balance from at or above the project's threshold to below it. Crossing
 * downwards fires once; staying below, or funding, fires nothing.
 */
import type { EventData } from "../catalogue.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD } from "../policy.js";
import type { EventRow } from "../store/events.js";
import type { OutboxRow } from "../store/views.js";
import { derivedFrom } from "./derivedEvent.js";

/** Outbox events that lower a budget's balance (their payload carries the balance after). */
const BUDGET_SPENDING_TYPES = new Set(["operation.sponsored", "budget.withdrawn"]);

/** The projects whose threshold a batch of outbox rows needs. */
export function projectsSpending(rows: readonly OutboxRow[]): string[] {
  return [...new Set(rows.filter((r) => BUDGET_SPENDING_TYPES.has(r.type)).flatMap((r) => r.project_ids))];
}

/** The budget.low data when this row took the balance below `threshold` (the default when undefined). */
export function budgetLowData(row: OutboxRow, threshold: bigint | undefined): EventData<"budget.low"> | undefined {
  if (!BUDGET_SPENDING_TYPES.has(row.type)) return undefined;
  const { balance, actualCost, amount } = row.payload as Record<string, string | undefined>;
  if (balance === undefined) return undefined;
  const projectId = row.project_ids[0] as string;
  const limit = threshold ?? DEFAULT_BUDGET_LOW_THRESHOLD;
  const after = BigInt(balance);
  const before = after + BigInt(actualCost ?? amount ?? "0");
  if (before < limit || after >= limit) return undefined;
  return { projectId, balance, threshold: limit.toString() };
}

/** The budget.low event of an ingested outbox row, if the row crossed its project's threshold. */
export function budgetLowEvent(
  row: OutboxRow,
  chainEvent: EventRow,
  thresholds: Map<string, bigint>,
): EventRow | undefined {
  const data = budgetLowData(row, thresholds.get(row.project_ids[0] as string));
  return data && derivedFrom(chainEvent, "budget.low", data);
}
