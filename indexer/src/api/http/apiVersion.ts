/**
 * API versioning: the URL carries the major version (/v1); a breaking change within v1 ships as a
 * new dated version that a client opts into with `OneKey-Version: YYYY-MM-DD`. A request without
 * the header is served the version v1 started with, so existing clients never see a breaking
 * change they did not ask for. Every /v1 answer says which version served it, in `OneKey-Version`.
 * A request naming a version this server does not know is refused (400 `api_version_unknown`)
 * before credentials, limits or handlers see it.
 */
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../kit.js";
import { ApiError } from "./errors.js";

export const API_VERSION_HEADER = "OneKey-Version";

/** Every dated version of v1, oldest first. Add a date here when a breaking change ships. */
export const API_VERSIONS = ["2026-12-05"] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** The newest version: what a client asks for to get every change. */
export const CURRENT_API_VERSION: ApiVersion = API_VERSIONS[API_VERSIONS.length - 1] as ApiVersion;

/** What a request without the header is served: the version v1 started with. */
export const DEFAULT_API_VERSION: ApiVersion = API_VERSIONS[0];

const KNOWN = new Set<string>(API_VERSIONS);

/** Reads `OneKey-Version`, refuses an unknown one, and labels the answer with the version served. */
export const apiVersion: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const asked = c.req.header(API_VERSION_HEADER)?.trim();
  // Set first, so a refusal (this one included) also says what a request without the header gets.
  c.header(API_VERSION_HEADER, DEFAULT_API_VERSION);
  if (asked !== undefined && !KNOWN.has(asked)) {
    const what = /^\d{4}-\d{2}-\d{2}$/.test(asked) ? "is not a version of this API" : "must be a date YYYY-MM-DD";
    throw new ApiError(
      400,
      "api_version_unknown",
      `${API_VERSION_HEADER}: ${what}; known versions: ${API_VERSIONS.join(", ")}`,
      API_VERSION_HEADER,
    );
  }
  const served = (asked ?? DEFAULT_API_VERSION) as ApiVersion;
  c.set("apiVersion", served);
  c.header(API_VERSION_HEADER, served);
  await next();
};
