/**
 * `npm run start -w @onekey/keyservice`: reads KEYSERVICE_* from the environment, prints one JSON
 * line {"url": ...} once listening, and stops on SIGINT/SIGTERM.
 */
import { configFromEnv } from "./config.js";
import { startKeyService } from "./server.js";

const service = await startKeyService({ config: configFromEnv(process.env) });
process.stdout.write(`${JSON.stringify({ keyservice: service.url })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}
