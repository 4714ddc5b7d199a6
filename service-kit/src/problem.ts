/**
 * One error shape for every OneKey service: RFC 9457 problem details
 * (`Content-Type: application/problem+json`), with our extension members.
 *
 *   { "type": "/docs/errors#api_key_not_live", "title": "Conflict", "status": 409,
 *     "detail": "Only an active key can be rotated", "code": "api_key_not_live",
 *     "field": "gracePeriodSeconds", "requestId": "…",
 *     "error": { "code": …, "message": …, "field": … } }
 *
 * `type` points into the error catalogue (docs/errors.md, served under /docs/errors where a
 * service serves its reference), by `code`, the stable name clients branch on. `title` is the
 * status's phrase; `detail` says what happened and what to do, never personal data, keys or URLs.
 * `error` is the shape the services answered before 1.1 (kept so existing clients read the same
 * code and message; new clients read the top level). A service passes its own legacy member when
 * its old shape differed (the key service's `{ error: "Code", message }`).
 */

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Where `type` points: relative to the service (the tenant API serves the catalogue there). */
export const DEFAULT_ERROR_DOCS = "/docs/errors";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** What a service throws: the status, our code, a message for people, and the bad field. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Response headers that go with it (`Retry-After`, say). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  requestId?: string;
  /** The pre-1.1 shape, for existing clients. */
  error: unknown;
}

export interface ProblemOptions {
  requestId?: string;
  /** The catalogue's URL (default DEFAULT_ERROR_DOCS). */
  docs?: string;
  /** The service's pre-1.1 error member, when it was not `{ code, message, field? }`. */
  legacy?: unknown;
}

export function problemDetails(error: ApiError, options: ProblemOptions = {}): ProblemDetails {
  const legacy = options.legacy ?? {
    code: error.code,
    message: error.message,
    ...(error.field ? { field: error.field } : {}),
  };
  return {
    type: `${(options.docs ?? DEFAULT_ERROR_DOCS).replace(/\/+$/, "")}#${error.code}`,
    title: TITLES[error.status] ?? (error.status >= 500 ? "Server Error" : "Client Error"),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(options.requestId ? { requestId: options.requestId } : {}),
    error: legacy,
  };
}
