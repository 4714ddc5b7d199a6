/**
 * `npm run start -w @onekey/keyservice`: reads its configuration from the environment and the
 * deployment book (config.ts), prints one JSON line {"keyservice": url} once listening, and stops
 * on SIGINT/SIGTERM. An error that escapes a request is logged and the service keeps serving
 * (process-guard.ts).
 */
import { configFromEnv } from "./config.js";
import { guardProcess } from "./process-guard.js";
import { startKeyService } from "./server.js";

// A bad configuration still stops the start (fail fast); only then does the guard go up.
const service = await startKeyService({ config: configFromEnv(process.env) });
guardProcess();
process.stdout.write(`${JSON.stringify({ keyservice: service.url })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}
