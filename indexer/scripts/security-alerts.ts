/**
 * The operators' handle on incidents (security/alerts.ts) on the host; the API has the same under
 * /v1/operator/incidents:
 *
 *   npm run security:alerts -w @onekey/indexer                                   # open and acknowledged
 *   npm run security:alerts -w @onekey/indexer -- ack 12 --by 0xOperator...      # acknowledge #12
 *   npm run security:alerts -w @onekey/indexer -- resolve 12 --by 0xOperator...  # resolve #12
 *
 * Each acknowledgement and resolution is written to the audit trail with the operator's name.
 * Exit 0: done; 1: no such alert, or already in that state; 2: bad arguments or environment.
 */
import { openApiDb } from "../db/open.js";
import { listAlerts, setAlertState } from "../security/alerts.js";
import { readApiConfig } from "../src/api/config.js";

const USAGE = "use no arguments (list), or ack|resolve <alert id> --by <operator>";

let code = 2;
try {
  const [verb, id, flag, operator] = process.argv.slice(2);
  const store = openApiDb(readApiConfig().store);
  try {
    if (verb === undefined) {
      const alerts = [...(await listAlerts(store.db, "open")), ...(await listAlerts(store.db, "acknowledged"))];
      for (const a of alerts) {
        console.log(
          `#${a.id} ${a.state} ${a.severity} ${a.rule} x${a.occurrences} since ${a.firstSeenAt}: ${a.summary}`,
        );
      }
      console.log(`${alerts.length} unresolved incident(s)`);
      code = 0;
    } else if ((verb === "ack" || verb === "resolve") && /^\d{1,19}$/.test(id ?? "") && flag === "--by" && operator) {
      const state = verb === "ack" ? "acknowledged" : "resolved";
      const result = await setAlertState(store.db, id as string, state, operator, new Date());
      if (typeof result === "string") {
        console.log(result === "not_found" ? `no alert #${id}` : `alert #${id} is already ${state} or resolved`);
        code = 1;
      } else {
        console.log(`alert #${result.id} is ${result.state}`);
        code = 0;
      }
    } else {
      throw new Error(`Unknown arguments "${process.argv.slice(2).join(" ")}": ${USAGE}`);
    }
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(`security:alerts could not run: ${(error as Error).message}`);
}
process.exit(code);
