/**
 * The security monitor for other workspaces' tests (the issuer's attacker scripts): the API's
 * database migrated into a schema of a test PostgreSQL, and one scan at a chosen time that reads
 * the issuer's database the way the webhook worker does (analytics/rebuild.ts `openIssuerSource`).
 */
import { readRebuildConfig } from "../analytics/config.js";
import { openIssuerSource } from "../analytics/rebuild.js";
import { migrate } from "../db/migrator.js";
import { openApiDb } from "../db/open.js";
import { listAlerts } from "../security/alerts.js";
import { readSecurityConfig } from "../security/config.js";
import { runSecurityScan, type ScanResult } from "../security/scan.js";

export interface SecurityMonitor {
  scan(now: Date): Promise<ScanResult>;
  /** Every incident raised so far, newest first. */
  incidents(): ReturnType<typeof listAlerts>;
  close(): Promise<void>;
}

/**
 * `url`: the test database for the API's schema. `env`: ONEKEY_SECURITY_* thresholds and
 * ONEKEY_ANALYTICS_ISSUER_DATABASE_URL / _SCHEMA (unset: the issuer's rule is skipped).
 */
export async function openSecurityMonitor(url: string, env: Record<string, string> = {}): Promise<SecurityMonitor> {
  const config = readSecurityConfig(env);
  const rebuild = readRebuildConfig(env);
  const store = openApiDb({ kind: "postgres", url, schema: "onekey_api_monitor" });
  await migrate(store.db, "latest");
  const issuerDb = rebuild.issuerDatabaseUrl
    ? openIssuerSource(rebuild.issuerDatabaseUrl, rebuild.issuerSchema)
    : undefined;
  return {
    scan: (now) => runSecurityScan(store.db, { config, chainId: 31337, now, issuerDb }),
    incidents: () => listAlerts(store.db),
    close: async () => {
      await issuerDb?.destroy();
      await store.close();
    },
  };
}
