/**
 * The API's errors: RFC 9457 problem details, the shape every OneKey service answers
 * (@onekey/service-kit/problem), with `code`, `field` and `requestId`, and the pre-1.1
 * `error: { code, message, field? }` member kept for existing clients.
 */
import { z } from "@hono/zod-openapi";
import { ApiError, PROBLEM_CONTENT_TYPE, problemDetails } from "@onekey/service-kit/problem";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export { ApiError };

export const ErrorBody = z
  .object({
    type: z.string().openapi({
      description: "The error's entry in the catalogue (docs/errors.md), by code",
      example: "/docs/errors#invalid_request",
    }),
    title: z.string().openapi({ example: "Bad Request" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "scopes: Invalid option" }),
    code: z.string().openapi({ description: "Stable: what clients branch on", example: "invalid_request" }),
    field: z.string().optional().openapi({ description: "The request field that was wrong, when one was" }),
    requestId: z.string().optional().openapi({ description: "The X-Request-Id of the request, for the logs" }),
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

/** Shorthands for the errors routes throw. */
export const unauthorized = (code: string, message: string) => new ApiError(401, code, message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const badRequest = (field: string, message: string) =>
  new ApiError(400, "invalid_request", `${field}: ${message}`, field);

/** Documented error responses, for createRoute. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 429 | 500 | 503)[]) {
  const descriptions = {
    400: "The request is malformed; `field` names the bad input",
    401: "Missing, unknown, expired or revoked credentials",
    403: "The credentials lack the scope or role this needs",
    404: "Not found for this project",
    409: "Conflicts with the current state",
    429: "Rate limited; retry after `Retry-After` seconds",
    500: "Our fault (`internal`); quote the `requestId`",
    503: "Not available on this deployment, or not now; `Retry-After` when waiting helps",
  } as const;
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: descriptions[s], content: { [PROBLEM_CONTENT_TYPE]: { schema: ErrorBody } } },
    ]),
  ) as Record<
    (typeof statuses)[number],
    { description: string; content: { "application/problem+json": { schema: typeof ErrorBody } } }
  >;
}
