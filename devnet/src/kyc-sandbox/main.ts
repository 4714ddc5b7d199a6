/**
 * The sandbox KYC provider as a process of its own:
 *
 *   npx tsx devnet/src/kyc-sandbox/main.ts [--port 4020] [--webhook-url URL] [--slow-ms 3000]
 *
 * Credentials come from KYC_SANDBOX_APP_TOKEN, KYC_SANDBOX_SECRET_KEY, KYC_SANDBOX_WEBHOOK_SECRET
 * and KYC_SANDBOX_ADMIN_TOKEN (random when unset). Prints one JSON line once listening:
 * {"url":...,"appToken":...,"secretKey":...,"webhookSecret":...,"adminToken":...}; stops on
 * SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startKycSandbox } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    "webhook-url": { type: "string" },
    "slow-ms": { type: "string", default: "3000" },
  },
});
const port = Number(values.port);
const slowMs = Number(values["slow-ms"]);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be a port number");
if (!Number.isInteger(slowMs) || slowMs < 0) throw new Error("--slow-ms must be a number of milliseconds");

const sandbox = await startKycSandbox({
  port,
  host: values.host,
  webhookUrl: values["webhook-url"],
  slowMs,
  appToken: process.env.KYC_SANDBOX_APP_TOKEN || undefined,
  secretKey: process.env.KYC_SANDBOX_SECRET_KEY || undefined,
  webhookSecret: process.env.KYC_SANDBOX_WEBHOOK_SECRET || undefined,
  adminToken: process.env.KYC_SANDBOX_ADMIN_TOKEN || undefined,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify({ url: sandbox.url, ...sandbox.credentials })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void sandbox.stop().then(() => process.exit(0)));
}
