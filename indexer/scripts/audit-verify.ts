/**
 * Verifies the audit chains (db/auditVerify.ts) with the same environment as the API
 * (ONEKEY_INDEXER_DATABASE_URL, ONEKEY_API_SCHEMA, ONEKEY_API_PGLITE_DIR).
 *
 *   npm run audit:verify -w @onekey/indexer                  # every chain
 *   npm run audit:verify -w @onekey/indexer -- --project 7   # one project's chain
 *   npm run audit:verify -w @onekey/indexer -- --global      # entries without a project
 *
 * Exit 0: every chain checked verifies; 1: a chain is broken (the line names the entry); 2: it
 * could not run (bad arguments, environment or database).
 */
import { verifyAuditChain } from "../db/auditVerify.js";
import { openApiDb } from "../db/open.js";
import { readApiConfig } from "../src/api/config.js";

function parseArgs(args: string[]): { projectId?: bigint | null } {
  if (args.length === 0) return {};
  if (args.length === 1 && args[0] === "--global") return { projectId: null };
  if (args.length === 2 && args[0] === "--project" && /^\d{1,19}$/.test(args[1] ?? "")) {
    return { projectId: BigInt(args[1] as string) };
  }
  throw new Error(`Unknown arguments "${args.join(" ")}": use --project <id> or --global, or nothing for every chain`);
}

let code = 2;
try {
  const options = parseArgs(process.argv.slice(2));
  const store = openApiDb(readApiConfig().store);
  try {
    const result = await verifyAuditChain(store.db, options);
    if (result.ok) {
      console.log(`audit chain ok: ${result.checked} entries in ${result.chains} chain(s)`);
      code = 0;
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
