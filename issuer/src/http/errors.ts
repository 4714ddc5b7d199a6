/**
 * The session API's errors (issuer/SESSIONS.md): RFC 9457 problem details, the shape every OneKey
 * service answers (@onekey/service-kit/problem), with `code`, `field` and `requestId`, and the
 * pre-1.1 `error: { code, message, field? }` member kept for existing clients. Routes throw
 * ApiError; the app's error handler renders it. Messages never carry personal data, keys or URLs.
 * The zod schema is the service's own because each service's @hono/zod-openapi brings its own zod.
 */
import { z } from "@hono/zod-openapi";
import { ApiError, PROBLEM_CONTENT_TYPE, problemDetails } from "@onekey/service-kit/problem";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export { ApiError };

export const ErrorBody = z
  .object({
    type: z.string().openapi({ example: "/docs/errors#session_not_found" }),
    title: z.string().openapi({ example: "Not Found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string(),
    code: z.string().openapi({ description: "Stable: what clients branch on", example: "invalid_request" }),
    field: z.string().optional().openapi({ description: "The request field that was wrong, when one was" }),
    requestId: z.string().optional(),
    error: z
      .object({ code: z.string(), message: z.string(), field: z.string().optional() })
      .openapi({ description: "Deprecated: the pre-1.1 shape; read the top-level members" }),
  })
  .openapi("Problem");

export function errorResponse(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header("Content-Type", PROBLEM_CONTENT_TYPE);
  const requestId = c.get("requestId") as string | undefined;
  return c.body(JSON.stringify(problemDetails(error, { requestId })), error.status as ContentfulStatusCode);
}

export const badRequest = (field: string, message: string) =>
  new ApiError(400, "invalid_request", `${field}: ${message}`, field);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);

type Status = 400 | 401 | 403 | 404 | 409 | 410 | 422 | 429 | 503;
const DESCRIPTIONS: Record<Status, string> = {
  400: "The request is malformed; `field` names the bad input",
  401: "Missing, unknown or expired credentials",
  403: "The credentials lack the role this needs",
  404: "Not found (or not yours)",
  409: "Conflicts with the session's current state; `code` says which",
  410: "Gone: the result was delivered once and is not kept",
  422: "The stored record does not match what was reported",
  429: "Rate limited; retry after `Retry-After` seconds",
  503: "A provider, the storage network or the chain is unavailable; retry later",
};

/** Documented error responses, for createRoute. */
export function errorResponses(...statuses: Status[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: DESCRIPTIONS[s], content: { [PROBLEM_CONTENT_TYPE]: { schema: ErrorBody } } },
    ]),
  ) as Record<Status, { description: string; content: { "application/problem+json": { schema: typeof ErrorBody } } }>;
}
