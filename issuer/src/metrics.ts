/**
 * Prometheus metrics of the issuer (prom-client, served at GET /metrics): sessions by step and
 * provider, provider latency and errors, breaker state, attestation and sponsorship signing, and
 * requests (session API by route pattern, JSON-RPC by method) with their durations. Labels never carry
 * personal data or subject addresses; project ids are bounded by the chain's projects.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface IssuerMetrics {
  registry: Registry;
  sessionSteps: Counter<"step" | "provider">;
  providerDuration: Histogram<"provider" | "operation" | "outcome">;
  providerErrors: Counter<"provider" | "operation" | "reason">;
  breakerState: Gauge<"provider">;
  attestationsSigned: Counter<"level">;
  signDuration: Histogram;
  webhooks: Counter<"provider" | "result">;
  httpRequests: Counter<"route" | "method" | "status">;
  httpDuration: Histogram<"route" | "method">;
  rpcRequests: Counter<"method" | "outcome">;
  rpcDuration: Histogram<"method" | "outcome">;
  sponsorshipsSigned: Counter;
  auditReports: Counter<"outcome">;
  auditReportsDropped: Counter<"reason">;
}

/** The JSON-RPC methods served; any other name is counted as "unknown" (callers choose names). */
export const RPC_METHOD_LABELS = ["pm_getPaymasterStubData", "pm_getPaymasterData"] as const;

export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export function createIssuerMetrics(): IssuerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    sessionSteps: new Counter({
      name: "onekey_issuer_session_steps_total",
      help: "Verification sessions reaching each step, by provider (none before one is picked)",
      labelNames: ["step", "provider"],
      registers,
    }),
    providerDuration: new Histogram({
      name: "onekey_issuer_provider_request_duration_seconds",
      help: "Calls to KYC providers by operation and outcome (ok or the error reason)",
      labelNames: ["provider", "operation", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    providerErrors: new Counter({
      name: "onekey_issuer_provider_errors_total",
      help: "Failed calls to KYC providers by reason (unavailable, timeout, circuit_open, ...)",
      labelNames: ["provider", "operation", "reason"],
      registers,
    }),
    breakerState: new Gauge({
      name: "onekey_issuer_provider_breaker_state",
      help: "Circuit breaker per provider: 0 closed, 1 half-open, 2 open",
      labelNames: ["provider"],
      registers,
    }),
    attestationsSigned: new Counter({
      name: "onekey_issuer_attestations_signed_total",
      help: "Attestations signed, by level",
      labelNames: ["level"],
      registers,
    }),
    signDuration: new Histogram({
      name: "onekey_issuer_attestation_sign_duration_seconds",
      help: "POST /v1/sessions/<id>/attestation, storage check included",
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    webhooks: new Counter({
      name: "onekey_issuer_provider_webhooks_total",
      help: "Provider webhooks by result (applied, duplicate, invalid, unknown_applicant, failed)",
      labelNames: ["provider", "result"],
      registers,
    }),
    httpRequests: new Counter({
      name: "onekey_issuer_http_requests_total",
      help: "Session API requests by route pattern and status",
      labelNames: ["route", "method", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "onekey_issuer_http_request_duration_seconds",
      help: "Session API requests by route pattern",
      labelNames: ["route", "method"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    rpcRequests: new Counter({
      name: "onekey_issuer_rpc_requests_total",
      help: "ERC-7677 JSON-RPC calls by method and outcome (ok, refused, invalid_params, invalid_request, error)",
      labelNames: ["method", "outcome"],
      registers,
    }),
    rpcDuration: new Histogram({
      name: "onekey_issuer_rpc_request_duration_seconds",
      help: "ERC-7677 JSON-RPC calls by method and outcome, chain reads included",
      labelNames: ["method", "outcome"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    sponsorshipsSigned: new Counter({
      name: "onekey_issuer_sponsorships_signed_total",
      help: "Sponsorships signed by the paymaster signer (pm_getPaymasterData answered with data)",
      registers,
    }),
    auditReports: new Counter({
      name: "onekey_issuer_audit_reports_total",
      help: "Admin actions reported to the audit trail by outcome (sent, retried, dropped: lost from the trail)",
      labelNames: ["outcome"],
      registers,
    }),
    auditReportsDropped: new Counter({
      name: "onekey_issuer_audit_reports_dropped_total",
      help: "Admin action reports lost from the audit trail by reason (refused_400/413/422: the API will never take it; queue_full: pushed out while the API was away)",
      labelNames: ["reason"],
      registers,
    }),
  };
}
