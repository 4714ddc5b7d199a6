/**
 * A refused request to the tenant API, built from its one error body
 * `{"error":{"code","message","field?"}}`. Responses without that body (a proxy's 502, say) get
 * the code "unexpected_response".
 */
export class OneKeyApiError extends Error {
  override readonly name = "OneKeyApiError";

  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** Machine-readable, e.g. "invalid_request", "api_key_revoked", "scope_missing", "not_found", "rate_limited". */
    readonly code: string,
    message: string,
    /** The request field that was wrong, when one was (400). */
    readonly field?: string,
    /** `X-Request-Id` of the response: quote it when asking for help. */
    readonly requestId?: string,
    /** Seconds to wait before retrying, from `Retry-After` (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
