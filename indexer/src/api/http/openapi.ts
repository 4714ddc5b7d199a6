/** Shorthands for the parts of a createRoute declaration that every JSON route repeats. */
import { z } from "@hono/zod-openapi";
import type { ApiApp } from "../kit.js";
import { API_VERSION_HEADER, API_VERSIONS, CURRENT_API_VERSION, DEFAULT_API_VERSION } from "./apiVersion.js";
import { errorResponses } from "./errors.js";

/** A JSON response with its schema (the schema also types what the handler may return). */
export function jsonResponse<S>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body with its schema. */
export function jsonBody<S>(schema: S, required = true) {
  return { content: { "application/json": { schema } }, required };
}

/**
 * Says in the document what requireSession and requireApiKey do for every credentialed write:
 * it takes an optional `Idempotency-Key` (http/idempotency.ts) and may answer 409 for it.
 * Changes only the description; the routes' validation was fixed when they were registered.
 */
export function documentIdempotencyKey(app: ApiApp): void {
  const header = z.object({
    "Idempotency-Key": app.openAPIRegistry.registerParameter("IdempotencyKey", IdempotencyKey),
  });
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const { route } = definition;
    if (route.method === "get" || !route.security?.length) continue;
    route.request = { ...route.request, headers: header };
    route.responses[409] ??= errorResponses(409)[409];
  }
}

const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .openapi({
    param: { name: "Idempotency-Key", in: "header" },
    description:
      "Makes a retry safe: within 24 hours, the same key with the same request (from the same credential) answers the first result, marked `Idempotent-Replayed: true`, without acting again; the same key with another request is a 409 `idempotency_key_reused`. Only successful answers are kept. Visible ASCII; a UUID per logical request is usual.",
    example: "3f0b2a8e-5c1d-4e8f-9a4b-7d2c1e0f6a55",
  });

/**
 * Says in the document what http/apiVersion.ts does for every /v1 route: it takes an optional
 * `OneKey-Version` request header (400 `api_version_unknown` for one it does not know) and every
 * answer names the version served. Also documents the 500 any route may answer. Run after
 * documentIdempotencyKey (this adds to the headers it declares).
 */
export function documentApiVersion(app: ApiApp): void {
  const parameter = app.openAPIRegistry.registerParameter("OneKeyVersion", OneKeyVersion);
  const served = app.openAPIRegistry.registerComponent("headers", "OneKeyVersion", {
    description: "The dated version of v1 that served this answer",
    schema: { type: "string", enum: [...API_VERSIONS], example: CURRENT_API_VERSION },
  });
  const { 400: badRequest, 500: internal } = errorResponses(400, 500);
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route" || !definition.route.path.startsWith("/v1/")) continue;
    const { route } = definition;
    const headers = route.request?.headers;
    if (headers && !(headers instanceof z.ZodObject)) {
      throw new Error(`${route.method} ${route.path}: declare request headers as one z.object`);
    }
    route.request = {
      ...route.request,
      headers:
        headers instanceof z.ZodObject
          ? headers.extend({ [API_VERSION_HEADER]: parameter })
          : z.object({ [API_VERSION_HEADER]: parameter }),
    };
    route.responses[400] ??= badRequest;
    route.responses[500] ??= internal;
    for (const [status, response] of Object.entries(route.responses)) {
      if ("$ref" in response) continue;
      const declared = response.headers && !(response.headers instanceof z.ZodType) ? response.headers : {};
      route.responses[status] = { ...response, headers: { ...declared, [API_VERSION_HEADER]: served.ref } };
    }
  }
}

const OneKeyVersion = z
  .string()
  .optional()
  .openapi({
    param: { name: API_VERSION_HEADER, in: "header" },
    description: `Opts into a dated version of v1 (YYYY-MM-DD). Without it, a request is served ${DEFAULT_API_VERSION}, the version v1 started with; a version this server does not know is a 400 \`api_version_unknown\`. Known: ${API_VERSIONS.join(", ")}.`,
    example: CURRENT_API_VERSION,
  });
