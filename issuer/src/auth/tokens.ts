/** Bearer tokens of signed-in subjects: random, prefixed, stored only as their sha256. */
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "oki_";

export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Whether `value` has a token's shape (a cheap check before any lookup). */
export function looksLikeToken(value: string): boolean {
  return value.length === TOKEN_PREFIX.length + 43 && value.startsWith(TOKEN_PREFIX) && /^[A-Za-z0-9_-]+$/.test(value);
}
