import { createHash } from "node:crypto";
import { type HmacAlgorithm, hexDigestsEqual, hmacHex } from "../common/hmac.js";
import { type ProviderEvent, ProviderWebhookInvalid, type ProviderWebhookRequest } from "../provider.js";
import { sumsubWebhookBody } from "./schemas.js";

/**
 * Sumsub signs each webhook with the webhook's secret key: `x-payload-digest` is the hex HMAC of the
 * raw body, with the algorithm named in `x-payload-digest-alg`
 * (https://docs.sumsub.com/docs/webhook-manager#verify-webhook-sender). The dashboard offers
 * SHA256 (default) and SHA512; the legacy HMAC_SHA1_HEX is refused, and so is a missing algorithm,
 * so a sender cannot pick a weaker one for us. Sumsub puts no timestamp in the headers (the body's
 * createdAtMs is covered by the digest); replays are harmless because the issuer fetches the
 * decision itself and processes each eventId once.
 */
const ALGORITHMS: Record<string, HmacAlgorithm> = {
  HMAC_SHA256_HEX: "sha256",
  HMAC_SHA512_HEX: "sha512",
};

/** Webhook types (https://docs.sumsub.com/docs/user-verification-webhooks) the session workflow acts on. */
const KINDS: Record<string, ProviderEvent["kind"]> = {
  applicantPending: "submitted",
  applicantReviewed: "decided",
};

export function verifySumsubWebhook(request: ProviderWebhookRequest, webhookSecret: string): ProviderEvent {
  const digest = request.headers["x-payload-digest"];
  const algName = request.headers["x-payload-digest-alg"];
  if (!digest) throw new ProviderWebhookInvalid("sumsub: x-payload-digest header missing");
  const algorithm = algName === undefined ? undefined : ALGORITHMS[algName];
  if (!algorithm) throw new ProviderWebhookInvalid("sumsub: x-payload-digest-alg missing or not accepted");
  if (!hexDigestsEqual(hmacHex(algorithm, webhookSecret, request.rawBody), digest)) {
    throw new ProviderWebhookInvalid("sumsub: x-payload-digest does not match the body");
  }

  let json: unknown;
  try {
    json = JSON.parse(request.rawBody);
  } catch {
    throw new ProviderWebhookInvalid("sumsub: webhook body is not JSON");
  }
  const body = sumsubWebhookBody.safeParse(json);
  if (!body.success) throw new ProviderWebhookInvalid("sumsub: webhook body lacks applicantId or type");
  const { applicantId, type, correlationId } = body.data;
  // Sumsub gives no delivery id; its correlationId (or else the body itself) is stable across resends.
  const delivery = correlationId ?? createHash("sha256").update(request.rawBody).digest("hex");
  return { applicantId, eventId: `${type}:${delivery}`, kind: KINDS[type] ?? "other" };
}
