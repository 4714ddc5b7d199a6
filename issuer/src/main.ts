import { serve } from "@hono/node-server";
import { loadConfig } from "./config.js";
import { createLogger, loggableError } from "./logger.js";
import { openIssuerResources } from "./resources.js";
import { createIssuerApp } from "./server.js";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
// One bad request must never stop the service: log (without secrets) and keep serving.
process.on("unhandledRejection", (error) => logger.error({ err: loggableError(error) }, "unhandled rejection"));
const resources = await openIssuerResources(config);
const { app, signer } = createIssuerApp(config, { logger, ledger: resources.ledger, limits: resources.limits });
const server = serve({ fetch: app.fetch, hostname: config.ISSUER_HOST, port: config.ISSUER_PORT }, (info) => {
  // One line other processes (the dev stack, tests) can wait for.
  logger.info({ port: info.port, signer: signer.address, chainId: config.CHAIN_ID }, "issuer listening");
});
const stop = () => server.close(() => void resources.close().finally(() => process.exit(0)));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
