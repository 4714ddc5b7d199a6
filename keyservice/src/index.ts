export { configFromEnv, type KeyServiceConfig, type KeyServiceConfigInput, parseConfig } from "./config.js";
export type * from "./protocol.js";
export { type KeyServiceOptions, type RequestLogEntry, type RunningKeyService, startKeyService } from "./server.js";
