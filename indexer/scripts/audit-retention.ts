/**
 * Runs the audit retention job once (db/auditRetention.ts): deletes or anonymizes the entries past
 * their class's days, leaving checkpoints and receipts. Schedule it daily (cron, a Kubernetes
 * CronJob); nothing in the API or the worker runs it. Same environment as the API, plus the
 * ONEKEY_AUDIT_RETENTION_<CLASS>_DAYS variables (indexer/README.md, "Audit trail") and the chain keys
 * (ONEKEY_AUDIT_CHAIN_KEYS / ONEKEY_AUDIT_CHAIN_KEY_ID): it verifies each chain before purging it
 * and seals what it did into it, so it needs every key that still seals a kept entry.
 *
 *   npm run audit:retention -w @onekey/indexer
 *
 * Exit 0: done; 1: a chain does not verify and was left untouched (named); 2: it could not run.
 */
import { RETENTION_CLASSES, RETENTION_MODES, readRetentionPolicy } from "../db/auditClasses.js";
import { readAuditChainKeys, setProcessAuditChainKeys } from "../db/auditKeys.js";
import { runRetention } from "../db/auditRetention.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

let code = 2;
try {
  if (process.argv.length > 2) throw new Error(`Unknown arguments "${process.argv.slice(2).join(" ")}": it takes none`);
  // Both read before the database opens: a bad value stops the run with the variable's name.
  const policy = readRetentionPolicy();
  setProcessAuditChainKeys(readAuditChainKeys());
  const store = openApiDb(readApiConfig().store);
  try {
    const result = await runRetention(store.db, { now: new Date(), policy });
    console.log(`audit retention run ${result.runId}`);
    for (const c of RETENTION_CLASSES) {
      const done =
        RETENTION_MODES[c] === "delete" ? `${result.deleted[c]} deleted` : `${result.anonymized[c]} anonymized`;
      console.log(`  ${c}: ${policy[c]} days (before ${result.cutoffs[c].toISOString()}): ${done}`);
    }
    console.log(`  checkpoints written: ${result.checkpoints}`);
    for (const b of result.skipped) {
      const chain = b.projectId === null ? "the global chain" : `project ${b.projectId}`;
      console.log(`  SKIPPED ${chain}: broken at entry id ${b.id}: ${b.reason}`);
    }
    code = result.skipped.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(`audit:retention could not run: ${(error as Error).message}`);
}
process.exit(code);
