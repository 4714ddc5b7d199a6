/**
 * A typed client for the tenant API. One project API key (okk_...) sees only its own project:
 * the `read` scope for the tenant routes, `webhooks:manage` for the webhook routes.
 */
import type {
  AnalyticsFamily,
  AnalyticsQuery,
  AnalyticsReport,
  ApiPath,
  ApiRequestBody,
  ApiResponse,
  Attestation,
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
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookSettings,
  WebhookSettingsInput,
} from "./apiTypes.js";
import { paginate } from "./paginate.js";
import { ApiTransport, type Call, type Method, type Query } from "./transport.js";

export interface OneKeyClientOptions {
  /** The API's origin, with a path prefix if it is mounted under one: "https://api.example.com". */
  baseUrl: string;
  /** A project API key (okk_...). Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** A fetch implementation (tests, proxies, retries). Default: the global fetch. */
  fetch?: typeof fetch;
}

const isoTime = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

export class OneKeyClient {
  readonly #transport: ApiTransport;
  readonly #apiKey: string;

  constructor(options: OneKeyClientOptions) {
    this.#transport = new ApiTransport(options, "OneKeyClient");
    if (!options.apiKey) throw new TypeError("OneKeyClient: apiKey is required");
    this.#apiKey = options.apiKey;
  }

  // ---------------------------------------------------------------- tenant (`read`)

  /** This key's project: settings, status, number of consenting subjects. */
  getProject(): Promise<Project> {
    return this.#call("get", "/v1/project");
  }

  /** A subject's status for this project: verified, level, expiry, consent, policy. */
  getSubject(address: string): Promise<SubjectStatus> {
    return this.#call("get", "/v1/subjects/{address}", { params: { address } });
  }

  /** A consenting subject's attestation history, newest first (404 unless it consents now). */
  listAttestations(address: string, query: PageQuery = {}): Promise<Page<Attestation>> {
    return this.#call("get", "/v1/subjects/{address}/attestations", { params: { address }, query: page(query) });
  }

  iterateAttestations(address: string, query: Omit<PageQuery, "cursor"> = {}): AsyncGenerator<Attestation> {
    return paginate((cursor) => this.listAttestations(address, { ...query, cursor }));
  }

