/**
 * The tenant API's OpenAPI document without a running API: the same app, built on dependencies
 * that refuse any use, since describing routes runs no handler. The SDK's API types are generated
 * from this document (scripts/sdk-types.ts).
 */
import type { Kysely } from "kysely";
import type { ApiDatabase } from "../../db/tables.js";
import { createLogger } from "../../lib/logger.js";
import { createApi, openApiInfo } from "./app.js";
import { readApiConfig } from "./config.js";
import { createMetrics } from "./http/metrics.js";
import type { ReadModel } from "./readModel.js";

/** A stand-in that throws on any use. */
function refused<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get(_, property) {
      throw new Error(`${what}.${String(property)} is not available while describing the API`);
    },
  });
}

export function tenantApiDocument() {
  // The defaults of the local network: settings change limits, never the document (`servers`
  // stays relative: where the API is served is the deployment's to say, in its own /openapi.json).
  const config = readApiConfig({});
  const app = createApi({
    config,
    store: refused<Kysely<ApiDatabase>>("store"),
    readModel: refused<ReadModel>("readModel"),
    verifySignature: () => Promise.reject(new Error("no signatures while describing the API")),
    logger: createLogger("error", "onekey-api", () => undefined),
    metrics: createMetrics(),
  });
  return app.getOpenAPI31Document(openApiInfo(config));
}
