/**
 * Endpoint signing secrets. Standard Webhooks secrets are `whsec_` + base64 of 32 random bytes.
 * The worker must sign with them, so they cannot be hashed like API keys: they are kept
 * encrypted (AES-256-GCM) under ONEKEY_WEBHOOK_ENCRYPTION_KEY, which lives only in the
 * environment of the API and the worker.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export const SECRET_PREFIX = "whsec_";

export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** Parses the 32-byte key from hex (64 digits) or base64; throws a message naming the variable. */
export function parseEncryptionKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (key.length !== 32) {
    throw new Error("ONEKEY_WEBHOOK_ENCRYPTION_KEY must be 32 bytes, as 64 hex digits or base64");
  }
  return key;
}

/** `v1.<iv>.<ciphertext+tag>` (base64url), bound to the endpoint id so rows cannot swap secrets. */
export function sealSecret(key: Buffer, endpointId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(endpointId));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

export function openSecret(key: Buffer, endpointId: string, sealed: string): string {
  const [version, iv, body] = sealed.split(".");
  if (version !== "v1" || !iv || !body) throw new Error(`Endpoint ${endpointId}: unreadable secret format`);
  const bytes = Buffer.from(body, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}
