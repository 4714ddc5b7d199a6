/**
 * The events of no block (webhooks/derived/): attestation.expired, event.retracted, webhook.test.
 * Their ids come from the same source keys as before they had modules of their own, so an
 * upgrade mints no new id for an event already sent.
 */
import { describe, expect, it } from "vitest";
import { attestationExpiredEvent, expiryWindow } from "../../../webhooks/derived/attestationExpired.js";
import { eventRetractedEvent } from "../../../webhooks/derived/eventRetracted.js";
import { webhookTestEvent } from "../../../webhooks/derived/webhookTest.js";
import { eventIdFor } from "../../../webhooks/envelope.js";

const timeBased = { outbox_id: null, block_number: null, block_hash: null, transaction_hash: null, log_index: null };

describe("time-based events", () => {
  it("attestation.expired: one per attestation, at its expiry time, to the projects the subject consents to", () => {
    const uid = `0x${"11".repeat(32)}`;
    const subject = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    expect(
      attestationExpiredEvent(31337, { uid, subject, level: 2, expires_at: "1767225600", project_ids: ["7", "9"] }),
    ).toEqual({
      ...timeBased,
      id: eventIdFor(`31337:expired:${uid}`),
      source_id: `31337:expired:${uid}`,
      type: "attestation.expired",
      project_ids: ["7", "9"],
      chain_id: 31337,
      block_timestamp: "1767225600",
      data: { uid, subject, level: 2, expiresAt: "1767225600" },
      state: "final",
    });
  });

  it("attestation.expired: each scan looks an hour back past the last one, for attestations indexed late", () => {
    expect(expiryWindow(10_000n, 12_000n)).toEqual({ since: 6_400n, until: 12_000n });
  });

  it("event.retracted: names the orphaned event, its type and its block", () => {
    const event = eventRetractedEvent({
      id: "evt_orphan",
      source_id: "31337:0xabc:3",
      type: "consent.granted",
      project_ids: ["7"],
      chain_id: 31337,
      block_number: "12",
      block_hash: "0xabc",
    });
    expect(event).toMatchObject({
      ...timeBased,
      id: eventIdFor("retract:31337:0xabc:3"),
      block_timestamp: null,
      type: "event.retracted",
      data: { retractedId: "evt_orphan", retractedType: "consent.granted", block: { number: "12", hash: "0xabc" } },
    });
  });

  it("webhook.test: a new event for each request", () => {
    const a = webhookTestEvent({ endpointId: "ep_1", requestId: "r1", projectId: 7n, chainId: 31337 });
    const b = webhookTestEvent({ endpointId: "ep_1", requestId: "r2", projectId: 7n, chainId: 31337 });
    expect(a).toMatchObject({
      id: eventIdFor("test:ep_1:r1"),
      project_ids: ["7"],
      data: { message: "A test event from OneKey" },
    });
    expect(b.id).not.toBe(a.id);
  });
});
