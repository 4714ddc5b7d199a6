/**
 * The key service as main.ts runs it, plus two faults that escape every handler once it listens:
 * a rejected promise nobody awaits and an exception thrown from a timer. Their messages carry a
 * URL with a credential, as an RPC error would. Run by process-guard.test.ts.
 */
import { parseConfig } from "../../src/config.js";
import { guardProcess } from "../../src/process-guard.js";
import { startKeyService } from "../../src/server.js";

const service = await startKeyService({
  config: parseConfig({
    chains: { "31337": { rpcUrl: "http://127.0.0.1:1", registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" } },
  }),
  log: () => undefined,
});
guardProcess();
process.stdout.write(`${JSON.stringify({ keyservice: service.url })}\n`);
void Promise.reject(new Error("eth_call failed at https://rpc.example/v2/SECRET-API-KEY"));
setTimeout(() => {
  throw new TypeError("cannot read https://user:SECRET-PASSWORD@rpc.example/");
}, 10);
