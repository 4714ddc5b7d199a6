/**
 * Request and response shapes of the tenant API, by name. They come from tenantApi.generated.ts,
 * which is generated from the API's OpenAPI document (scripts/sdk-types.ts): nothing here restates
 * a field. Numbers that can exceed 2^53 (ids, wei, block numbers) are decimal strings; times are
 * ISO 8601 strings.
 */
import type { WebhookEventType } from "./events.js";
import type { components, paths } from "./tenantApi.generated.js";

type Schemas = components["schemas"];

// ---------------------------------------------------------------- operations, from the document

/** A route of the tenant API, as the document names it ("/v1/project"). */
export type ApiPath = keyof paths;
type Method = "get" | "put" | "post" | "patch" | "delete";
type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : undefined;

/** The body of a route's success answer (2xx). */
export type ApiResponse<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;

/** The JSON body a route takes. */
export type ApiRequestBody<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query string a route takes. */
export type ApiQuery<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

// ---------------------------------------------------------------- pages

/** One page of a list route; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Paging of a list route; each route has its own maximum and default page size. */
export type PageQuery = ApiQuery<"/v1/subjects/{address}/attestations", "get">;

// ---------------------------------------------------------------- tenant routes (`read` scope)

/** GET /v1/project */
export type Project = Schemas["Project"];
/** GET /v1/subjects/{address} */
export type SubjectStatus = Schemas["SubjectStatus"];
export type AttestationSummary = NonNullable<Schemas["AttestationSummary"]>;
export type AttestationStatus = AttestationSummary["status"];
/** An item of GET /v1/subjects/{address}/attestations (newest first). */
export type Attestation = Schemas["Attestation"];
/** An item of GET /v1/consents (oldest change first). */
export type ConsentingSubject = Schemas["ConsentingSubject"];
/** GET /v1/budget: the project's gas budget at the paymaster. */
export type Budget = Schemas["Budget"];
/** An item of GET /v1/budget/operations (newest first). */
export type SponsoredOperation = Schemas["SponsoredOperation"];

/** GET /v1/analytics/{family}: one series per metric and dimension, per UTC hour or day. */
export type AnalyticsReport = Schemas["AnalyticsReport"];
export type AnalyticsSeries = Schemas["AnalyticsSeries"];
export type AnalyticsFamily = AnalyticsReport["family"];
/** GET /v1/analytics/{family}; `from` and `to` also take a Date. */
export type AnalyticsQuery = Omit<ApiQuery<"/v1/analytics/{family}", "get">, "from" | "to"> & {
  /** Start (inclusive, rounded down to the bucket): a Date or an ISO 8601 date or time. */
  from?: Date | string;
  /** End (exclusive, rounded up to the bucket). Default: now. */
  to?: Date | string;
};

/** GET /v1/consents; `updatedSince` also takes a Date or Unix seconds. */
export type ConsentsQuery = Omit<ApiQuery<"/v1/consents", "get">, "updatedSince"> & {
  /** Only consents changed at or after this time: a Date, Unix seconds or an ISO 8601 string. */
  updatedSince?: Date | number | string;
};

// ---------------------------------------------------------------- webhook routes (`webhooks:manage` scope)

/** An event type to subscribe to. */
export type WebhookEventTypeName = WebhookEventType;

export type WebhookEndpoint = Schemas["WebhookEndpoint"];
/** POST /v1/webhooks/endpoints */
export type CreateWebhookEndpointInput = Schemas["CreateWebhookEndpointRequest"];
export type CreatedWebhookEndpoint = Schemas["CreatedWebhookEndpoint"];
/** PATCH /v1/webhooks/endpoints/{endpointId} */
export type UpdateWebhookEndpointInput = Schemas["UpdateWebhookEndpointRequest"];
/** POST /v1/webhooks/endpoints/{endpointId}/rotate-secret; `graceSeconds` defaults to 24 h. */
export type RotateWebhookSecretInput = Partial<Schemas["RotateWebhookSecretRequest"]>;
export type RotatedWebhookSecret = Schemas["RotatedWebhookSecret"];
/** POST /v1/webhooks/endpoints/{endpointId}/test */
export type SentTestWebhook = ApiResponse<"/v1/webhooks/endpoints/{endpointId}/test", "post">;

export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookDeliveryStatus = WebhookDelivery["status"];
export type WebhookDeliveryAttempt = Schemas["WebhookAttempt"];
/** GET /v1/webhooks/deliveries/{deliveryId}: the delivery and its attempt log. */
export type WebhookDeliveryDetail = Schemas["WebhookDeliveryDetail"];
/** GET /v1/webhooks/deliveries */
export type WebhookDeliveriesQuery = ApiQuery<"/v1/webhooks/deliveries", "get">;

/** POST /v1/webhooks/replay: every event of the endpoint in [since, until]; times also as Dates. */
export type ReplayWebhooksInput = Omit<Schemas["ReplayWebhooksRequest"], "since" | "until"> & {
  since: Date | string;
  until: Date | string;
};

/** GET /v1/webhooks/settings */
export type WebhookSettings = Schemas["WebhookSettings"];
/** PUT /v1/webhooks/settings: either field, or both. */
export type WebhookSettingsInput = Schemas["WebhookSettingsRequest"];

// ---------------------------------------------------------------- admin sign-in (SIWE) and project admin routes (session)

/** POST /v1/auth/nonce: a single-use nonce, and the domain and chain the API wants signed. */
export type SiweNonce = Schemas["SiweNonce"];
/** POST /v1/auth/login: the session token and the projects the address administers now. */
export type AdminSession = Schemas["Session"];
/** GET /v1/auth/session */
export type AdminSessionInfo = Schemas["SessionInfo"];

/** A project API key as listed (never its secret). */
export type ApiKey = Schemas["ApiKey"];
export type ApiKeyScope = ApiKey["scopes"][number];
export type ApiKeyStatus = ApiKey["status"];
/** POST /v1/admin/projects/{projectId}/api-keys; `expiresAt` also as a Date. */
export type CreateApiKeyInput = Omit<Schemas["CreateApiKeyRequest"], "expiresAt"> & { expiresAt?: Date | string };
/** The created key: `key` is the secret, returned this once. */
export type CreatedApiKey = Schemas["CreatedApiKey"];
/** POST /v1/admin/projects/{projectId}/api-keys/{keyId}/rotate; `gracePeriodSeconds` defaults to 0. */
export type RotateApiKeyInput = Partial<Schemas["RotateApiKeyRequest"]>;
/** The new key (its secret, once) and the previous one, revoked now or at the end of the grace period. */
export type RotatedApiKey = Schemas["RotatedApiKey"];
/** An item of GET /v1/admin/projects/{projectId}/audit-log (newest first). */
export type AuditEntry = Schemas["AuditEntry"];
/** An item of GET /v1/admin/projects: a project the signed-in address has a role in, or whose organization it runs. */
export type ProjectMembership = Schemas["ProjectMembership"];
/** GET /v1/admin/organizations/{orgId}/statements/{month}: an organization's monthly statement (amounts are decimal strings). */
export type Statement = Schemas["Statement"];
