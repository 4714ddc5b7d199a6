/** The one error shape of the API: `{ error: { code, message, field? } }` with a 4xx status. */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      field: z.string().optional().openapi({ description: "The request field that was wrong, when one was" }),
    }),
  })
  .openapi("Error");

export function errorResponse(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const body: z.infer<typeof ErrorBody> = { error: { code: error.code, message: error.message } };
  if (error.field) body.error.field = error.field;
  return c.json(body, error.status);
}

/** Shorthands for the errors routes throw. */
export const unauthorized = (code: string, message: string) => new ApiError(401, code, message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const badRequest = (field: string, message: string) =>
  new ApiError(400, "invalid_request", `${field}: ${message}`, field);

/** Documented error responses, for createRoute. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 429)[]) {
  const descriptions = {
    400: "The request is malformed; `field` names the bad input",
    401: "Missing, unknown, expired or revoked credentials",
    403: "The credentials lack the scope or role this needs",
    404: "Not found for this project",
    409: "Conflicts with the current state",
    429: "Rate limited; retry after `Retry-After` seconds",
  } as const;
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s], content: { "application/json": { schema: ErrorBody } } }]),
  ) as Record<
    (typeof statuses)[number],
    { description: string; content: { "application/json": { schema: typeof ErrorBody } } }
  >;
}
