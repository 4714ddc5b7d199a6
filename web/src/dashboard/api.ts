/**
 * The dashboard's client of the tenant API: a small typed fetch over the routes it uses. The
 * session token travels in the Authorization header only (never in a URL); every refusal becomes
 * a DashboardApiError with the API's code, message and field, and an unreachable API a
 * NetworkError, so the error table can say what to do next.
 */
import { NetworkError } from "../clients/issuer/issuer-client.js";

export type Scope = "read" | "webhooks:manage";
export type RoleName = "admin" | "reader" | "sponsor_manager";

export interface SiweNonce {
  nonce: string;
  expiresAt: string;
  domain: string;
  chainId: number;
}

export interface SessionInfo {
  address: string;
  expiresAt: string;
  projects: string[];
}

export interface LoginResult extends SessionInfo {
  token: string;
}

export interface ProjectMembership {
  projectId: string;
  orgId: string;
  slug: string;
  status: "active" | "suspended" | "none";
  requiredLevel: number;
  roles: RoleName[];
  offeredRoles: RoleName[];
  organizationRole: "owner" | "admin" | null;
  administers: boolean;
}

export interface ApiKey {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  status: "active" | "expired" | "revoked";
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  rotatedFrom: string | null;
  /** When the key was last accepted, to the minute. */
  lastUsedAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  result: "ok" | "denied" | "failed";
  detail: Record<string, unknown>;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  rateLimitPerSecond: number;
  /** Until when the previous secret also signs (after a rotation with a grace period). */
  secretRotatedUntil: string | null;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface WebhookAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ConsentingSubject {
  subject: string;
  consent: "active" | "revoked";
  grantedAt: string;
  revokedAt: string | null;
  verified: boolean;
  level: number;
  attestationStatus: "none" | "active" | "expired" | "revoked" | "erased";
  expiresAt: string | null;
  updatedAt: string;
}

export interface UsageDay {
  day: string;
  verifications: number;
  consents: number;
  webhookDeliveries: number;
  sponsoredOperations: number;
  gasSponsoredWei: string;
}

export type AnalyticsFamily = "usage" | "cost" | "performance";
export type Granularity = "hour" | "day";

export interface AnalyticsPoint {
  start: string;
  /** Decimal: a count, wei, an amount of the currency, or (latency) the observations. */
  value: string;
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
}

export interface AnalyticsSeries {
  metric: string;
  dimension: string;
  unit: string;
  total: string;
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
  points: AnalyticsPoint[];
}

export interface AnalyticsReport {
  projectId: string;
  family: AnalyticsFamily;
  granularity: Granularity;
  from: string;
  to: string;
  series: AnalyticsSeries[];
  pricing?: { currency: string; ethPrice: number | null; ethPriceSource: string; providerFees: Record<string, number> };
  verifyFlow?: {
    sessions: number;
    completed: number;
    completionRate: number | null;
    stoppedAt: Record<string, number>;
  };
}

export interface Statement {
  organization: string;
  month: string;
  period: { from: string; to: string };
  status: "open" | "closed";
  currency: string;
  priceList: { version: string; effectiveFrom: string };
  ethPrice: { price: string; source: string } | null;
  projects: string[];
  lines: {
    item: "verification" | "api_calls" | "webhook_deliveries" | "gas";
    detail: string;
    quantity: string;
    unit: string;
    unitPrice: string;
    amount: string;
  }[];
  subtotal: string;
  credit: { description: string; amount: string };
  total: string;
}

/** The API said no: its status, code, sentence and (for a bad request) the field. */
export class DashboardApiError extends Error {
  override readonly name = "DashboardApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined>;

export class DashboardApi {
  constructor(
    readonly baseUrl: string,
    private token?: string,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** A client for the same API that sends `token` (the session's). */
  withToken(token: string): DashboardApi {
    return new DashboardApi(this.baseUrl, token, this.fetcher);
  }

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; accept?: string } = {},
  ): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return parsed as T;
  }

  /** A GET whose answer is a file (a statement as JSON or CSV): the bytes, as the API sent them. */
  async file(path: string, accept: string): Promise<Blob> {
    return (await this.send("GET", path, { accept })).blob();
  }

