import { createHash } from "node:crypto";
import { hexDigestsEqual, hmacHex } from "../common/hmac.js";
import { type ProviderEvent, ProviderWebhookInvalid, type ProviderWebhookRequest } from "../provider.js";
import { onfidoWebhookEvent } from "./schemas.js";

/**
 * X-SHA2-Signature: the hex HMAC-SHA256 of the raw body keyed with the webhook's token (Onfido's
 * client libraries' WebhookEventVerifier; https://documentation.identity.entrust.com/api/latest#webhooks).
 * Onfido signs no timestamp; replays are harmless because the issuer fetches the decision itself
 * and processes each eventId once.
 */
export function verifyOnfidoWebhook(request: ProviderWebhookRequest, webhookToken: string): ProviderEvent {
  const signature = request.headers["x-sha2-signature"];
  if (!signature) throw new ProviderWebhookInvalid("onfido: X-SHA2-Signature header missing");
  if (!hexDigestsEqual(hmacHex("sha256", webhookToken, request.rawBody), signature)) {
    throw new ProviderWebhookInvalid("onfido: X-SHA2-Signature does not match the body");
  }

  let json: unknown;
  try {
    json = JSON.parse(request.rawBody);
  } catch {
    throw new ProviderWebhookInvalid("onfido: webhook body is not JSON");
  }
  const event = onfidoWebhookEvent.safeParse(json);
  if (!event.success) throw new ProviderWebhookInvalid("onfido: webhook body is not an Onfido event");
  const { resource_type, action, object, resource } = event.data.payload;
  const runId = resource_type === "workflow_run" ? object.id : (resource?.workflow_run_id ?? object.id);
  // Onfido gives no delivery id: the action, the object and its completion time identify the event.
  const at = object.completed_at_iso8601 ?? createHash("sha256").update(request.rawBody).digest("hex");
  return {
    applicantId: runId,
    eventId: `${action}:${object.id}:${at}`,
    kind: action === "workflow_run.completed" ? "decided" : "other",
  };
}
