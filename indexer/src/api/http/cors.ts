/**
 * Which browser pages may use the tenant API: the dashboard's origin(s) only.
 *
 * Ponder's server wraps every app in `cors({ origin: "*" })` and answers preflights itself, before
 * our app runs, so the gate is here, on the requests themselves:
 *  - an answer carries `Access-Control-Allow-Origin` only for an allowed origin (Ponder's `*` is
 *    removed), so a page elsewhere can send a read but never see its answer;
 *  - a write (anything but GET/HEAD/OPTIONS) from a page elsewhere is refused 403 before any
 *    credential, limit or handler runs, so it changes nothing even though the preflight let it out.
 * Requests without an Origin (servers, the SDK in Node, curl) and same-origin pages (/docs' "try
 * it") are not browsers acting for another site, and pass.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "./errors.js";

/** The dashboard's origins, or (local chains only) any page served from this machine. */
export type AllowedOrigins = { kind: "loopback" } | { kind: "list"; origins: readonly string[] };

/** What a dashboard page may read from an answer beyond the CORS-safelisted headers. */
const EXPOSED_HEADERS = [
  "X-Request-Id",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "Retry-After",
  "Idempotent-Replayed",
  "OneKey-Version",
].join(", ");

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A browser origin as `scheme://host[:port]`, or an error naming what is wrong with it. */
export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not an origin (scheme://host[:port])`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`"${value}" must be http(s)`);
  if (url.origin !== value.replace(/\/$/, "")) {
    throw new Error(`"${value}" is not an origin: no path, query or credentials (${url.origin})`);
  }
  return url.origin;
}

export function isAllowedOrigin(allowed: AllowedOrigins, origin: string): boolean {
  if (allowed.kind === "list") return allowed.origins.includes(origin);
  try {
    const url = new URL(origin);
    return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/** Same host as the request's: the API's own pages (behind TLS, the scheme may differ). */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function dashboardCors(allowed: AllowedOrigins): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    const permitted = origin !== undefined && isAllowedOrigin(allowed, origin);
    const foreign = origin !== undefined && !permitted && !isSameOrigin(origin, c.req.header("host"));
    if (foreign && !SAFE_METHODS.has(c.req.method)) {
      c.res = errorResponse(
        c,
        new ApiError(
          403,
          "origin_not_allowed",
          `Pages served from ${origin} may not change anything here; use the dashboard, or call from a server (no Origin header)`,
        ),
      );
    } else {
      await next();
    }
    c.res.headers.delete("Access-Control-Allow-Origin");
    c.res.headers.append("Vary", "Origin");
    if (permitted) {
      c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
  };
}
