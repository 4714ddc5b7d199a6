/**
 * The tenant API's one client of the issuer's internal operator routes
 * (issuer/src/kyc/operator-routes.ts): ONEKEY_API_ISSUER_URL, the token
 * ONEKEY_API_ISSUER_OPERATOR_TOKEN in the Authorization header only (never in a URL or a log), a
 * timeout, and a failure reduced to a short reason the audit trail can keep.
 */
import { ApiError } from "../http/errors.js";

const ISSUER_TIMEOUT_MS = 10_000;

export interface IssuerOperator {
  url: string;
  token: string;
}

export type IssuerAnswer =
  | { ok: true; status: number; body: unknown }
  /** `reason`: issuer_unreachable, or issuer_<status>[_<its code>]. */
  | { ok: false; status?: number; code?: string; reason: string };

/** The configured issuer, or (after `audit` records why) 503 issuer_not_configured. */
export async function issuerOrFail(
  issuer: IssuerOperator | undefined,
  audit: (detail: { reason: string }) => Promise<unknown>,
  what: string,
): Promise<IssuerOperator> {
  if (issuer) return issuer;
  await audit({ reason: "issuer_not_configured" });
  throw new ApiError(503, "issuer_not_configured", `This API has no issuer to send ${what} to`);
}

/**
 * Calls `path` (built by the caller from checked values only) on the issuer. Any 2xx is `ok`;
 * anything else, or no answer, is a reason.
 */
export async function askIssuer(
  issuer: IssuerOperator,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
): Promise<IssuerAnswer> {
  try {
    const res = await fetch(`${issuer.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${issuer.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ISSUER_TIMEOUT_MS),
    });
    const parsed = (await res.json().catch(() => undefined)) as { code?: unknown } | undefined;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: parsed };
    // The issuer's code only when it looks like one: the trail keeps what we can vouch for.
    const code = typeof parsed?.code === "string" && /^[a-z_]{1,60}$/.test(parsed.code) ? parsed.code : undefined;
    return { ok: false, status: res.status, code, reason: `issuer_${res.status}${code ? `_${code}` : ""}` };
  } catch {
    // The error may name the issuer's URL: the reason says only that it did not answer.
    return { ok: false, reason: "issuer_unreachable" };
  }
}

/** The operator's retryable answer when the issuer did not take a request. */
export const issuerUnavailable = (message: string) =>
  new ApiError(503, "issuer_unavailable", message, undefined, { "Retry-After": "30" });
