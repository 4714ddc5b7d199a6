/**
 * A typed client for the tenant API. One project API key (okk_...) sees only its own project:
 * the `read` scope for the tenant routes, `webhooks:manage` for the webhook routes.
 */
import type {
  Attestation,
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
  SponsoredOperation,
  Sponsorship,
  SubjectStatus,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookSettings,
} from "./apiTypes.js";
import { OneKeyApiError } from "./oneKeyApiError.js";
import { paginate } from "./paginate.js";

export interface OneKeyClientOptions {
  /** The API's origin, with a path prefix if it is mounted under one: "https://api.example.com". */
  baseUrl: string;
  /** A project API key (okk_...). Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** A fetch implementation (tests, proxies, retries). Default: the global fetch. */
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
}

const segment = (value: string) => encodeURIComponent(value);
const isoTime = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

export class OneKeyClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: OneKeyClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`OneKeyClient: baseUrl is not a URL: ${options.baseUrl}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError("OneKeyClient: baseUrl must be http(s)");
    }
    if (!options.apiKey) throw new TypeError("OneKeyClient: apiKey is required");
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new TypeError("OneKeyClient: no fetch available; pass options.fetch");
    this.#fetch = f;
  }

  // ---------------------------------------------------------------- tenant (`read`)

  /** This key's project: settings, status, number of consenting subjects. */
  getProject(): Promise<Project> {
    return this.#request({ method: "GET", path: "/v1/project" });
  }

  /** A subject's status for this project: verified, level, expiry, consent, policy. */
  getSubject(address: string): Promise<SubjectStatus> {
    return this.#request({ method: "GET", path: `/v1/subjects/${segment(address)}` });
  }

  /** A consenting subject's attestation history, newest first (404 unless it consents now). */
  listAttestations(address: string, query: PageQuery = {}): Promise<Page<Attestation>> {
    return this.#request({ method: "GET", path: `/v1/subjects/${segment(address)}/attestations`, query: page(query) });
  }

  iterateAttestations(address: string, query: Omit<PageQuery, "cursor"> = {}): AsyncGenerator<Attestation> {
    return paginate((cursor) => this.listAttestations(address, { ...query, cursor }));
  }

  /** Subjects consenting to this project (by default the active ones), oldest change first. */
  listConsents(query: ConsentsQuery = {}): Promise<Page<ConsentingSubject>> {
    const since = query.updatedSince;
    return this.#request({
      method: "GET",
      path: "/v1/consents",
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

  /** This project's gas sponsorship budget: balance, totals, policy. */
  getSponsorship(): Promise<Sponsorship> {
    return this.#request({ method: "GET", path: "/v1/sponsorship" });
  }

  /** User operations this project sponsored, newest first. */
  listSponsoredOperations(query: PageQuery = {}): Promise<Page<SponsoredOperation>> {
    return this.#request({ method: "GET", path: "/v1/sponsorship/operations", query: page(query) });
  }

  iterateSponsoredOperations(query: Omit<PageQuery, "cursor"> = {}): AsyncGenerator<SponsoredOperation> {
    return paginate((cursor) => this.listSponsoredOperations({ ...query, cursor }));
  }

  // ---------------------------------------------------------------- webhooks (`webhooks:manage`)

  /** Registers an endpoint; the response holds its signing secret, shown only this once. */
  createWebhookEndpoint(input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    return this.#request({ method: "POST", path: "/v1/webhooks/endpoints", body: input });
  }

  async listWebhookEndpoints(): Promise<WebhookEndpoint[]> {
    const { data } = await this.#request<{ data: WebhookEndpoint[] }>({
      method: "GET",
      path: "/v1/webhooks/endpoints",
    });
    return data;
  }

  getWebhookEndpoint(endpointId: string): Promise<WebhookEndpoint> {
    return this.#request({ method: "GET", path: `/v1/webhooks/endpoints/${segment(endpointId)}` });
  }

  updateWebhookEndpoint(endpointId: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    return this.#request({ method: "PATCH", path: `/v1/webhooks/endpoints/${segment(endpointId)}`, body: input });
  }

  async deleteWebhookEndpoint(endpointId: string): Promise<void> {
    await this.#request({ method: "DELETE", path: `/v1/webhooks/endpoints/${segment(endpointId)}` });
  }

  /** A new secret; the previous one keeps signing too (both signatures) until `previousSecretExpiresAt`. */
  rotateWebhookSecret(endpointId: string, input: RotateWebhookSecretInput = {}): Promise<RotatedWebhookSecret> {
    return this.#request({
      method: "POST",
      path: `/v1/webhooks/endpoints/${segment(endpointId)}/rotate-secret`,
      body: input,
    });
  }

  /** Queues a `webhook.test` event to the endpoint. */
  sendTestWebhook(endpointId: string): Promise<{ eventId: string }> {
    return this.#request({ method: "POST", path: `/v1/webhooks/endpoints/${segment(endpointId)}/test` });
  }

  listWebhookDeliveries(query: WebhookDeliveriesQuery = {}): Promise<Page<WebhookDelivery>> {
    return this.#request({
      method: "GET",
      path: "/v1/webhooks/deliveries",
      query: { endpointId: query.endpointId, status: query.status, ...page(query) },
    });
  }

  iterateWebhookDeliveries(query: Omit<WebhookDeliveriesQuery, "cursor"> = {}): AsyncGenerator<WebhookDelivery> {
    return paginate((cursor) => this.listWebhookDeliveries({ ...query, cursor }));
  }

  /** One delivery with its attempt log (status code, latency, error per attempt). */
  getWebhookDelivery(deliveryId: string): Promise<WebhookDeliveryDetail> {
    return this.#request({ method: "GET", path: `/v1/webhooks/deliveries/${segment(deliveryId)}` });
  }

  /** Sends the delivery's event again (same webhook-id: receivers deduplicate it). */
  replayWebhookDelivery(deliveryId: string): Promise<{ deliveryId: string }> {
    return this.#request({ method: "POST", path: `/v1/webhooks/deliveries/${segment(deliveryId)}/replay` });
  }

  /** Sends again every event of the endpoint between `since` and `until`. */
  replayWebhooks(input: ReplayWebhooksInput): Promise<{ replayed: number }> {
    return this.#request({
      method: "POST",
      path: "/v1/webhooks/replay",
      body: { endpointId: input.endpointId, since: isoTime(input.since), until: isoTime(input.until) },
    });
  }

  getWebhookSettings(): Promise<WebhookSettings> {
    return this.#request({ method: "GET", path: "/v1/webhooks/settings" });
  }

  updateWebhookSettings(settings: WebhookSettings): Promise<WebhookSettings> {
    return this.#request({ method: "PUT", path: "/v1/webhooks/settings", body: settings });
  }

  // ---------------------------------------------------------------- transport

  async #request<T>(spec: RequestSpec): Promise<T> {
    const url = new URL(`${this.#baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#apiKey}`, Accept: "application/json" };
    if (spec.body !== undefined) headers["Content-Type"] = "application/json";
    // Called unbound: browsers refuse a fetch whose `this` is not the global object.
    const fetchImpl = this.#fetch;
    const response = await fetchImpl(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    });
    const text = await response.text();
    const requestId = response.headers.get("x-request-id") ?? undefined;
    let json: unknown;
    let parsed = text.length > 0;
    if (parsed) {
      try {
        json = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }
    if (!response.ok) throw apiError(response, parsed ? json : undefined, requestId);
    if (text.length === 0) return undefined as T;
    if (!parsed) {
      throw new OneKeyApiError(
        response.status,
        "unexpected_response",
        "The response is not JSON",
        undefined,
        requestId,
      );
    }
    return json as T;
  }
}

function page(query: PageQuery): Query {
  return { cursor: query.cursor, limit: query.limit };
}

function apiError(response: Response, body: unknown, requestId: string | undefined): OneKeyApiError {
  const retryHeader = response.headers.get("retry-after");
  const retryAfter = retryHeader !== null && /^[0-9]+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  const error = (body as { error?: unknown } | undefined)?.error as
    | { code?: unknown; message?: unknown; field?: unknown }
    | undefined;
  if (error && typeof error.code === "string" && typeof error.message === "string") {
    const field = typeof error.field === "string" ? error.field : undefined;
    return new OneKeyApiError(response.status, error.code, error.message, field, requestId, retryAfter);
  }
  const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return new OneKeyApiError(response.status, "unexpected_response", message, undefined, requestId, retryAfter);
}
