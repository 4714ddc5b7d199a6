import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  isKnownWebhookEvent,
  isWebhookEventType,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from "../src/index.js";
import { envelope, SAMPLE_DATA, SUBJECT } from "./support/fixtures.js";
import { newSecret, signature, signedHeaders } from "./support/sign.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const T = Math.floor(NOW.getTime() / 1000);
const ID = "evt_00112233445566778899aabbccddeeff";
const BODY = JSON.stringify(envelope("attestation.created", SAMPLE_DATA["attestation.created"], ID));

/** The reason verifyWebhook gives, failing the test if it does not throw a WebhookVerificationError. */
function reasonOf(run: () => unknown): WebhookVerificationReason {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).reason;
  }
  throw new Error("expected verifyWebhook to throw");
}

describe("the independent signer", () => {
  it("reproduces the Standard Webhooks test vector", () => {
    // From the Standard Webhooks / Svix test suites.
    expect(
      signature(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifyWebhook accepts the vector's signature (then refuses the body, which is no OneKey event)", () => {
    const headers = {
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    const run = (secret: string) => () =>
      verifyWebhook('{"test": 2432232314}', headers, secret, { now: new Date(1614265330 * 1000) });
    expect(reasonOf(run("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).toBe("bad_payload");
    expect(reasonOf(run(newSecret()))).toBe("bad_signature");
  });
});

describe("verifyWebhook", () => {
  const secret = newSecret();

  it("returns the typed event of a valid delivery", () => {
    const event = verifyWebhook(BODY, signedHeaders([secret], ID, T, BODY), secret, { now: NOW });
    expect(event).toEqual(JSON.parse(BODY));
    expect(isKnownWebhookEvent(event)).toBe(true);
    if (!isWebhookEventType(event, "attestation.created")) throw new Error("wrong type");
    // Narrowed: `data` is AttestationCreatedData (this line would not compile otherwise).
    const level: number = event.data.level;
    expect(level).toBe(2);
    expect(event.data.subject).toBe(SUBJECT);
  });

  it("uses the system clock by default", () => {
    const now = Math.floor(Date.now() / 1000);
    const event = verifyWebhook(BODY, signedHeaders([secret], ID, now, BODY), secret);
    expect(event.id).toBe(ID);
    expect(reasonOf(() => verifyWebhook(BODY, signedHeaders([secret], ID, now - 3600, BODY), secret))).toBe(
      "timestamp_too_old",
    );
  });

  it("takes a fetch Headers instance, Node-style headers and a raw byte body", () => {
    const signed = signedHeaders([secret], ID, T, BODY);
    expect(verifyWebhook(BODY, new Headers(signed), secret, { now: NOW }).id).toBe(ID);
    // IncomingHttpHeaders: lower-case names, a repeated header as an array.
    const incoming = {
      host: "localhost",
      "webhook-id": ID,
      "webhook-timestamp": String(T),
      "webhook-signature": [signature(newSecret(), ID, T, BODY), signed["webhook-signature"]],
    };
    expect(verifyWebhook(Buffer.from(BODY), incoming, secret, { now: NOW }).id).toBe(ID);
    // Mixed-case names in a plain object.
    const mixed = {
      "Webhook-Id": ID,
      "WEBHOOK-TIMESTAMP": String(T),
      "Webhook-Signature": signed["webhook-signature"],
    };
    expect(verifyWebhook(new TextEncoder().encode(BODY), mixed, secret, { now: NOW }).id).toBe(ID);
  });

  describe("secret rotation", () => {
    const previous = newSecret();
    const current = newSecret();
    const both = signedHeaders([previous, current], ID, T, BODY);

    it("accepts a delivery signed with both secrets, whichever secret the receiver holds", () => {
      expect(both["webhook-signature"].split(" ")).toHaveLength(2);
      for (const secrets of [[previous], [current], [previous, current], [current, previous]]) {
        expect(verifyWebhook(BODY, both, secrets, { now: NOW }).id).toBe(ID);
      }
    });

    it("accepts a delivery signed with either one of the receiver's two secrets", () => {
      for (const signer of [previous, current]) {
        const headers = signedHeaders([signer], ID, T, BODY);
        expect(verifyWebhook(BODY, headers, [previous, current], { now: NOW }).id).toBe(ID);
      }
    });

    it("refuses both signatures when the receiver holds neither secret", () => {
      expect(reasonOf(() => verifyWebhook(BODY, both, [newSecret(), newSecret()], { now: NOW }))).toBe("bad_signature");
    });
  });

  it("refuses a tampered body", () => {
    const headers = signedHeaders([secret], ID, T, BODY);
    const tampered = BODY.replace('"level":2', '"level":3');
    expect(tampered).not.toBe(BODY);
    expect(reasonOf(() => verifyWebhook(tampered, headers, secret, { now: NOW }))).toBe("bad_signature");
  });

  it("refuses a signature made with another secret", () => {
    const headers = signedHeaders([newSecret()], ID, T, BODY);
    expect(reasonOf(() => verifyWebhook(BODY, headers, secret, { now: NOW }))).toBe("bad_signature");
  });

  it("refuses a signature moved to another id or timestamp", () => {
    const headers = signedHeaders([secret], ID, T, BODY);
    const otherId = { ...headers, "webhook-id": "evt_ffffffffffffffffffffffffffffffff" };
    const otherTime = { ...headers, "webhook-timestamp": String(T - 1) };
    expect(reasonOf(() => verifyWebhook(BODY, otherId, secret, { now: NOW }))).toBe("bad_signature");
    expect(reasonOf(() => verifyWebhook(BODY, otherTime, secret, { now: NOW }))).toBe("bad_signature");
  });

  it("ignores signatures of other versions", () => {
    const v1 = signature(secret, ID, T, BODY);
    const headers = { ...signedHeaders([secret], ID, T, BODY), "webhook-signature": `v2,${v1.slice(3)}` };
    expect(reasonOf(() => verifyWebhook(BODY, headers, secret, { now: NOW }))).toBe("bad_signature");
  });

  it("refuses a stale timestamp, at the tolerance plus one second", () => {
    const at = (timestamp: number) => () =>
      verifyWebhook(BODY, signedHeaders([secret], ID, timestamp, BODY), secret, { now: NOW });
    expect(at(T - 300)().id).toBe(ID);
    expect(reasonOf(at(T - 301))).toBe("timestamp_too_old");
  });

  it("refuses a future timestamp, at the tolerance plus one second", () => {
    const at = (timestamp: number) => () =>
      verifyWebhook(BODY, signedHeaders([secret], ID, timestamp, BODY), secret, { now: NOW });
    expect(at(T + 300)().id).toBe(ID);
    expect(reasonOf(at(T + 301))).toBe("timestamp_too_new");
  });

  it("honours a custom tolerance", () => {
    const headers = signedHeaders([secret], ID, T - 900, BODY);
    expect(verifyWebhook(BODY, headers, secret, { now: NOW, toleranceSeconds: 900 }).id).toBe(ID);
    expect(reasonOf(() => verifyWebhook(BODY, headers, secret, { now: NOW, toleranceSeconds: 899 }))).toBe(
      "timestamp_too_old",
    );
  });

  it("refuses a delivery missing any of the three headers, or with a malformed timestamp", () => {
    const headers = signedHeaders([secret], ID, T, BODY);
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      const { [name]: _, ...rest } = headers;
      expect(reasonOf(() => verifyWebhook(BODY, rest, secret, { now: NOW }))).toBe("missing_headers");
      expect(reasonOf(() => verifyWebhook(BODY, { ...headers, [name]: "" }, secret, { now: NOW }))).toBe(
        "missing_headers",
      );
    }
    for (const timestamp of ["soon", `${T}.5`, `${T}abc`]) {
      const bad = { ...headers, "webhook-timestamp": timestamp };
      expect(reasonOf(() => verifyWebhook(BODY, bad, secret, { now: NOW }))).toBe("missing_headers");
    }
  });

  it("refuses a correctly signed body that is not a OneKey event", () => {
    const signedBody =
      (body: string, id = ID) =>
      () =>
        verifyWebhook(body, signedHeaders([secret], id, T, body), secret, { now: NOW });
    expect(reasonOf(signedBody("not json"))).toBe("bad_payload");
    expect(reasonOf(signedBody(JSON.stringify({ ...JSON.parse(BODY), version: 2 })))).toBe("bad_payload");
    const wrongField = JSON.stringify(
      envelope("attestation.created", { ...SAMPLE_DATA["attestation.created"], level: "2" }),
    );
    expect(reasonOf(signedBody(wrongField))).toBe("bad_payload");
    // Signed under one id, but the envelope names another.
    expect(reasonOf(signedBody(BODY, "evt_ffffffffffffffffffffffffffffffff"))).toBe("bad_payload");
  });

  it("lets an unknown event type through as the generic case", () => {
    const body = JSON.stringify(envelope("attestation.renewed", { uid: "0x01", whatever: [1, 2] }, ID));
    const event = verifyWebhook(body, signedHeaders([secret], ID, T, body), secret, { now: NOW });
    expect(event.type).toBe("attestation.renewed");
    expect(event.data).toEqual({ uid: "0x01", whatever: [1, 2] });
    expect(isKnownWebhookEvent(event)).toBe(false);
  });

  it("throws a TypeError, not a verification error, for a bad configuration", () => {
    const headers = signedHeaders([secret], ID, T, BODY);
    expect(() => verifyWebhook(BODY, headers, [], { now: NOW })).toThrow(TypeError);
    expect(() => verifyWebhook(BODY, headers, "whsec_not*base64", { now: NOW })).toThrow(TypeError);
    expect(() => verifyWebhook(BODY, headers, secret, { now: NOW, toleranceSeconds: -1 })).toThrow(TypeError);
  });

  it("agrees with the reference library on what it accepts", () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secret], ID, now, BODY);
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(verifyWebhook(BODY, headers, secret));
  });
});
