/** The API's own tables (schema `onekey_api` by default), as Kysely sees them. */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in (DEFAULT now()). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 comes back as a string from node-postgres and as a number or bigint from PGlite. */
type Int8 = ColumnType<string | number | bigint, string | bigint, string | bigint>;
type Serial8 = ColumnType<string | number | bigint, undefined, never>;

export interface ApiDatabase {
  siwe_nonces: {
    nonce: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp;
    used_at: Timestamp | null;
  };
  sessions: {
    token_hash: string;
    address: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp;
    revoked_at: Timestamp | null;
  };
  api_keys: {
    id: string;
    project_id: Int8;
    name: string;
    prefix: string;
    key_hash: string;
    scopes: string[];
    created_by: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp | null;
    revoked_at: Timestamp | null;
    rotated_from: string | null;
    /** Last accepted, to the minute (written at most once a minute per key and process). */
    last_used_at: Timestamp | null;
  };
  /** The networks (IPv4 /24, IPv6 /48) each key was used from: the api_key_new_network rule's history. */
  api_key_networks: {
    key_id: string;
    network: string;
    first_seen: Timestamp;
    last_seen: Timestamp;
  };
  /** Incidents raised by the detection rules (security/). */
  security_alerts: {
    id: Serial8;
    rule: string;
    severity: string;
    project_id: Int8 | null;
    dedup_key: string;
    summary: string;
    evidence: ColumnType<unknown, string, string>;
    state: ColumnType<"open" | "acknowledged" | "resolved", "open" | "acknowledged" | "resolved" | undefined>;
    occurrences: ColumnType<number, number | undefined, number>;
    first_seen_at: Timestamp;
    last_seen_at: Timestamp;
    acknowledged_by: string | null;
    acknowledged_at: Timestamp | null;
    resolved_by: string | null;
    resolved_at: Timestamp | null;
    operator_notified_at: Timestamp | null;
  };
  /** Hourly and daily analytics per project (migration 0009; indexer/analytics/). */
  analytics_rollups: {
    project_id: Int8;
    family: string;
    metric: string;
    dimension: string;
    granularity: "hour" | "day";
    bucket_start: Timestamp;
    /** numeric: a decimal string from node-postgres, a string or number from PGlite. */
    value: ColumnType<string | number, string | number, string | number>;
    histogram: ColumnType<(string | number)[] | null, string[] | null, string[] | null>;
  };
  /** Writes already served, by credential and Idempotency-Key (src/api/http/idempotency.ts). */
  idempotency_keys: {
    id: string;
    fingerprint: string;
    state: "running" | "done";
    claim: string;
    status: number | null;
    content_type: string | null;
    body_ciphertext: string | null;
    created_at: Timestamp;
  };
  audit_log: {
    id: Serial8;
    at: DefaultTimestamp;
    actor: string;
    project_id: Int8 | null;
    action: string;
    target: string | null;
    result: string;
    detail: ColumnType<unknown, string | undefined, string>;
    request_id: string | null;
    /** The chain (db/auditHash.ts): the previous entry's hash in this project's chain, and this one's. */
    prev_hash: string;
    hash: string;
    /** Format v2: the id of the chain key that sealed it (db/auditKeys.ts); null: format v1, unkeyed. */
    key_id: ColumnType<string | null, string | null | undefined, string | null>;
    /** Seals actor, detail and request id; erased with them when retention anonymizes the entry. */
    salt: string | null;
    /** The sealed digest of the erased fields; set only on anonymized entries. */
    personal_digest: string | null;
    redacted_at: Timestamp | null;
  };
  /** Each chain's newest hash (project id, or "global"); writers lock this row to append. */
  audit_heads: {
    chain: string;
    project_id: Int8 | null;
    last_id: Int8 | null;
    last_hash: string;
    updated_at: DefaultTimestamp;
  };
  /** When the chains became keyed (one row, id 1): the last id before, sealed with that key (db/auditKeying.ts). */
  audit_keying: {
    id: ColumnType<number, number | undefined, never>;
    keyed_after: Int8;
    kid: string;
    created_at: Timestamp;
    mac: string;
  };
  /** A run of consecutive entries that retention deleted: the hash before it and its last hash. */
  audit_checkpoints: {
    id: Serial8;
    run_id: string;
    project_id: Int8 | null;
    first_id: Int8;
    last_id: Int8;
    prev_hash: string;
    last_hash: string;
    rows_purged: number;
    created_at: Timestamp;
  };
  /** What one retention run did to one chain and class (checkpoints: same run_id and project). */
  audit_retention_receipts: {
    id: Serial8;
    run_id: string;
    ran_at: Timestamp;
    project_id: Int8 | null;
    class: string;
    mode: string;
    days: number;
    cutoff: Timestamp;
    rows_deleted: number;
    rows_anonymized: number;
  };
  webhook_endpoints: {
    id: string;
    project_id: Int8;
    url: string;
    event_types: string[];
    description: string | null;
    rate_limit_per_second: number;
    enabled: ColumnType<boolean, boolean | undefined, boolean>;
    disabled_at: Timestamp | null;
    disabled_reason: string | null;
    secret_ciphertext: string;
    previous_secret_ciphertext: string | null;
    previous_secret_expires_at: Timestamp | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
    deleted_at: Timestamp | null;
  };
  webhook_settings: {
    project_id: Int8;
    confirmations: number | null;
    budget_low_threshold: ColumnType<string, string, string>;
    updated_at: DefaultTimestamp;
  };
  webhook_events: {
    id: string;
    source_id: string;
    outbox_id: string | null;
    type: string;
    project_ids: ColumnType<string[], string[], string[]>;
    chain_id: number;
    block_number: Int8 | null;
    block_hash: string | null;
    block_timestamp: Int8 | null;
    transaction_hash: string | null;
    log_index: number | null;
    data: ColumnType<unknown, string, string>;
    state: string;
    created_at: DefaultTimestamp;
    /** When the chain trail considered the final event (migration 0012); null until then. */
    trailed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
  webhook_deliveries: {
    id: string;
    event_id: string;
    endpoint_id: string;
    project_id: Int8;
    status: string;
    confirmations: number | null;
    attempts: ColumnType<number, number | undefined, number>;
    next_attempt_at: Timestamp | null;
    lease_until: Timestamp | null;
    lease_pid: number | null;
    last_status_code: number | null;
    created_at: DefaultTimestamp;
    delivered_at: Timestamp | null;
  };
  webhook_attempts: {
    id: Serial8;
    delivery_id: string;
    attempt: number;
    at: Timestamp;
    status_code: number | null;
    latency_ms: number;
    error: string | null;
  };
}
