/**
 * One HTTP delivery (webhooks/worker/sender.ts) against a real local HTTP server, its signatures
 * checked with node:crypto from the Standard Webhooks spec.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../../../harness/receiver.js";
import { newSigningSecret } from "../../../webhooks/secrets.js";
import { Sender } from "../../../webhooks/worker/sender.js";

describe("sender", () => {
  let receiver: Receiver;
  const sender = new Sender(300, "local");
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sender.close();
    await receiver.close();
  });

  /** The Standard Webhooks signature, computed from the spec alone. */
  const specSignature = (secret: string, id: string, timestamp: string, body: string) =>
    `v1,${createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
      .update(`${id}.${timestamp}.${body}`)
      .digest("base64")}`;

  it("signs as the spec says, once per live secret", async () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const outcome = await sender.send(receiver.url("/ok"), "evt_1", '{"x":1}', [a, b]);
    expect(outcome).toMatchObject({ statusCode: 200, error: null });
    const [got] = receiver.on("/ok");
    const timestamp = String(got?.headers["webhook-timestamp"]);
    expect(got?.headers["webhook-id"]).toBe("evt_1");
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(String(got?.headers["webhook-signature"]).split(" ")).toEqual([
      specSignature(a, "evt_1", timestamp, '{"x":1}'),
      specSignature(b, "evt_1", timestamp, '{"x":1}'),
    ]);
  });

  it("reports a timeout, a refused connection and a refused destination as errors without a status", async () => {
    receiver.script("/hang", ["hang"]);
    expect(await sender.send(receiver.url("/hang"), "evt_2", "{}", [newSigningSecret()])).toMatchObject({
      statusCode: null,
      error: "timeout",
    });
    expect((await sender.send("http://127.0.0.1:9/x", "evt_3", "{}", [newSigningSecret()])).error).toBe(
      "connection refused",
    );
    const production = new Sender(300, "production");
    expect((await production.send(receiver.url("/ok"), "evt_4", "{}", [newSigningSecret()])).error).toBe(
      "refused: non-public address",
    );
    await production.close();
    expect(receiver.on("/ok")).toHaveLength(1);
  });
});
