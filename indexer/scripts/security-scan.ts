/**
 * Runs the security rules once (security/scan.ts) against the API's database, with the API's
 * environment and the ONEKEY_SECURITY_* thresholds; the webhook worker runs the same scan on a
 * timer. Prints each new incident.
 *
 *   npm run security:scan -w @onekey/indexer
 */
import { FlagSet } from "@onekey/deploy";
import { readRebuildConfig } from "../analytics/config.js";
import { openIssuerSource } from "../analytics/rebuild.js";
import { openApiDb } from "../db/open.js";
import { readIndexerEnv } from "../lib/env.js";
import { readSecurityConfig } from "../security/config.js";
import { runSecurityScan } from "../security/scan.js";
import { readApiConfig } from "../src/api/config.js";

let code = 2;
try {
  const api = readApiConfig();
  const config = readSecurityConfig(process.env);
  const rebuild = readRebuildConfig();
  const store = openApiDb(api.store);
  // The issuer's refusals (the sponsorship_refusal_spike rule), where the analytics rebuild reads the issuer.
  const issuerDb = rebuild.issuerDatabaseUrl
    ? openIssuerSource(rebuild.issuerDatabaseUrl, rebuild.issuerSchema)
    : undefined;
  try {
    const result = await runSecurityScan(store.db, {
      config,
      chainId: api.chainId,
      flags: FlagSet.read(readIndexerEnv().flagsFile),
      // The chain rules read Ponder's views, which exist beside the API's schema on PostgreSQL.
      chainSchema: api.store.kind === "postgres" ? rebuild.viewsSchema : undefined,
      issuerDb,
    });
    for (const { rule, reason } of result.skipped) console.log(`rule ${rule} skipped: ${reason}`);
    for (const alert of result.raised) {
      console.log(`NEW ${alert.severity} ${alert.rule} #${alert.id}: ${alert.summary}`);
    }
    for (const { rule, errorCode } of result.failed)
      console.error(`rule ${rule} could not run (${errorCode ?? "error"})`);
    console.log(
      `security scan: ${result.findings} finding(s), ${result.raised.length} new incident(s), ${result.operatorAccepted} sent to operators`,
    );
    code = result.failed.length > 0 ? 1 : 0;
  } finally {
    await issuerDb?.destroy();
    await store.close();
  }
} catch (error) {
  console.error(`security:scan could not run: ${(error as Error).message}`);
}
process.exit(code);
