/**
 * The API's migrations, in order. Names sort by their number; never rename or edit a released
 * migration: add the next one. A run of pending steps is one transaction (db/migrator.ts).
 */
import type { Migration } from "kysely/migration";
import * as auth from "./0001_auth.js";
import * as apiKeysAudit from "./0002_api_keys_audit.js";
import * as webhooks from "./0003_webhooks.js";
import * as budgetEventNames from "./0004_budget_event_names.js";
import * as apiKeyLastUsed from "./0005_api_key_last_used.js";
import * as auditChain from "./0006_audit_chain.js";
import * as idempotencyKeys from "./0007_idempotency_keys.js";
import * as securityAlerts from "./0008_security_alerts.js";
import * as analytics from "./0009_analytics.js";
import * as apiKeyNetworks from "./0010_api_key_networks.js";
import * as auditChainKey from "./0011_audit_chain_key.js";
import * as chainTrail from "./0012_chain_trail.js";
import * as auditKeying from "./0013_audit_keying.js";

export const migrations: Record<string, Migration> = {
  "0001_auth": auth,
  "0002_api_keys_audit": apiKeysAudit,
  "0003_webhooks": webhooks,
  "0004_budget_event_names": budgetEventNames,
  "0005_api_key_last_used": apiKeyLastUsed,
  "0006_audit_chain": auditChain,
  "0007_idempotency_keys": idempotencyKeys,
  "0008_security_alerts": securityAlerts,
  "0009_analytics": analytics,
  "0010_api_key_networks": apiKeyNetworks,
  "0011_audit_chain_key": auditChainKey,
  "0012_chain_trail": chainTrail,
  "0013_audit_keying": auditKeying,
};
