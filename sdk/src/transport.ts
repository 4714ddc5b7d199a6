/**
 * The one way the SDK's clients call the tenant API: a route the API's OpenAPI document declares,
 * a bearer credential (a project API key or an admin session token), JSON in and out, and the
 * API's error body turned into OneKeyApiError. Internal: OneKeyClient and OneKeyAdminClient use it.
 */
import type { ApiPath, ApiRequestBody, ApiResponse } from "./apiTypes.js";
import { OneKeyApiError } from "./oneKeyApiError.js";

export type Query = Record<string, string | number | undefined>;
export type Method = "get" | "put" | "post" | "patch" | "delete";

/** A call of a route the API's document declares; the path's `{name}` parts come from `params`. */
export interface Call<P extends ApiPath, M extends Method> {
  params?: Record<string, string>;
  query?: Query;
  body?: ApiRequestBody<P, M>;
  /** The write's Idempotency-Key; default a new UUID per call (kept across the call's retry). */
  idempotencyKey?: string;
}

/** Answers after which a write is sent once more (with the same Idempotency-Key). */
const RETRIED_STATUSES = new Set([502, 503, 504]);
/** How many times a write waits out "the first request with this key is still running". */
const IN_PROGRESS_WAITS = 5;

export interface TransportOptions {
  /** The API's origin, with a path prefix if it is mounted under one. */
  baseUrl: string;
  /** A fetch implementation; default the global fetch. */
  fetch?: typeof fetch;
}

export class ApiTransport {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;

  /** `who` names the class in configuration errors ("OneKeyClient: baseUrl is not a URL"). */
  constructor(options: TransportOptions, who: string) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`${who}: baseUrl is not a URL: ${options.baseUrl}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`${who}: baseUrl must be http(s)`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new TypeError(`${who}: no fetch available; pass options.fetch`);
    this.#fetch = f;
  }

  /**
   * Calls a route the tenant API's document declares, with `token` as the bearer credential (none
   * for the public sign-in routes); the answer is typed by the document.
   */
  async call<P extends ApiPath, M extends Method>(
    token: string | undefined,
    method: M,
    path: P,
    spec: Call<P, M> = {},
  ): Promise<ApiResponse<P, M>> {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(spec.params?.[name] ?? ""));
    const url = new URL(`${this.baseUrl}${filled}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (spec.body !== undefined) headers["Content-Type"] = "application/json";
    // A credentialed write carries an Idempotency-Key, so the retry below (or the caller's own,
    // with the same key) cannot act twice: the API answers it with the first result.
    const write = method !== "get" && token !== undefined;
    if (write) headers["Idempotency-Key"] = spec.idempotencyKey ?? globalThis.crypto.randomUUID();
    const init = {
      method: method.toUpperCase(),
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    };
    // Called unbound: browsers refuse a fetch whose `this` is not the global object.
    const fetchImpl = this.#fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, init);
      // A gateway that lost the upstream: the write may or may not have happened; the key says.
      if (write && RETRIED_STATUSES.has(response.status)) {
        await response.body?.cancel();
        response = await fetchImpl(url, init);
      }
    } catch (error) {
      // The connection dropped: retry a write once with the same key; reads are the caller's.
      if (!write) throw error;
      response = await fetchImpl(url, init);
    }
    // The first request may still be running after its connection dropped: the API says so (409,
    // Retry-After) until it ends, then answers its result to the same key.
    for (let wait = 0; write && wait < IN_PROGRESS_WAITS && response.status === 409; wait++) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { code?: unknown } | undefined;
      if (body?.code !== "idempotency_request_in_progress") break;
      await response.body?.cancel();
      const seconds = Number(response.headers.get("retry-after") ?? "1");
      await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(seconds) ? seconds : 1, 5) * 1000));
      response = await fetchImpl(url, init);
    }
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
    if (text.length === 0) return undefined as ApiResponse<P, M>;
    if (!parsed) {
      throw new OneKeyApiError(
        response.status,
        "unexpected_response",
        "The response is not JSON",
        undefined,
        requestId,
      );
    }
    return json as ApiResponse<P, M>;
  }
}

/**
 * The API's refusal as OneKeyApiError: RFC 9457 problem details (`code`, `detail`, `field`), or
 * the pre-1.1 `{ error: { code, message, field? } }` of older deployments.
 */
function apiError(response: Response, body: unknown, requestId: string | undefined): OneKeyApiError {
  const retryHeader = response.headers.get("retry-after");
  const retryAfter = retryHeader !== null && /^[0-9]+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  const problem = body as { code?: unknown; detail?: unknown; field?: unknown; error?: unknown } | undefined;
  const legacy = problem?.error as { code?: unknown; message?: unknown; field?: unknown } | undefined;
  const [code, message, field] =
    typeof problem?.code === "string" && typeof problem.detail === "string"
      ? [problem.code, problem.detail, problem.field]
      : [legacy?.code, legacy?.message, legacy?.field];
  if (typeof code === "string" && typeof message === "string") {
    const named = typeof field === "string" ? field : undefined;
    return new OneKeyApiError(response.status, code, message, named, requestId, retryAfter);
  }
  const text = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return new OneKeyApiError(response.status, "unexpected_response", text, undefined, requestId, retryAfter);
}
