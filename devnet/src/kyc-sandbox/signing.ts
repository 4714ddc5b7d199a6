/**
 * The sandbox's request and webhook signatures, shaped like Sumsub's (the algorithms a real
 * provider documents, so the issuer's adapter does what it would do against one):
 *
 *  - requests: `X-App-Token`, `X-App-Access-Ts` (unix seconds) and `X-App-Access-Sig` =
 *    hex(HMAC-SHA256(secretKey, ts + METHOD + path?query + body));
 *  - webhooks: `X-Payload-Digest` = hex(HMAC-SHA256(webhookSecret, rawBody)) with
 *    `X-Payload-Digest-Alg: HMAC_SHA256_HEX`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const REQUEST_SKEW_SECONDS = 300;

export function requestSignature(secretKey: string, ts: string, method: string, pathWithQuery: string, body: string) {
  return createHmac("sha256", secretKey).update(`${ts}${method.toUpperCase()}${pathWithQuery}${body}`).digest("hex");
}

export function payloadDigest(webhookSecret: string, rawBody: string): string {
  return createHmac("sha256", webhookSecret).update(rawBody).digest("hex");
}

/** Constant-time comparison of two hex strings (false on any length or format mismatch). */
export function sameHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]+$/i.test(a) || !/^[0-9a-f]+$/i.test(b) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}
