/** The API's own tables once every migration is applied (without Kysely's bookkeeping tables). */
export const API_TABLES = [
  "analytics_rollups",
  "api_keys",
  "audit_checkpoints",
  "audit_heads",
  "audit_log",
  "audit_retention_receipts",
  "idempotency_keys",
  "security_alerts",
  "sessions",
  "siwe_nonces",
  "webhook_attempts",
  "webhook_cursors",
  "webhook_deliveries",
  "webhook_endpoints",
  "webhook_events",
  "webhook_settings",
];
