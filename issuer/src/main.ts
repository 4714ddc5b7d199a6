import { serve } from "@hono/node-server";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createIssuerApp } from "./server.js";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const { app, signer } = createIssuerApp(config, { logger });
const server = serve({ fetch: app.fetch, hostname: config.ISSUER_HOST, port: config.ISSUER_PORT }, (info) => {
  // One line other processes (the dev stack, tests) can wait for.
  logger.info({ port: info.port, signer: signer.address, chainId: config.CHAIN_ID }, "issuer listening");
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
