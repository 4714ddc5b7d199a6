/** Prometheus metrics of the tenant API, per project where it matters (served at /metrics/api). */
import { Counter, Histogram, Registry } from "prom-client";

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "status" | "project_id">;
  duration: Histogram<"route" | "method">;
  rateLimited: Counter<"project_id" | "scope">;
  authFailures: Counter<"reason">;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: "onekey_api_requests_total",
      help: "API requests by route pattern, status and project (project_id none before authentication)",
      labelNames: ["route", "method", "status", "project_id"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "onekey_api_request_duration_seconds",
      help: "API request duration by route pattern",
      labelNames: ["route", "method"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "onekey_api_rate_limited_total",
      help: "Requests refused with 429, by project (or client address scope for sign-in)",
      labelNames: ["project_id", "scope"],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: "onekey_api_auth_failures_total",
      help: "Refused credentials by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
  };
}
