/** Bearer secrets: random, prefixed by kind, stored only as their sha256. */
import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "okk_";
export const SESSION_PREFIX = "oks_";

/** A new secret of `kind` (32 random bytes, base64url). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Short random id for rows that are named in URLs (API keys). */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(9).toString("base64url")}`;
}

/** Whether `value` has the shape of a secret of this kind (cheap check before any lookup). */
export function looksLike(prefix: string, value: string): boolean {
  return value.length === prefix.length + 43 && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value);
}
