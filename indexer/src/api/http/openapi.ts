/** Shorthands for the parts of a createRoute declaration that every JSON route repeats. */

/** A JSON response with its schema (the schema also types what the handler may return). */
export function jsonResponse<S>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body with its schema. */
export function jsonBody<S>(schema: S, required = true) {
  return { content: { "application/json": { schema } }, required };
}
