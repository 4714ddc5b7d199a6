import { hmacHex } from "../common/hmac.js";

/**
 * X-App-Access-Sig (https://docs.sumsub.com/reference/authentication#sign-requests): lower-case hex
 * HMAC-SHA256, keyed with the app token's secret key, of the timestamp (the X-App-Access-Ts value,
 * Unix seconds), the upper-case method, the path with its query string, and the body bytes (empty
 * when there is none), concatenated without separators.
 */
export function sumsubSignature(
  secretKey: string,
  ts: string,
  method: string,
  pathWithQuery: string,
  body = "",
): string {
  return hmacHex("sha256", secretKey, `${ts}${method.toUpperCase()}${pathWithQuery}${body}`);
}
