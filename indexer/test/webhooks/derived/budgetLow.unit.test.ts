/** budget.low (webhooks/derived/budgetLow.ts): fires once, when a spend or withdrawal crosses the threshold downwards. */
import { describe, expect, it } from "vitest";
import { budgetLowData, budgetLowEvent, projectsSpending } from "../../../webhooks/derived/budgetLow.js";
import { eventIdFor } from "../../../webhooks/envelope.js";
import { DEFAULT_BUDGET_LOW_THRESHOLD } from "../../../webhooks/policy.js";
import type { EventRow } from "../../../webhooks/store/events.js";
import type { OutboxRow } from "../../../webhooks/store/views.js";

const row = (type: string, payload: Record<string, unknown>): OutboxRow => ({
  id: "31337:0xabc:3",
  chain_id: 31337,
  block_number: "12",
  block_hash: "0xabc",
  block_timestamp: "1767225600",
  transaction_hash: "0xdef",
  log_index: 3,
  type,
  project_ids: ["7"],
  payload,
});

describe("budget.low", () => {
  it("fires when an operation or a withdrawal takes the balance from at or above the threshold to below it", () => {
    expect(budgetLowData(row("operation.sponsored", { balance: "900", actualCost: "100" }), 1000n)).toEqual({
      projectId: "7",
      balance: "900",
      threshold: "1000",
    });
    expect(budgetLowData(row("budget.withdrawn", { balance: "999", amount: "5" }), 1000n)).toMatchObject({
      balance: "999",
    });
  });

  it("stays quiet above the threshold, below it already, and for funding", () => {
    expect(budgetLowData(row("operation.sponsored", { balance: "1000", actualCost: "1" }), 1000n)).toBeUndefined();
    expect(budgetLowData(row("operation.sponsored", { balance: "800", actualCost: "100" }), 1000n)).toBeUndefined();
    expect(budgetLowData(row("budget.funded", { balance: "900", amount: "100" }), 1000n)).toBeUndefined();
    expect(projectsSpending([row("budget.funded", {}), row("budget.withdrawn", {})])).toEqual(["7"]);
  });

  it("uses the deployment's default for a project without settings", () => {
    const balance = (DEFAULT_BUDGET_LOW_THRESHOLD - 1n).toString();
    expect(budgetLowData(row("operation.sponsored", { balance, actualCost: "1" }), undefined)).toMatchObject({
      threshold: DEFAULT_BUDGET_LOW_THRESHOLD.toString(),
    });
  });

  it("is an event of the same block and outbox row, with the id it has always had", () => {
    const outbox = row("operation.sponsored", { balance: "900", actualCost: "100" });
    const chainEvent: EventRow = {
      id: eventIdFor(outbox.id),
      source_id: outbox.id,
      outbox_id: outbox.id,
      type: outbox.type,
      project_ids: ["7"],
      chain_id: 31337,
      block_number: "12",
      block_hash: "0xabc",
      block_timestamp: "1767225600",
      transaction_hash: "0xdef",
      log_index: 3,
      data: outbox.payload,
      state: "live",
    };
    expect(budgetLowEvent(outbox, chainEvent, new Map([["7", 1000n]]))).toEqual({
      ...chainEvent,
      id: eventIdFor("31337:0xabc:3:budget.low"),
      source_id: "31337:0xabc:3:budget.low",
      type: "budget.low",
      data: { projectId: "7", balance: "900", threshold: "1000" },
    });
  });
});