  /** Subjects consenting to this project (by default the active ones), oldest change first. */
  listConsents(query: ConsentsQuery = {}): Promise<Page<ConsentingSubject>> {
    const since = query.updatedSince;
    return this.#call("get", "/v1/consents", {
      query: {
        ...page(query),
        minLevel: query.minLevel,
        status: query.status,
        updatedSince: since instanceof Date ? since.toISOString() : since,
      },
    });
  }

  iterateConsents(query: Omit<ConsentsQuery, "cursor"> = {}): AsyncGenerator<ConsentingSubject> {
    return paginate((cursor) => this.listConsents({ ...query, cursor }));
  }

  /** This project's budget at the paymaster: balance, totals, spending policy. */
  getBudget(): Promise<Budget> {
    return this.#call("get", "/v1/budget");
  }

  /** User operations this project sponsored, newest first. */
  listSponsoredOperations(query: PageQuery = {}): Promise<Page<SponsoredOperation>> {
    return this.#call("get", "/v1/budget/operations", { query: page(query) });
  }

  iterateSponsoredOperations(query: Omit<PageQuery, "cursor"> = {}): AsyncGenerator<SponsoredOperation> {
    return paginate((cursor) => this.listSponsoredOperations({ ...query, cursor }));
  }

  /**
   * This project's analytics: `usage` (verifications, attestations, consents, API calls, webhook
   * deliveries, records opened), `cost` (gas in wei and priced, provider fees) or `performance`
   * (latency p50/p95/p99, verify-flow completion), per UTC day (default, 30 days) or hour (48 hours).
   */
  getAnalytics(family: AnalyticsFamily, query: AnalyticsQuery = {}): Promise<AnalyticsReport> {
    return this.#call("get", "/v1/analytics/{family}", {
      params: { family },
      query: {
        granularity: query.granularity,
        from: query.from === undefined ? undefined : isoTime(query.from),
        to: query.to === undefined ? undefined : isoTime(query.to),
      },
    });
  }

  // ---------------------------------------------------------------- webhooks (`webhooks:manage`)

  /** Registers an endpoint; the response holds its signing secret, shown only this once. */
  createWebhookEndpoint(input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    return this.#call("post", "/v1/webhooks/endpoints", { body: input });
  }

  async listWebhookEndpoints(): Promise<WebhookEndpoint[]> {
    const { data } = await this.#call("get", "/v1/webhooks/endpoints");
    return data;
  }

  getWebhookEndpoint(endpointId: string): Promise<WebhookEndpoint> {
    return this.#call("get", "/v1/webhooks/endpoints/{endpointId}", { params: { endpointId } });
  }

  updateWebhookEndpoint(endpointId: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    return this.#call("patch", "/v1/webhooks/endpoints/{endpointId}", { params: { endpointId }, body: input });
  }

  async deleteWebhookEndpoint(endpointId: string): Promise<void> {
    await this.#call("delete", "/v1/webhooks/endpoints/{endpointId}", { params: { endpointId } });
  }

  /** A new secret; the previous one keeps signing too (both signatures) until `previousSecretExpiresAt`. */
  rotateWebhookSecret(endpointId: string, input: RotateWebhookSecretInput = {}): Promise<RotatedWebhookSecret> {
    return this.#call("post", "/v1/webhooks/endpoints/{endpointId}/rotate-secret", {
      params: { endpointId },
      body: input as ApiRequestBody<"/v1/webhooks/endpoints/{endpointId}/rotate-secret", "post">,
    });
  }

  /** Queues a `webhook.test` event to the endpoint. */
  sendTestWebhook(endpointId: string): Promise<SentTestWebhook> {
    return this.#call("post", "/v1/webhooks/endpoints/{endpointId}/test", { params: { endpointId } });
  }

  listWebhookDeliveries(query: WebhookDeliveriesQuery = {}): Promise<Page<WebhookDelivery>> {
    return this.#call("get", "/v1/webhooks/deliveries", {
      query: { endpointId: query.endpointId, status: query.status, ...page(query) },
    });
  }

  iterateWebhookDeliveries(query: Omit<WebhookDeliveriesQuery, "cursor"> = {}): AsyncGenerator<WebhookDelivery> {
    return paginate((cursor) => this.listWebhookDeliveries({ ...query, cursor }));
  }

  /** One delivery with its attempt log (status code, latency, error per attempt). */
  getWebhookDelivery(deliveryId: string): Promise<WebhookDeliveryDetail> {
    return this.#call("get", "/v1/webhooks/deliveries/{deliveryId}", { params: { deliveryId } });
  }

  /** Sends the delivery's event again (same webhook-id: receivers deduplicate it). */
  replayWebhookDelivery(deliveryId: string): Promise<{ deliveryId: string }> {
    return this.#call("post", "/v1/webhooks/deliveries/{deliveryId}/replay", { params: { deliveryId } });
  }

  /** Sends again every event of the endpoint between `since` and `until`. */
  replayWebhooks(input: ReplayWebhooksInput): Promise<{ replayed: number }> {
    return this.#call("post", "/v1/webhooks/replay", {
      body: { endpointId: input.endpointId, since: isoTime(input.since), until: isoTime(input.until) },
    });
  }

  getWebhookSettings(): Promise<WebhookSettings> {
    return this.#call("get", "/v1/webhooks/settings");
  }

  /** Sets the confirmation policy, the budget.low threshold, or both. */
  updateWebhookSettings(settings: WebhookSettingsInput): Promise<WebhookSettings> {
    return this.#call("put", "/v1/webhooks/settings", { body: settings });
  }

  // ---------------------------------------------------------------- transport

  #call<P extends ApiPath, M extends Method>(method: M, path: P, spec: Call<P, M> = {}): Promise<ApiResponse<P, M>> {
    return this.#transport.call(this.#apiKey, method, path, spec);
  }
}

function page(query: PageQuery): Query {
  return { cursor: query.cursor, limit: query.limit };
}
