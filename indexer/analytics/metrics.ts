/**
 * Every analytics metric: its family (the tenant route that answers it), how it is fed and what it
 * is split by. A metric is either streamed (the producing process adds counts) or derived (the
 * rebuild replaces it from its source table); never both, so a rebuild never erases or doubles
 * what a process streamed.
 */
export type Family = "usage" | "cost" | "performance";
export const FAMILIES: readonly Family[] = ["usage", "cost", "performance"];

/** Where a derived metric's rows come from (rebuild.ts has one query per source). */
export type Source = "stream" | "chain" | "webhooks" | "trail" | "issuer";

export interface MetricSpec {
  family: Family;
  source: Source;
  /** What `dimension` holds ('' when the metric is not split). */
  dimension: string;
  unit: "count" | "wei" | "bytes" | "ms";
  /** Latency metrics keep a histogram (histogram.ts) and answer p50/p95/p99. */
  histogram?: true;
  description: string;
}

export const METRICS = {
  "verifications.started": {
    family: "usage",
    source: "issuer",
    dimension: "provider",
    unit: "count",
    description: "KYC sessions started at the issuer, by the provider that took them",
  },
  "verifications.approved": {
    family: "usage",
    source: "issuer",
    dimension: "provider",
    unit: "count",
    description: "Sessions the provider approved",
  },
  "verifications.rejected": {
    family: "usage",
    source: "issuer",
    dimension: "provider",
    unit: "count",
    description: "Sessions the provider rejected",
  },
  "verifications.decided": {
    family: "usage",
    source: "issuer",
    dimension: "provider level",
    unit: "count",
    description:
      "Sessions the provider decided (approved or rejected), by provider and level ('*' unknown): what billing charges",
  },
  attestations: {
    family: "usage",
    source: "chain",
    dimension: "",
    unit: "count",
    description: "Attestations created for subjects consenting to the project at that block",
  },
  "consents.granted": {
    family: "usage",
    source: "chain",
    dimension: "",
    unit: "count",
    description: "Consents granted to the project",
  },
  "consents.revoked": {
    family: "usage",
    source: "chain",
    dimension: "",
    unit: "count",
    description: "Consents revoked",
  },
  "operations.sponsored": {
    family: "usage",
    source: "chain",
    dimension: "",
    unit: "count",
    description: "User operations the project's budget paid for",
  },
  "api.calls": {
    family: "usage",
    source: "stream",
    dimension: "route status",
    unit: "count",
    description: "Tenant API calls by route pattern and status",
  },
  "webhook.deliveries": {
    family: "usage",
    source: "webhooks",
    dimension: "outcome",
    unit: "count",
    description: "Webhook deliveries by their state (delivered, failed, pending, held, cancelled)",
  },
  "records.opened": {
    family: "usage",
    source: "trail",
    dimension: "reader",
    unit: "count",
    description: "Records the project's readers opened (not the refused attempts), by reader address",
  },
  "gas.sponsored": {
    family: "cost",
    source: "chain",
    dimension: "",
    unit: "wei",
    description: "What sponsored operations cost the project's budget, in wei",
  },
  "storage.bytes": {
    family: "cost",
    source: "issuer",
    dimension: "",
    unit: "bytes",
    description:
      "Bytes of the encrypted records uploaded for the project's verifications (as the issuer measured each before signing its attestation), by the hour the session started",
  },
  "api.latency": {
    family: "performance",
    source: "stream",
    dimension: "route",
    unit: "ms",
    histogram: true,
    description: "Tenant API latency by route pattern",
  },
  "webhook.block_to_delivery": {
    family: "performance",
    source: "webhooks",
    dimension: "",
    unit: "ms",
    histogram: true,
    description: "From the event's block time to its delivery being accepted",
  },
  "verifications.decision_time": {
    family: "performance",
    source: "issuer",
    dimension: "provider",
    unit: "ms",
    histogram: true,
    description: "From submission to the provider's decision",
  },
  "verify_flow.sessions": {
    family: "performance",
    source: "issuer",
    dimension: "furthest step",
    unit: "count",
    description:
      "Sessions by where they are or stopped: a status, or 'expired after <step>' / 'failed after <step>' (drop-off)",
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

export function metricsOf(filter: (spec: MetricSpec) => boolean): MetricName[] {
  return (Object.keys(METRICS) as MetricName[]).filter((name) => filter(METRICS[name]));
}
