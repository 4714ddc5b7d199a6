/** The API's own tables once every migration is applied (without Kysely's bookkeeping tables). */
export const API_TABLES = [
  "api_keys",
  "audit_log",
  "idempotency_keys",
  "sessions",
  "siwe_nonces",
  "webhook_attempts",
  "webhook_cursors",
  "webhook_deliveries",
  "webhook_endpoints",
  "webhook_events",
  "webhook_settings",
];
