import { createHmac, timingSafeEqual } from "node:crypto";

export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

/** Lower-case hex HMAC of the UTF-8 bytes of `data`. */
export function hmacHex(algorithm: HmacAlgorithm, key: string, data: string): string {
  return createHmac(algorithm, key).update(data, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (case-insensitive; a length mismatch is false). */
export function hexDigestsEqual(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), "utf8");
  const b = Buffer.from(candidate.trim().toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
