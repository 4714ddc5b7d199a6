/** Event ids and the version-1 envelope (webhooks/envelope.ts). */
import { describe, expect, it } from "vitest";
import { envelope, eventIdFor } from "../../webhooks/envelope.js";
import type { StoredEvent } from "../../webhooks/store/events.js";

describe("envelope and ids", () => {
  const event: StoredEvent = {
    id: eventIdFor("31337:0xabc:4"),
    source_id: "31337:0xabc:4",
    outbox_id: "31337:0xabc:4",
    type: "consent.granted",
    project_ids: ["7"],
    chain_id: 31337,
    block_number: "12",
    block_hash: "0xabc",
    block_timestamp: "1764583200",
    transaction_hash: "0xdef",
    log_index: 4,
    data: { projectId: "7", subject: "0x01" },
    state: "live",
    created_at: new Date(0),
  };

  it("derives the same id from the same source, and different ids from different ones", () => {
    expect(eventIdFor("31337:0xabc:4")).toBe(event.id);
    expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(eventIdFor("31337:0xabd:4")).not.toBe(event.id);
  });

  it("builds the version-1 body with block time and the finality judged at send time", () => {
    expect(JSON.parse(envelope(event, "7", true))).toEqual({
      id: event.id,
      type: "consent.granted",
      version: 1,
      projectId: "7",
      chainId: 31337,
      createdAt: "2025-12-01T10:00:00.000Z",
      block: { number: "12", hash: "0xabc", timestamp: "1764583200", finalized: true },
      transactionHash: "0xdef",
      logIndex: 4,
      data: { projectId: "7", subject: "0x01" },
    });
    const timeBased = JSON.parse(envelope({ ...event, block_number: null, block_hash: null }, "7", true));
    expect(timeBased.block).toBeNull();
  });
});