  /** Sends the request; an unreachable API or a refusal throws (the error table's input). */
  private async send(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; accept?: string },
  ): Promise<Response> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: options.accept ?? "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // A signed-in write carries an Idempotency-Key, so resending it after a dropped connection
    // (below) never creates a second key or endpoint: the API answers with the first result.
    const write = method !== "GET" && this.token !== undefined;
    if (write) headers["idempotency-key"] = crypto.randomUUID();
    const init = { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) };
    let response: Response;
    try {
      response = await this.fetcher(url, init).catch((dropped) => {
        if (!write) throw dropped;
        return this.fetcher(url, init);
      });
    } catch (cause) {
      throw new NetworkError("api", "the tenant API cannot be reached", { cause });
    }
    if (!response.ok) {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      throw new DashboardApiError(
        response.status,
        error?.code ?? `http_${response.status}`,
        error?.message ?? response.statusText,
        error?.field,
      );
    }
    return response;
  }

  // Sign-in.
  nonce = () => this.request<SiweNonce>("POST", "/v1/auth/nonce");
  login = (message: string, signature: string) =>
    this.request<LoginResult>("POST", "/v1/auth/login", { body: { message, signature } });
  session = () => this.request<SessionInfo>("GET", "/v1/auth/session");
  logout = () => this.request<void>("POST", "/v1/auth/logout");
  projects = () => this.request<{ data: ProjectMembership[] }>("GET", "/v1/admin/projects");

  // API keys.
  apiKeys = (projectId: string) => this.request<{ data: ApiKey[] }>("GET", `/v1/admin/projects/${projectId}/api-keys`);
  createApiKey = (projectId: string, body: { name: string; scopes: Scope[]; expiresAt?: string }) =>
    this.request<{ key: string; apiKey: ApiKey }>("POST", `/v1/admin/projects/${projectId}/api-keys`, { body });
  rotateApiKey = (projectId: string, keyId: string, gracePeriodSeconds: number) =>
    this.request<{ key: string; apiKey: ApiKey; previous: ApiKey }>(
      "POST",
      `/v1/admin/projects/${projectId}/api-keys/${keyId}/rotate`,
      { body: { gracePeriodSeconds } },
    );
  revokeApiKey = (projectId: string, keyId: string) =>
    this.request<{ apiKey: ApiKey }>("DELETE", `/v1/admin/projects/${projectId}/api-keys/${keyId}`);

  // Audit log.
  auditLog = (
    projectId: string,
    query: { cursor?: string; limit?: number; actor?: string; action?: string; since?: string; until?: string },
  ) => this.request<Page<AuditEntry>>("GET", `/v1/admin/projects/${projectId}/audit-log`, { query });

  // Reads a reader may make too.
  consents = (projectId: string, query: { status?: string; minLevel?: number; cursor?: string; limit?: number }) =>
    this.request<Page<ConsentingSubject>>("GET", `/v1/admin/projects/${projectId}/consents`, { query });
  usage = (projectId: string, days: number) =>
    this.request<{ projectId: string; days: UsageDay[] }>("GET", `/v1/admin/projects/${projectId}/usage`, {
      query: { days },
    });

  analytics = (projectId: string, family: AnalyticsFamily, query: { granularity: Granularity; from: string }) =>
    this.request<AnalyticsReport>("GET", `/v1/admin/projects/${projectId}/analytics/${family}`, { query });

  // Billing: an organization's statements, for its owner and admins.
  statement = (orgId: string, month: string) =>
    this.request<Statement>("GET", `/v1/admin/organizations/${orgId}/statements/${month}`);
  /** The statement as a file; the session token goes in the Authorization header, never in a URL. */
  statementFile = (orgId: string, month: string, format: "json" | "csv") =>
    this.file(
      `/v1/admin/organizations/${orgId}/statements/${month}`,
      format === "csv" ? "text/csv" : "application/json",
    );

  // Webhooks, through the admin session on the project's own routes.
  private hooks = (projectId: string) => `/v1/admin/projects/${projectId}/webhooks`;
  endpoints = (projectId: string) =>
    this.request<{ data: WebhookEndpoint[] }>("GET", `${this.hooks(projectId)}/endpoints`);
  createEndpoint = (projectId: string, body: { url: string; eventTypes?: string[]; description?: string }) =>
    this.request<{ endpoint: WebhookEndpoint; secret: string }>("POST", `${this.hooks(projectId)}/endpoints`, { body });
  updateEndpoint = (projectId: string, endpointId: string, body: { enabled?: boolean; eventTypes?: string[] }) =>
    this.request<WebhookEndpoint>("PATCH", `${this.hooks(projectId)}/endpoints/${endpointId}`, { body });
  rotateEndpointSecret = (projectId: string, endpointId: string, graceSeconds: number) =>
    this.request<{ secret: string; previousSecretExpiresAt: string }>(
      "POST",
      `${this.hooks(projectId)}/endpoints/${endpointId}/rotate-secret`,
      { body: { graceSeconds } },
    );
  testEndpoint = (projectId: string, endpointId: string) =>
    this.request<{ eventId: string; deliveryId: string }>(
      "POST",
      `${this.hooks(projectId)}/endpoints/${endpointId}/test`,
    );
  deliveries = (projectId: string, query: { endpointId?: string; status?: string; cursor?: string; limit?: number }) =>
    this.request<Page<WebhookDelivery>>("GET", `${this.hooks(projectId)}/deliveries`, { query });
  delivery = (projectId: string, deliveryId: string) =>
    this.request<WebhookDelivery & { log: WebhookAttempt[] }>(
      "GET",
      `${this.hooks(projectId)}/deliveries/${deliveryId}`,
    );
  replayDelivery = (projectId: string, deliveryId: string) =>
    this.request<{ deliveryId: string }>("POST", `${this.hooks(projectId)}/deliveries/${deliveryId}/replay`);
  replayRange = (projectId: string, body: { endpointId: string; since: string; until: string }) =>
    this.request<{ replayed: number }>("POST", `${this.hooks(projectId)}/replay`, { body });
}
