/**
 * Shared-secret bearer tokens (the operators' routes, /metrics): compared as SHA-256 digests in
 * constant time, so neither the token's length nor its first wrong byte shows in the answer time.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** A check for `token`: whether an Authorization header presents it as `Bearer <token>`. */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => timingSafeEqual(digest(authorization?.replace(/^Bearer\s+/i, "") ?? ""), expected);
}
