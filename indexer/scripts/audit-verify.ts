/**
 * Verifies the audit chains (db/auditVerify.ts) with the same environment as the API
 * (ONEKEY_INDEXER_DATABASE_URL, ONEKEY_API_SCHEMA, ONEKEY_API_PGLITE_DIR, and the chain keys
 * ONEKEY_AUDIT_CHAIN_KEYS / ONEKEY_AUDIT_CHAIN_KEY_ID, every key still sealing a kept entry).
 *
 *   npm run audit:verify -w @onekey/indexer                  # every chain
 *   npm run audit:verify -w @onekey/indexer -- --project 7   # one project's chain
 *   npm run audit:verify -w @onekey/indexer -- --global      # entries without a project
 *   ... -- --keyed-after 41234     # every entry past id 41234 must be keyed (format v2)
 *
 * The cut-over (entries past it must be keyed) defaults to ONEKEY_AUDIT_CHAIN_KEYED_AFTER, else the
 * sealed record the first keyed writer left (db/auditKeying.ts); --keyed-after overrides both.
 *
 * Exit 0: every chain checked verifies; 1: a chain is broken (the line names the entry); 2: it
 * could not run (bad arguments, environment or database), or an entry's key is not configured.
 */
import { readAuditChainKeys } from "../db/auditKeys.js";
import { type VerifyOptions, verifyAuditChain } from "../db/auditVerify.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

function parseArgs(args: string[]): VerifyOptions {
  const options: VerifyOptions = {};
  const bad = () =>
    new Error(
      `Unknown arguments "${args.join(" ")}": use --project <id> or --global, or nothing for every chain, and optionally --keyed-after <id>`,
    );
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--global" && options.projectId === undefined) options.projectId = null;
    else if ((flag === "--project" || flag === "--keyed-after") && /^\d{1,19}$/.test(args[i + 1] ?? "")) {
      const value = BigInt(args[++i] as string);
      if (flag === "--project" && options.projectId === undefined) options.projectId = value;
      else if (flag === "--keyed-after" && options.keyedAfter === undefined) options.keyedAfter = value;
      else throw bad();
    } else throw bad();
  }
  return options;
}

let code = 2;
try {
  const options = parseArgs(process.argv.slice(2));
  // Read here so a bad key setting stops the run by name; the key ids (never the keys) are printed.
  const ring = readAuditChainKeys();
  options.keys = ring?.keys ?? new Map();
  // The flag overrides ONEKEY_AUDIT_CHAIN_KEYED_AFTER, which overrides the sealed record (audit_keying).
  options.keyedAfter ??= ring?.keyedAfter;
  const store = openApiDb(readApiConfig().store);
  try {
    const result = await verifyAuditChain(store.db, options);
    if (result.ok) {
      console.log(`audit chain ok: ${result.checked} entries in ${result.chains} chain(s)`);
      code = 0;
    } else if (result.firstBreak?.kind === "unverifiable") {
      const b = result.firstBreak;
      const chain = b.projectId === null ? "the global chain" : `project ${b.projectId}`;
      console.log(`audit chain CANNOT VERIFY entry id ${b.id} in ${chain}: ${b.reason}`);
      console.log(
        `(${result.checked} entries verified before it; configured keys: ${ring ? [...ring.keys.keys()].join(", ") : "none"})`,
      );
      code = 2;
    } else {
      const b = result.firstBreak;
      const chain = b?.projectId === null ? "the global chain" : `project ${b?.projectId}`;
      console.log(`audit chain BROKEN at entry id ${b?.id} in ${chain}: ${b?.reason}`);
      console.log(`(${result.checked} entries verified before the break)`);
      code = 1;
    }
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(`audit:verify could not run: ${(error as Error).message}`);
}
process.exit(code);
