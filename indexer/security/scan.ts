/**
 * One pass of security monitoring: every rule over the trail, each finding raised (new incidents
 * go to their project and to the operators), then the operators' channel retried for anything it
 * has not accepted. The webhook worker runs it every ONEKEY_SECURITY_SCAN_SECONDS;
 * `npm run security:scan -w @onekey/indexer` runs it once.
 */
import type { FlagReader } from "@onekey/deploy";
import type { Kysely } from "kysely";
import type { ApiDatabase } from "../db/tables.js";
import { type Alert, notifyOperators, raise } from "./alerts.js";
import type { SecurityConfig } from "./config.js";
import { RULE_NAMES, RULES, type RuleName, RuleSkipped } from "./rules.js";

export interface ScanResult {
  findings: number;
  raised: Alert[];
  operatorAccepted: number;
  /** Rules that could not run this time (the others ran): their name and error code. */
  failed: { rule: RuleName; errorCode?: string }[];
  /** Rules that did not look this time, and why (a source not configured or not there yet). */
  skipped: { rule: RuleName; reason: string }[];
}

export async function runSecurityScan(
  db: Kysely<ApiDatabase>,
  options: {
    config: SecurityConfig;
    chainId: number;
    now?: Date;
    fetch?: typeof fetch;
    /** Whose incidents become `security.alert` webhook events (the securityAlertWebhooks flag). */
    flags?: FlagReader;
    /** Where the indexed chain tables are (the chain rules); absent: only the trail's rules run. */
    chainSchema?: string;
    /** The issuer's database (ONEKEY_ANALYTICS_ISSUER_DATABASE_URL); absent, the issuer's rule is skipped. */
    issuerDb?: Kysely<unknown>;
  },
): Promise<ScanResult> {
  const now = options.now ?? new Date();
  const raised: Alert[] = [];
  let findings = 0;
  const failed: ScanResult["failed"] = [];
  const skipped: ScanResult["skipped"] = [];
  // One rule that cannot run (a view not there yet, a lost race to raise) must not silence the rest.
  for (const name of RULE_NAMES) {
    try {
      const context = {
        db,
        now,
        config: options.config,
        chainSchema: options.chainSchema,
        issuerDb: options.issuerDb,
      };
      for (const finding of await RULES[name](context)) {
        findings++;
        const alert = await raise(db, finding, now, options.chainId, options.flags);
        if (alert) raised.push(alert);
      }
    } catch (error) {
      if (error instanceof RuleSkipped) {
        skipped.push({ rule: name, reason: error.message });
        continue;
      }
      failed.push({ rule: name, errorCode: (error as { code?: string }).code });
    }
  }
  const operatorAccepted = options.config.operator
    ? await notifyOperators(db, options.config.operator, now, options.fetch)
    : 0;
  return { findings, raised, operatorAccepted, failed, skipped };
}
