/**
 * The event catalogue (webhooks/catalogue.ts) types what handlers write: an outbox event type with
 * exactly the payload the SDK's WebhookEventDataMap describes, and never a derived type. The type
 * checks run in `npm test -- types` (tsc); the runtime ones show that what a handler writes is what
 * the SDK parses.
 */
import { parseWebhookEvent } from "@onekey/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { OutboxEntry } from "../../src/lib/outbox.js";
import { DERIVED_EVENT_TYPES, type OutboxEventType, WEBHOOK_EVENT_TYPES } from "../../webhooks/catalogue.js";
import { outboxData } from "../../webhooks/outboxData.js";

const address = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const hash = `0x${"ab".repeat(32)}` as const;

describe("the event catalogue", () => {
  it("lets a handler write only an outbox event type, with exactly the payload the catalogue gives it", () => {
    const granted: OutboxEntry<"consent.granted"> = {
      type: "consent.granted",
      projectIds: [7n],
      payload: { projectId: 7n, subject: address },
    };
    expectTypeOf(granted.payload.projectId).toEqualTypeOf<string | bigint>();
    // @ts-expect-error a field the catalogue does not describe
    const extra: OutboxEntry<"consent.granted"> = { ...granted, payload: { projectId: 7n, subject: address, x: 1 } };
    // @ts-expect-error a missing field
    const missing: OutboxEntry<"consent.granted"> = { ...granted, payload: { projectId: 7n } };
    const wrong: OutboxEntry<"project.role_granted"> = {
      type: "project.role_granted",
      projectIds: [7n],
      // @ts-expect-error a field of the wrong type (a role is a number)
      payload: { projectId: 7n, account: address, role: "2", roles: 3 },
    };
    // @ts-expect-error budget.low is derived by the worker, never written by a handler
    const derived: OutboxEntry<"budget.low"> = { type: "budget.low", projectIds: [], payload: {} };
    // @ts-expect-error a type the catalogue does not have
    const unknown: OutboxEntry<"sponsorship.funded"> = { type: "sponsorship.funded", projectIds: [], payload: {} };
    expect([extra, missing, wrong, derived, unknown]).toHaveLength(5);
    expectTypeOf<OutboxEventType>().not.toEqualTypeOf<(typeof DERIVED_EVENT_TYPES)[number]>();
  });

  it("names every derived type as a catalogue type", () => {
    for (const type of DERIVED_EVENT_TYPES) expect(WEBHOOK_EVENT_TYPES).toContain(type);
  });

  it("turns a handler's payload into data the SDK parses for its type", () => {
    const entry: OutboxEntry<"operation.sponsored"> = {
      type: "operation.sponsored",
      projectIds: [7n],
      payload: { projectId: 7n, sender: address, userOpHash: hash, actualCost: 123n, balance: 10n ** 18n },
    };
    const data = outboxData(entry.payload);
    expect(data).toEqual({
      projectId: "7",
      sender: address,
      userOpHash: hash,
      actualCost: "123",
      balance: "1000000000000000000",
    });
    const event = parseWebhookEvent({
      id: "evt_00112233445566778899aabbccddeeff",
      type: entry.type,
      version: 1,
      projectId: "7",
      chainId: 31337,
      createdAt: "2026-01-01T00:00:00.000Z",
      block: { number: "1", hash, timestamp: "1767225600", finalized: true },
      transactionHash: hash,
      logIndex: 0,
      data,
    });
    expect(event.data).toEqual(data);
  });
});
