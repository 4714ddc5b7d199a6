/** Shorthands for the parts of a createRoute declaration that every JSON route repeats. */
import { z } from "@hono/zod-openapi";
import type { ApiApp } from "../kit.js";
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
