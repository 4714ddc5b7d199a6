import type { Context } from "hono";
import type { ApiKeyPrincipal } from "../auth/apiKeys.js";
import type { ApiEnv } from "../kit.js";
import { ApiError } from "./errors.js";

/** The API key that authenticated this request (set by `requireApiKey`); 401 without one. */
export function apiKeyOf(c: Context<ApiEnv>): ApiKeyPrincipal {
  const key = c.get("apiKey");
  if (!key) throw new ApiError(401, "credentials_missing", "API key required");
  return key;
}
