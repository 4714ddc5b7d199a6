/**
 * What a project admin does in the tenant dashboard, without the dashboard: sign in with Ethereum
 * (EIP-4361) against the tenant API, then manage the API keys and webhook endpoints of the
 * projects the signed-in address administers, and read their audit logs. Which projects those are
 * is read from the chain by the API on every call. The webhook methods here use the session (the
 * /v1/admin/projects/{projectId}/webhooks/... routes); a backend that holds a project API key with
 * `webhooks:manage` uses OneKeyClient's instead (`clientFor(key)`).
 */
import type { Address, Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import type {
  AdminSession,
  AdminSessionInfo,
  ApiKey,
  ApiPath,
  ApiResponse,
  AuditEntry,
  CreateApiKeyInput,
  CreatedApiKey,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  Page,
  PageQuery,
  ProjectMembership,
  ReplayWebhooksInput,
  RotateApiKeyInput,
  RotatedApiKey,
  RotatedWebhookSecret,
  RotateWebhookSecretInput,
  SentTestWebhook,
  SiweNonce,
  Statement,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookSettings,
  WebhookSettingsInput,
} from "./apiTypes.js";
import { OneKeyClient } from "./oneKeyClient.js";
import { paginate } from "./paginate.js";
import { ApiTransport, type Call, type Method } from "./transport.js";

/**
 * Who signs the sign-in message (EIP-191 `personal_sign`): a viem `LocalAccount` or smart account
 * (`{ address, signMessage }`), or a viem `WalletClient` created with an `account` (a browser
 * wallet: `createWalletClient({ account, transport: custom(window.ethereum) })`). Smart accounts
 * work: the API checks contract signatures with ERC-1271, and ERC-6492 before deployment.
 */
export type SignInSigner =
  | { address: Address; signMessage(args: { message: string }): Promise<Hex> }
  | { account: { address: Address }; signMessage(args: { message: string }): Promise<Hex> };

/**
 * A project id: the API's decimal string, or a number or bigint. A malformed id (or key id, or
 * expiry) rejects the call with a TypeError before any request.
 */
export type ProjectIdInput = string | number | bigint;

/** Options of a write. */
export interface WriteOptions {
  /**
   * Sent as `Idempotency-Key` (1 to 255 visible ASCII characters). Every write carries one; by
   * default a new UUID per call, kept across the SDK's own retry of a dropped connection or a
   * 502/503/504.
   */
  idempotencyKey?: string;
}

export interface SignInOptions {
  /** The tenant API's origin (with its path prefix, if any). */
  baseUrl: string;
  signer: SignInSigner;
  /**
   * The domain the message must name (the dashboard's host). When set, sign-in refuses, before
   * anything is signed, an API that asks for another; when not, the API's own answer is used.
   */
  domain?: string;
  /** The chain id the message must name; checked against the API's like `domain`. */
  chainId?: number;
  /** The message's `uri` (default: `baseUrl`). */
  uri?: string;
  /** The message's statement, shown by wallets (default: "Sign in to OneKey"). */
  statement?: string;
  /** When the message stops being valid; the session never outlives it. */
  expirationTime?: Date;
  /** A fetch implementation; default the global fetch. */
  fetch?: typeof fetch;
}

export interface OneKeyAdminClientOptions {
  baseUrl: string;
  /** A session token (oks_...) from a previous sign-in. Sent as `Authorization: Bearer <token>`. */
  sessionToken: string;
  fetch?: typeof fetch;
}

const DEFAULT_STATEMENT = "Sign in to OneKey";

export class OneKeyAdminClient {
  readonly #transport: ApiTransport;
  readonly #token: string;
  readonly #fetch: typeof fetch | undefined;

  /** A client for a session opened earlier (see `sessionToken()`); `signIn` opens a new one. */
  constructor(options: OneKeyAdminClientOptions) {
    this.#transport = new ApiTransport(options, "OneKeyAdminClient");
    if (!options.sessionToken) throw new TypeError("OneKeyAdminClient: sessionToken is required");
    this.#token = options.sessionToken;
    this.#fetch = options.fetch;
  }

  /**
   * Signs in: asks the API for a nonce, has `signer` sign the EIP-4361 message built from it, and
   * exchanges the signature for a session. Resolves to a client for that session, and the session
   * (address, expiry, the projects the address administers now).
   */
  static async signIn(options: SignInOptions): Promise<{ client: OneKeyAdminClient; session: AdminSessionInfo }> {
    const transport = new ApiTransport(options, "OneKeyAdminClient.signIn");
    const address = signerAddress(options.signer);
    const issued: SiweNonce = await transport.call(undefined, "post", "/v1/auth/nonce");
    if (options.domain !== undefined && issued.domain !== options.domain) {
      throw new Error(
        `OneKeyAdminClient.signIn: the API asks to sign for domain "${issued.domain}", not "${options.domain}"; nothing was signed`,
      );
    }
    if (options.chainId !== undefined && issued.chainId !== options.chainId) {
      throw new Error(
        `OneKeyAdminClient.signIn: the API asks to sign for chain ${issued.chainId}, not ${options.chainId}; nothing was signed`,
      );
    }
    const message = createSiweMessage({
      address,
      chainId: issued.chainId,
      domain: issued.domain,
      nonce: issued.nonce,
      uri: options.uri ?? transport.baseUrl,
      version: "1",
      statement: options.statement ?? DEFAULT_STATEMENT,
      issuedAt: new Date(),
      expirationTime: options.expirationTime,
    });
    const signature = await options.signer.signMessage({ message });
    const session: AdminSession = await transport.call(undefined, "post", "/v1/auth/login", {
      body: { message, signature },
    });
    const { token, ...info } = session;
    return {
      client: new OneKeyAdminClient({ baseUrl: options.baseUrl, sessionToken: token, fetch: options.fetch }),
      session: info,
    };
  }

  /** The session's token, to keep it for a later `new OneKeyAdminClient(...)`. It is a secret. */
  sessionToken(): string {
    return this.#token;
  }

  /** The signed-in address and the projects it administers now (read from the chain). */
  getSession(): Promise<AdminSessionInfo> {
    return this.#call("get", "/v1/auth/session");
  }

  /** Ends the session: its token stops working. */
  async signOut(): Promise<void> {
    await this.#call("post", "/v1/auth/logout");
  }

  /**
   * The projects the signed-in address has a role in, or whose organization it owns or
   * administers, with its roles and whether it administers each (read from the chain).
   */
  async listProjects(): Promise<ProjectMembership[]> {
    const { data } = await this.#call("get", "/v1/admin/projects");
    return data;
  }

  // ---------------------------------------------------------------- API keys

  /** The project's keys, newest first (never their secrets). */
  async listApiKeys(projectId: ProjectIdInput): Promise<ApiKey[]> {
    const { data } = await this.#call("get", "/v1/admin/projects/{projectId}/api-keys", {
      params: { projectId: projectIdOf(projectId) },
    });
    return data;
  }

  /**
   * Creates a key; the answer's `key` is its secret, returned this once. Pass the same
   * `idempotencyKey` when retrying after a crash: within 24 hours the API answers with the key it
   * already created (its secret included) instead of creating another.
   */
  async createApiKey(
    projectId: ProjectIdInput,
    input: CreateApiKeyInput,
    options: WriteOptions = {},
  ): Promise<CreatedApiKey> {
    const { expiresAt, ...rest } = input;
    return this.#call("post", "/v1/admin/projects/{projectId}/api-keys", {
      params: { projectId: projectIdOf(projectId) },
      body: { ...rest, ...(expiresAt === undefined ? {} : { expiresAt: isoTime(expiresAt, "expiresAt") }) },
      idempotencyKey: options.idempotencyKey,
    });
  }

  /**
   * Replaces an active key with a new secret (same name and scopes). The old key stops now, or
   * after `gracePeriodSeconds`.
   */
  async rotateApiKey(projectId: ProjectIdInput, keyId: string, input: RotateApiKeyInput = {}): Promise<RotatedApiKey> {
    return this.#call("post", "/v1/admin/projects/{projectId}/api-keys/{keyId}/rotate", {
      params: { projectId: projectIdOf(projectId), keyId: keyIdOf(keyId) },
      body: input as Call<"/v1/admin/projects/{projectId}/api-keys/{keyId}/rotate", "post">["body"],
    });
  }

  /** Revokes a key now; answers the key as it is afterwards. */
  async revokeApiKey(projectId: ProjectIdInput, keyId: string): Promise<ApiKey> {
    const { apiKey } = await this.#call("delete", "/v1/admin/projects/{projectId}/api-keys/{keyId}", {
      params: { projectId: projectIdOf(projectId), keyId: keyIdOf(keyId) },
    });
    return apiKey;
  }

  /** A tenant API client for a project key (e.g. one just created), on the same API and fetch. */
  clientFor(apiKey: string): OneKeyClient {
    return new OneKeyClient({ baseUrl: this.#transport.baseUrl, apiKey, fetch: this.#fetch });
  }

  // ---------------------------------------------------------------- webhooks (admin session)

  /**
   * Registers an endpoint; the answer holds its signing secret, returned this once. A retry with
   * the same `idempotencyKey` gets the same endpoint back (see createApiKey).
   */
  async createWebhookEndpoint(
    projectId: ProjectIdInput,
    input: CreateWebhookEndpointInput,
    options: WriteOptions = {},
  ): Promise<CreatedWebhookEndpoint> {
    return this.#call("post", "/v1/admin/projects/{projectId}/webhooks/endpoints", {
      params: { projectId: projectIdOf(projectId) },
      body: input,
      idempotencyKey: options.idempotencyKey,
    });
  }

  async listWebhookEndpoints(projectId: ProjectIdInput): Promise<WebhookEndpoint[]> {
    const { data } = await this.#call("get", "/v1/admin/projects/{projectId}/webhooks/endpoints", {
      params: { projectId: projectIdOf(projectId) },
    });
    return data;
  }

  async getWebhookEndpoint(projectId: ProjectIdInput, endpointId: string): Promise<WebhookEndpoint> {
    return this.#call("get", "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}", {
      params: endpointParams(projectId, endpointId),
    });
  }

  async updateWebhookEndpoint(
    projectId: ProjectIdInput,
    endpointId: string,
    input: UpdateWebhookEndpointInput,
  ): Promise<WebhookEndpoint> {
    return this.#call("patch", "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}", {
      params: endpointParams(projectId, endpointId),
      body: input,
    });
  }

  async deleteWebhookEndpoint(projectId: ProjectIdInput, endpointId: string): Promise<void> {
    await this.#call("delete", "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}", {
      params: endpointParams(projectId, endpointId),
    });
  }

  /** A new secret; the previous one keeps signing too until `previousSecretExpiresAt`. */
  async rotateWebhookSecret(
    projectId: ProjectIdInput,
    endpointId: string,
    input: RotateWebhookSecretInput = {},
  ): Promise<RotatedWebhookSecret> {
    return this.#call("post", "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}/rotate-secret", {
      params: endpointParams(projectId, endpointId),
      body: input as Call<
        "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}/rotate-secret",
        "post"
      >["body"],
    });
  }

  /** Queues a `webhook.test` event to the endpoint. */
  async sendTestWebhook(projectId: ProjectIdInput, endpointId: string): Promise<SentTestWebhook> {
    return this.#call("post", "/v1/admin/projects/{projectId}/webhooks/endpoints/{endpointId}/test", {
      params: endpointParams(projectId, endpointId),
    });
  }

  /** The delivery log, newest first, with status, attempts and the last response code. */
  async listWebhookDeliveries(
    projectId: ProjectIdInput,
    query: WebhookDeliveriesQuery = {},
  ): Promise<Page<WebhookDelivery>> {
    return this.#call("get", "/v1/admin/projects/{projectId}/webhooks/deliveries", {
      params: { projectId: projectIdOf(projectId) },
      query: { endpointId: query.endpointId, status: query.status, cursor: query.cursor, limit: query.limit },
    });
  }

  iterateWebhookDeliveries(
    projectId: ProjectIdInput,
    query: Omit<WebhookDeliveriesQuery, "cursor"> = {},
  ): AsyncGenerator<WebhookDelivery> {
    return paginate((cursor) => this.listWebhookDeliveries(projectId, { ...query, cursor }));
  }

  /** One delivery with its attempt log (status code, latency, error per attempt). */
  async getWebhookDelivery(projectId: ProjectIdInput, deliveryId: string): Promise<WebhookDeliveryDetail> {
    return this.#call("get", "/v1/admin/projects/{projectId}/webhooks/deliveries/{deliveryId}", {
      params: deliveryParams(projectId, deliveryId),
    });
  }

  /** Sends the delivery's event again (same webhook-id: receivers deduplicate it). */
  async replayWebhookDelivery(projectId: ProjectIdInput, deliveryId: string): Promise<{ deliveryId: string }> {
    return this.#call("post", "/v1/admin/projects/{projectId}/webhooks/deliveries/{deliveryId}/replay", {
      params: deliveryParams(projectId, deliveryId),
    });
  }

  /** Sends again every event of the endpoint between `since` and `until`. */
  async replayWebhooks(projectId: ProjectIdInput, input: ReplayWebhooksInput): Promise<{ replayed: number }> {
    return this.#call("post", "/v1/admin/projects/{projectId}/webhooks/replay", {
      params: { projectId: projectIdOf(projectId) },
      body: {
        endpointId: input.endpointId,
        since: isoTime(input.since, "since"),
        until: isoTime(input.until, "until"),
      },
    });
  }

  async getWebhookSettings(projectId: ProjectIdInput): Promise<WebhookSettings> {
    return this.#call("get", "/v1/admin/projects/{projectId}/webhooks/settings", {
      params: { projectId: projectIdOf(projectId) },
    });
  }

  /** Sets the confirmation policy, the budget.low threshold, or both. */
  async updateWebhookSettings(projectId: ProjectIdInput, settings: WebhookSettingsInput): Promise<WebhookSettings> {
    return this.#call("put", "/v1/admin/projects/{projectId}/webhooks/settings", {
      params: { projectId: projectIdOf(projectId) },
      body: settings,
    });
  }

  // ---------------------------------------------------------------- audit log

  /** The project's audit log, newest first. */
  async listAuditLog(projectId: ProjectIdInput, query: PageQuery = {}): Promise<Page<AuditEntry>> {
    return this.#call("get", "/v1/admin/projects/{projectId}/audit-log", {
      params: { projectId: projectIdOf(projectId) },
      query: { cursor: query.cursor, limit: query.limit },
    });
  }

  iterateAuditLog(projectId: ProjectIdInput, query: Omit<PageQuery, "cursor"> = {}): AsyncGenerator<AuditEntry> {
    return paginate((cursor) => this.listAuditLog(projectId, { ...query, cursor }));
  }

  // ---------------------------------------------------------------- billing (organization owner or admin)

  /**
   * The organization's statement for `month` (YYYY-MM, past or current): line items, credit and
   * total, priced by the price list in force for that month. The same statement as CSV is at
   * the same path with `?format=csv` (what the dashboard links for download).
   */
  getStatement(orgId: bigint | number | string, month: string): Promise<Statement> {
    return this.#call("get", "/v1/admin/organizations/{orgId}/statements/{month}", {
      params: { orgId: String(orgId), month },
    });
  }

  #call<P extends ApiPath, M extends Method>(method: M, path: P, spec: Call<P, M> = {}): Promise<ApiResponse<P, M>> {
    return this.#transport.call(this.#token, method, path, spec);
  }
}

