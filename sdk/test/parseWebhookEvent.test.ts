import { describe, expect, it } from "vitest";
import {
  isKnownWebhookEvent,
  type OneKeyWebhookEvent,
  parseWebhookEvent,
  WEBHOOK_EVENT_TYPES,
  WebhookVerificationError,
} from "../src/index.js";
import { envelope, SAMPLE_DATA } from "./support/fixtures.js";

/** The bad_payload message parseWebhookEvent gives, failing the test if it accepts the value. */
function problemOf(value: unknown): string {
  try {
    parseWebhookEvent(value);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).reason).toBe("bad_payload");
    return (error as WebhookVerificationError).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe("parseWebhookEvent", () => {
  it("lists every event type once", () => {
    expect(new Set(WEBHOOK_EVENT_TYPES).size).toBe(WEBHOOK_EVENT_TYPES.length);
    expect(Object.keys(SAMPLE_DATA).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  for (const type of WEBHOOK_EVENT_TYPES) {
    describe(type, () => {
      const data = SAMPLE_DATA[type] as unknown as Record<string, unknown>;

      it("accepts the sample", () => {
        const value = envelope(type, data);
        expect(parseWebhookEvent(value)).toEqual(value);
      });

      it("refuses the sample without any one of its fields, or with it of the wrong type", () => {
        for (const field of Object.keys(data)) {
          const { [field]: _, ...without } = data;
          expect(problemOf(envelope(type, without))).toContain(`event.data.${field}:`);
          // An object where a scalar belongs; a string where an object (free-form `evidence`) does.
          const value = data[field];
          const wrong = value !== null && typeof value === "object" && !Array.isArray(value) ? "x" : { wrong: true };
          expect(problemOf(envelope(type, { ...data, [field]: wrong }))).toContain(`event.data.${field}`);
        }
      });
    });
  }

  it("checks the envelope", () => {
    const good = envelope("consent.granted", SAMPLE_DATA["consent.granted"]);
    const cases: [Record<string, unknown>, string][] = [
      [{ version: 2 }, "event.version:"],
      [{ id: "msg_123" }, "event.id:"],
      [{ type: "" }, "event.type:"],
      [{ projectId: 7 }, "event.projectId:"],
      [{ projectId: "18446744073709551616" }, "event.projectId:"],
      [{ chainId: "31337" }, "event.chainId:"],
      [{ createdAt: "yesterday" }, "event.createdAt:"],
      [{ block: { ...good.block, finalized: "yes" } }, "event.block.finalized:"],
      [{ block: { ...good.block, hash: "0x12" } }, "event.block.hash:"],
      [{ transactionHash: "0x12" }, "event.transactionHash:"],
      [{ logIndex: -1 }, "event.logIndex:"],
      [{ data: null }, "event.data:"],
      [{ data: ["x"] }, "event.data:"],
    ];
    for (const [patch, where] of cases) expect(problemOf({ ...good, ...patch })).toContain(where);
    expect(problemOf("a string")).toContain("event:");
    expect(problemOf(null)).toContain("event:");
  });

  it("names the element of an array that is wrong", () => {
    const data = {
      ...SAMPLE_DATA["project.created"],
      acceptedIssuers: ["0x0000000000000000000000000000000000000002", "x"],
    };
    expect(problemOf(envelope("project.created", data))).toContain("event.data.acceptedIssuers[1]:");
  });

  it("accepts time-based events without a block, transaction or log", () => {
    const value = {
      ...envelope("attestation.expired", SAMPLE_DATA["attestation.expired"]),
      block: null,
      transactionHash: null,
      logIndex: null,
    };
    expect(parseWebhookEvent(value)).toEqual(value);
  });

  it("keeps fields it does not know (adding one is not a breaking change)", () => {
    const value = {
      ...envelope("budget.low", { ...SAMPLE_DATA["budget.low"], currency: "ETH" }),
      deliveryAttempt: 2,
    };
    expect(parseWebhookEvent(value)).toEqual(value);
  });

  it("narrows known events with a switch once isKnownWebhookEvent holds", () => {
    const summary = (event: OneKeyWebhookEvent): string => {
      if (!isKnownWebhookEvent(event)) return `unknown ${event.type}`;
      switch (event.type) {
        case "budget.funded":
          return `funded ${event.data.amount}`;
        case "event.retracted":
          return `retracted ${event.data.retractedId}`;
        default:
          return event.type;
      }
    };
    expect(summary(parseWebhookEvent(envelope("budget.funded", SAMPLE_DATA["budget.funded"])))).toBe(
      "funded 1000000000000000000",
    );
    expect(summary(parseWebhookEvent(envelope("event.retracted", SAMPLE_DATA["event.retracted"])))).toBe(
      "retracted evt_0123456789abcdef0123456789abcdef",
    );
    expect(summary(parseWebhookEvent(envelope("kyc.future", {})))).toBe("unknown kyc.future");
  });
});
