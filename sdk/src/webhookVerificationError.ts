/** Why a delivery was refused. Answer 4xx to all of them; none is worth retrying unchanged. */
export type WebhookVerificationReason =
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or malformed. */
  | "missing_headers"
  /** `webhook-timestamp` is further in the past than the tolerance (a replay, or a slow queue). */
  | "timestamp_too_old"
  /** `webhook-timestamp` is further in the future than the tolerance (clock skew). */
  | "timestamp_too_new"
  /** No `v1` signature matches any of the secrets (tampered body, wrong secret). */
  | "bad_signature"
  /** Signed correctly, but not a version 1 OneKey event envelope. */
  | "bad_payload";

export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";

  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}
