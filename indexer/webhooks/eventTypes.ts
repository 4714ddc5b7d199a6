/**
 * What each webhook event type means, for people: one line, and the name of the `@onekey/sdk`
 * type of its `data`. The list of types is the catalogue's (catalogue.ts, the SDK's
 * WEBHOOK_EVENT_TYPES); this only describes them, and the compiler refuses a type left out.
 * `GET /v1/webhooks/event-types` serves it.
 */
import { DERIVED_EVENT_TYPES, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./catalogue.js";

export interface EventTypeInfo {
  type: WebhookEventType;
  /** One sentence: what happened, and which projects hear of it. */
  description: string;
  /** The SDK's type of the event's `data` (sdk/src/events.ts). */
  dataSchema: string;
  /** `chain`: a Ponder handler writes it from an indexed event; `derived`: the worker makes it. */
  source: "chain" | "derived";
}

type Described = Omit<EventTypeInfo, "type" | "source">;

// Typed by the catalogue: the compiler refuses a type left out, and an entry for no type.
const DESCRIBED: Record<WebhookEventType, Described> = {
  "attestation.created": {
    description: "An issuer attested a subject's verification; sent to every project the subject consents to.",
    dataSchema: "AttestationCreatedData",
  },
  "attestation.revoked": {
    description: "An attestation was revoked; sent to every project the subject consents to.",
    dataSchema: "AttestationRevokedData",
  },
  "attestation.expired": {
    description: "Chain time passed an attestation's expiry; sent to every project the subject consents to.",
    dataSchema: "AttestationExpiredData",
  },
  "record.erased": {
    description: "A subject erased their record; sent to every project they consented to, whose consents end with it.",
    dataSchema: "RecordErasedData",
  },
  "consent.granted": {
    description: "A subject consented to share their verification with the project.",
    dataSchema: "ConsentData",
  },
  "consent.revoked": { description: "A subject withdrew their consent to the project.", dataSchema: "ConsentData" },
  "project.created": { description: "The project was created.", dataSchema: "ProjectCreatedData" },
  "project.settings_updated": {
    description: "The project's required level, accepted issuers or metadata changed.",
    dataSchema: "ProjectSettingsUpdatedData",
  },
  "project.status_changed": {
    description: "The project was suspended or reactivated.",
    dataSchema: "ProjectStatusChangedData",
  },
  "project.role_granted": {
    description: "An account now holds a role on the project (granted, or an offer accepted).",
    dataSchema: "ProjectRoleData",
  },
  "project.role_revoked": {
    description: "An account lost a role on the project, or a pending offer was declined or withdrawn.",
    dataSchema: "ProjectRoleData",
  },
  "project.role_offered": {
    description: "A role was offered to an account; it holds it once it accepts.",
    dataSchema: "ProjectRoleOfferedData",
  },
  "organization.roles_revoked": {
    description: "Every role and offer an account held on the organization's projects was revoked at once.",
    dataSchema: "OrganizationRolesRevokedData",
  },
  "budget.funded": {
    description: "Wei was added to the project's sponsorship budget.",
    dataSchema: "BudgetFundedData",
  },
  "budget.withdrawn": {
    description: "Wei was withdrawn from the project's sponsorship budget.",
    dataSchema: "BudgetWithdrawnData",
  },
  "budget.policy_set": {
    description: "The limits on how the project's budget is spent changed.",
    dataSchema: "BudgetPolicySetData",
  },
  "budget.low": {
    description: "A charge or withdrawal took the project's budget below its budget.low threshold.",
    dataSchema: "BudgetLowData",
  },
  "operation.sponsored": {
    description: "The paymaster paid for a user operation from the project's budget.",
    dataSchema: "OperationSponsoredData",
  },
  "event.retracted": {
    description: "A reorg removed an event that had been delivered before its block was final.",
    dataSchema: "EventRetractedData",
  },
  "webhook.test": {
    description: "A test event, sent on request to the endpoint tested.",
    dataSchema: "WebhookTestData",
  },
  "security.alert": {
    description: "A detection rule fired for the project (once per incident); the runbook says what to do.",
    dataSchema: "SecurityAlertData",
  },
};

const DERIVED = new Set<string>(DERIVED_EVENT_TYPES);

/** Every event type of the catalogue, in its order, described. */
export const EVENT_TYPE_CATALOGUE: readonly EventTypeInfo[] = WEBHOOK_EVENT_TYPES.map((type) => ({
  type,
  ...DESCRIBED[type],
  source: DERIVED.has(type) ? "derived" : "chain",
}));
