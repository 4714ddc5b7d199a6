/**
 * Verifies a Standard Webhooks delivery (https://www.standardwebhooks.com): the `v1` HMAC-SHA256
 * signature over `${webhook-id}.${webhook-timestamp}.${body}` with a `whsec_` secret. The HMAC
 * comes from the reference library (`standardwebhooks`); this module adds several secrets (rotation),
 * a configurable tolerance, typed failure reasons and the envelope check.
 */
import { Webhook } from "standardwebhooks";
import type { OneKeyWebhookEvent } from "./events.js";
import { parseWebhookEvent } from "./parseWebhookEvent.js";
import { WebhookVerificationError } from "./webhookVerificationError.js";

/**
 * Request headers as frameworks hand them over: a fetch `Headers` (Hono, Next.js, Workers), Node's
 * `IncomingHttpHeaders` (node:http, Express, Fastify) or any plain object. Names are matched
 * case-insensitively.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, either way, in seconds. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The current time (tests, or a trusted clock). Default: the system clock. */
  now?: Date;
}

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name)?.trim() || undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === "string") return value.trim() || undefined;
    // Repeated headers: signatures are a list anyway; a repeated id or timestamp is ambiguous.
    if (Array.isArray(value)) {
      if (name === "webhook-signature") return value.join(" ").trim() || undefined;
      return value.length === 1 ? value[0]?.trim() || undefined : undefined;
    }
  }
  return undefined;
}

/** Compares two strings in time that depends only on their length. */
function equalConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function signers(secrets: string | readonly string[]): Webhook[] {
  const list = typeof secrets === "string" ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError("verifyWebhook: pass at least one secret");
  return list.map((secret, i) => {
    try {
      return new Webhook(secret);
    } catch {
      // A configuration mistake, not a bad delivery: not a WebhookVerificationError, so a receiver
      // answers 5xx and the delivery is retried once the secret is fixed.
      throw new TypeError(`verifyWebhook: secret ${i} is not a whsec_ base64 secret`);
    }
  });
}

/**
 * Verifies a delivery and returns its event. `payload` must be the raw request body, byte for byte
 * (not re-serialised JSON). `secrets` may hold the current and the previous secret during a
 * rotation: the delivery passes if any `v1` signature matches any secret.
 *
 * Throws `WebhookVerificationError` (answer 4xx) with a `reason`; throws `TypeError` for a malformed
 * secret or option (a configuration error: answer 5xx).
 */
export function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): OneKeyWebhookEvent {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError("verifyWebhook: toleranceSeconds must be a number >= 0");
  }
  const webhooks = signers(secrets);
  const body = typeof payload === "string" ? payload : new TextDecoder().decode(payload);

  const id = header(headers, "webhook-id");
  const timestampHeader = header(headers, "webhook-timestamp");
  const signatureHeader = header(headers, "webhook-signature");
  if (!id || !timestampHeader || !signatureHeader) {
    const missing = [
      !id && "webhook-id",
      !timestampHeader && "webhook-timestamp",
      !signatureHeader && "webhook-signature",
    ];
    throw new WebhookVerificationError("missing_headers", `Missing ${missing.filter(Boolean).join(", ")}`);
  }
  if (!/^[0-9]{1,12}$/.test(timestampHeader)) {
    throw new WebhookVerificationError("missing_headers", "webhook-timestamp is not Unix seconds");
  }

  const timestamp = Number(timestampHeader);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (now - timestamp > tolerance) {
    throw new WebhookVerificationError("timestamp_too_old", `webhook-timestamp is ${now - timestamp} s old`);
  }
  if (timestamp - now > tolerance) {
    throw new WebhookVerificationError("timestamp_too_new", `webhook-timestamp is ${timestamp - now} s in the future`);
  }

  // "v1,<base64>" entries separated by spaces; anything else (other versions) is ignored.
  const presented = signatureHeader
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, ""))
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => entry.slice(3));
  const signedAt = new Date(timestamp * 1000);
  const matched = webhooks.some((webhook) => {
    const expected = webhook.sign(id, signedAt, body).slice(3);
    return presented.some((signature) => equalConstantTime(signature, expected));
  });
  if (!matched) {
    throw new WebhookVerificationError("bad_signature", "No v1 signature matches the secret(s)");
  }

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError("bad_payload", "The body is not JSON");
  }
  const event = parseWebhookEvent(value);
  if (event.id !== id) {
    throw new WebhookVerificationError("bad_payload", `The event id ${event.id} differs from webhook-id ${id}`);
  }
  return event;
}
