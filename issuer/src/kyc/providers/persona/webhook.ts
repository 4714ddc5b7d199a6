import { hexDigestsEqual, hmacHex } from "../common/hmac.js";
import { type ProviderEvent, ProviderWebhookInvalid, type ProviderWebhookRequest } from "../provider.js";
import type { PersonaConfig } from "./config.js";
import { personaWebhookEvent } from "./schemas.js";

/**
 * Persona-Signature (https://docs.withpersona.com/webhooks-best-practices#checking-signatures):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the webhook secret>`. While
 * a secret rotates, the header carries two such sets separated by a space; a delivery is genuine
 * when any v1 matches under any configured secret. The signed timestamp must be within the
 * tolerance of our clock, so a captured delivery cannot be replayed later.
 */
export function verifyPersonaWebhook(
  request: ProviderWebhookRequest,
  config: Pick<PersonaConfig, "webhookSecrets" | "webhookToleranceSeconds" | "approveOnCompleted">,
  now: number,
): ProviderEvent {
  const header = request.headers["persona-signature"];
  if (!header) throw new ProviderWebhookInvalid("persona: Persona-Signature header missing");

  let signedAt: number | undefined;
  for (const set of header.trim().split(/\s+/)) {
    const pairs = set.split(",").map((pair) => pair.trim().split("="));
    const t = pairs.find(([key]) => key === "t")?.[1];
    if (!t || !/^\d{1,12}$/.test(t)) continue;
    const candidates = pairs.filter(([key, value]) => key === "v1" && value).map(([, value]) => value as string);
    const matches = config.webhookSecrets.some((secret) => {
      const expected = hmacHex("sha256", secret, `${t}.${request.rawBody}`);
      return candidates.some((candidate) => hexDigestsEqual(expected, candidate));
    });
    if (matches) {
      signedAt = Number(t);
      break;
    }
  }
  if (signedAt === undefined) throw new ProviderWebhookInvalid("persona: no Persona-Signature matches the body");
  if (Math.abs(now - signedAt) > config.webhookToleranceSeconds) {
    throw new ProviderWebhookInvalid("persona: Persona-Signature timestamp outside the tolerance");
  }

  let json: unknown;
  try {
    json = JSON.parse(request.rawBody);
  } catch {
    throw new ProviderWebhookInvalid("persona: webhook body is not JSON");
  }
  const event = personaWebhookEvent.safeParse(json);
  if (!event.success) throw new ProviderWebhookInvalid("persona: webhook body is not a Persona event");
  const { id, attributes } = event.data.data;
  const subject = attributes.payload.data;
  const inquiryId = subject.type === "inquiry" ? subject.id : (subject.relationships?.inquiry?.data?.id ?? subject.id);
  return { applicantId: inquiryId, eventId: id, kind: kindOf(attributes.name, config.approveOnCompleted) };
}

/** Inquiry events (https://docs.withpersona.com/events) the session workflow acts on. */
function kindOf(name: string, approveOnCompleted: boolean): ProviderEvent["kind"] {
  switch (name) {
    case "inquiry.approved":
    case "inquiry.declined":
    case "inquiry.failed":
    case "inquiry.expired":
      return "decided";
    case "inquiry.completed":
      return approveOnCompleted ? "decided" : "submitted";
    case "inquiry.marked-for-review":
      return "submitted";
    default:
      return "other";
  }
}
