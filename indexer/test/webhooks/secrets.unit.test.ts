/** Endpoint signing secrets sealed at rest (webhooks/secrets.ts). */
import { describe, expect, it } from "vitest";
import { newSigningSecret, openSecret, parseEncryptionKey, sealSecret } from "../../webhooks/secrets.js";

describe("sealed secrets", () => {
  const key = parseEncryptionKey("11".repeat(32));

  it("round-trips, and fails for another endpoint id, a tampered seal or another key", () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sealed = sealSecret(key, "ep_a", secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(key, "ep_a", sealed)).toBe(secret);
    expect(() => openSecret(key, "ep_b", sealed)).toThrow();
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === "A" ? "B" : "A"}${sealed.at(-1)}`;
    expect(() => openSecret(key, "ep_a", flipped)).toThrow();
    expect(() => openSecret(parseEncryptionKey("22".repeat(32)), "ep_a", sealed)).toThrow();
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => parseEncryptionKey("abcd")).toThrow(/32 bytes/);
    expect(parseEncryptionKey(Buffer.alloc(32, 1).toString("base64"))).toHaveLength(32);
  });
});
