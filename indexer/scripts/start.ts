/**
 * Starts one of the indexer workspace's production processes after validating its configuration
 * (services.ts); the root commands are `npm run start:indexer | start:api | start:worker`.
 *
 *   tsx indexer/scripts/start.ts indexer|api|worker [--check-config]
 *
 * A bad configuration prints each problem by variable name (never a secret value) and exits 1;
 * `--check-config` stops after the check. Ponder runs as a child (`ponder start`/`ponder serve`)
 * that receives SIGTERM/SIGINT and whose exit code this process passes on; the worker runs here.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { CHECK_CONFIG_FLAG, checkConfig } from "@onekey/service-kit/config-check";
import { INDEXER_SERVICES, indexerRoot, isIndexerService, planService, ponderCli } from "./services.js";

const service = process.argv[2];
if (!isIndexerService(service)) {
  process.stderr.write(`usage: start.ts <${INDEXER_SERVICES.join("|")}> [${CHECK_CONFIG_FLAG}]\n`);
  process.exit(2);
}

const check = checkConfig(`onekey ${service}`, () => planService(service).summary);
(check.ok ? process.stdout : process.stderr).write(`${check.text}\n`);
if (!check.ok) process.exit(1);
if (process.argv.includes(CHECK_CONFIG_FLAG)) process.exit(0);

const plan = planService(service);
if (!plan.ponderArgs || !plan.listen) {
  await import("../webhooks/worker/main.js");
} else {
  const { host, port } = plan.listen;
  if (!(await portFree(host, port))) {
    process.stderr.write(
      `onekey ${service}: ONEKEY_INDEXER_PORT ${port} is in use on ${host} (Ponder would silently take the next one)\n`,
    );
    process.exit(1);
  }
  const child = spawn(process.execPath, [ponderCli(), ...plan.ponderArgs], { cwd: indexerRoot, stdio: "inherit" });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
