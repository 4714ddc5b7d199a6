/**
 * The one error shape of the session API (issuer/SESSIONS.md):
 * `{ error: { code, message, field? } }` with a 4xx/5xx status. Routes throw ApiError; the app's
 * error handler renders it. Messages never carry personal data, keys or URLs.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
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
    statuses.map((s) => [s, { description: DESCRIPTIONS[s], content: { "application/json": { schema: ErrorBody } } }]),
  ) as Record<Status, { description: string; content: { "application/json": { schema: typeof ErrorBody } } }>;
}