function signerAddress(signer: SignInSigner): Address {
  const address = "address" in signer ? signer.address : signer.account?.address;
  if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new TypeError(
      "OneKeyAdminClient.signIn: the signer has no address (a WalletClient needs an account: createWalletClient({ account, ... }))",
    );
  }
  if (typeof signer.signMessage !== "function") {
    throw new TypeError("OneKeyAdminClient.signIn: the signer cannot sign messages (no signMessage)");
  }
  return address;
}

function projectIdOf(projectId: ProjectIdInput): string {
  const text = typeof projectId === "string" ? projectId : String(projectId);
  if (!/^[0-9]{1,78}$/.test(text) || (typeof projectId === "number" && !Number.isSafeInteger(projectId))) {
    throw new TypeError(`OneKeyAdminClient: projectId must be a non-negative integer, got ${String(projectId)}`);
  }
  return text;
}

function idOf(name: string, id: string): string {
  if (typeof id !== "string" || id.length === 0) throw new TypeError(`OneKeyAdminClient: ${name} is required`);
  return id;
}

function keyIdOf(keyId: string): string {
  return idOf("keyId", keyId);
}

function endpointParams(projectId: ProjectIdInput, endpointId: string) {
  return { projectId: projectIdOf(projectId), endpointId: idOf("endpointId", endpointId) };
}

function deliveryParams(projectId: ProjectIdInput, deliveryId: string) {
  return { projectId: projectIdOf(projectId), deliveryId: idOf("deliveryId", deliveryId) };
}

function isoTime(value: Date | string, name: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`OneKeyAdminClient: ${name} is an invalid Date`);
    return value.toISOString();
  }
  return value;
}
