/** @onekey/sdk: verify OneKey webhooks, read their typed events, call the tenant API. */

export type {
  ApiPath,
  ApiQuery,
  ApiRequestBody,
  ApiResponse,
  Attestation,
  AttestationStatus,
  AttestationSummary,
  Budget,
  ConsentingSubject,
  ConsentsQuery,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  Page,
  PageQuery,
  Project,
  ReplayWebhooksInput,
  RotatedWebhookSecret,
  RotateWebhookSecretInput,
  SentTestWebhook,
  SponsoredOperation,
  SubjectStatus,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookDeliveryDetail,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEventTypeName,
  WebhookSettings,
  WebhookSettingsInput,
} from "./apiTypes.js";
export type {
  AttestationCreatedData,
  AttestationExpiredData,
  AttestationRevokedData,
  BudgetFundedData,
  BudgetLowData,
  BudgetPolicySetData,
  BudgetWithdrawnData,
  ConsentData,
  EventRetractedData,
  Hex,
  KnownWebhookEvent,
  OneKeyWebhookEvent,
  OperationSponsoredData,
  ProjectCreatedData,
  ProjectRoleData,
  ProjectSettingsUpdatedData,
  ProjectStatusChangedData,
  RecordErasedData,
  UnknownWebhookEvent,
  WebhookEnvelope,
  WebhookEvent,
  WebhookEventBlock,
  WebhookEventDataMap,
  WebhookEventType,
  WebhookTestData,
} from "./events.js";
export { isKnownWebhookEvent, isWebhookEventType, WEBHOOK_EVENT_TYPES } from "./events.js";
export { OneKeyApiError } from "./oneKeyApiError.js";
export { OneKeyClient, type OneKeyClientOptions } from "./oneKeyClient.js";
export { paginate } from "./paginate.js";
export { parseWebhookEvent } from "./parseWebhookEvent.js";
export {
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
} from "./verifyWebhook.js";
export { WebhookVerificationError, type WebhookVerificationReason } from "./webhookVerificationError.js";
