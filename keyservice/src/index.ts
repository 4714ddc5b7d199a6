export type * from "@onekey/keyservice-protocol";
export { configFromEnv, type KeyServiceConfig, type KeyServiceConfigInput, parseConfig } from "./config.js";
export { type KeyServiceOptions, type RequestLogEntry, type RunningKeyService, startKeyService } from "./server.js";
