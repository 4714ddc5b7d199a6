/**
 * An independent Standard Webhooks signer, written from the spec with node:crypto (not the
 * `standardwebhooks` library the SDK uses), so the tests check the SDK against the spec:
 * base64(hmac_sha256(base64decode(secret without "whsec_"), `${id}.${timestamp}.${body}`)).
 */
import { createHmac, randomBytes } from "node:crypto";

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The three headers of a delivery signed with every secret in `secrets` (rotation sends several). */
export function signedHeaders(
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signature(secret, id, timestamp, body)).join(" "),
  };
}
