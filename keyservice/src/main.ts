/**
 * `npm run start:keyservice` (the local network only: production uses Lit): reads its
 * configuration from the environment and the deployment book (config.ts), prints one JSON line {"keyservice": url} once listening, and stops
 * on SIGINT/SIGTERM. An error that escapes a request is logged and the service keeps serving
 * (process-guard.ts).
 */
import { exitAfterConfigCheck } from "@onekey/service-kit/config-check";
import { configFromEnv } from "./config.js";
import { guardProcess } from "./process-guard.js";
import { startKeyService } from "./server.js";

// `--check-config`: validate the configuration (nothing is contacted), print the outcome, exit.
exitAfterConfigCheck("onekey keyservice", () => {
  const checked = configFromEnv(process.env);
  return `chains ${Object.keys(checked.chains).join(",")}, listen ${checked.host}:${checked.port}, keys ${checked.dataDir ? "on disk" : "in memory"}`;
});
// A bad configuration still stops the start (fail fast); only then does the guard go up.
const service = await startKeyService({ config: configFromEnv(process.env) });
guardProcess();
process.stdout.write(`${JSON.stringify({ keyservice: service.url })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}
