import { serve } from "@hono/node-server";
import { FlagSet, watchFlags } from "@onekey/deploy";
import { exitAfterConfigCheck } from "@onekey/service-kit/config-check";
import { loadPlans, watchPlans } from "@onekey/service-kit/plans";
import { loadConfig } from "./config.js";
import { startBackgroundJobs } from "./kyc/jobs.js";
import { createLogger, loggableError } from "./logger.js";
import { openIssuerResources } from "./resources.js";
import { createIssuerApp } from "./server.js";
import { describeSigner } from "./signing/signer.js";
import { createRefusalCounts } from "./sponsorship/refusal-counts.js";

// `--check-config`: validate the configuration (nothing is contacted), print the outcome, exit.
exitAfterConfigCheck("onekey issuer", () => {
  const checked = loadConfig();
  FlagSet.read(checked.flagsFile);
  loadPlans(checked.plansFile);
  return `network ${checked.network}, chain ${checked.chainId}, providers ${checked.kyc.providers.join(",")}, listen ${checked.host}:${checked.port}`;
});
const config = loadConfig();
const logger = createLogger(config.logLevel);
// One bad request must never stop the service: log (without secrets) and keep serving.
process.on("unhandledRejection", (error) => logger.error({ err: loggableError(error) }, "unhandled rejection"));
// Read now (a bad file stops the start) and again on every change (a bad change is ignored).
const flags = watchFlags(config.flagsFile, {
  onChange: () => logger.info({ flagsFile: config.flagsFile }, "feature flags reloaded"),
  onError: (error) => logger.error({ err: error.message }, "feature flags unchanged: the changed file is invalid"),
});
// The plans (monthly verification quota), the same way: read now, again on every change.
const plans = watchPlans(config.plansFile, {
  onChange: (p) => logger.info({ plansFile: config.plansFile, version: p.version }, "plans reloaded"),
  onError: (error) => logger.error({ err: error.message }, "plans unchanged: the changed file is invalid"),
});
const resources = await openIssuerResources(config);
// Refusals per project and hour, for the security monitor's sponsorship_refusal_spike rule.
const refusals = createRefusalCounts(resources.db, {
  onError: (errorCode) => logger.warn({ errorCode }, "sponsorship refusal counts not written; kept for the next try"),
});
const { app, signer, kycSigner, kyc } = createIssuerApp(config, {
  logger,
  ledger: resources.ledger,
  limits: resources.limits,
  kyc: { db: resources.db, limits: resources.kycLimits },
  health: { db: resources.db, redis: resources.redis },
  flags,
  plans,
  refusals,
});
const stopJobs =
  kyc && config.kyc.backgroundJobs
    ? startBackgroundJobs(
        kyc,
        {
          chainPollMs: config.kyc.chainPollMs,
          cleanupMs: config.kyc.cleanupIntervalMs,
          probeMs: config.kyc.breakerHalfOpenMs,
        },
        logger,
      )
    : async () => {};
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  // One line other processes (the dev stack, tests) can wait for.
  logger.info(
    {
      port: info.port,
      signer: signer.address,
      kycSigner: kycSigner.address,
      sponsorKeyIn: describeSigner(config.sponsorSigner),
      kycKeyIn: describeSigner(config.kycSigner),
      chainId: config.chainId,
      providers: config.kyc.providers,
    },
    "issuer listening",
  );
});
/** Queued audit reports get this long to reach the trail on stop; what is left is lost (and logged). */
const AUDIT_FLUSH_MS = 5_000;
const stop = () =>
  server.close(
    () =>
      void stopJobs()
        .then(async () => {
          const audit = kyc?.audit;
          if (audit && !(await audit.flush(AUDIT_FLUSH_MS))) {
            logger.warn({ unsent: audit.queued }, "audit reports not sent before stopping");
          }
        })
        .then(() => refusals.stop())
        .then(() => resources.close())
        .finally(() => process.exit(0)),
  );
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
