/**
 * The deployment book for browsers (the `browser` export condition, which Vite and other bundlers
 * pick): everything in index.ts except reading deployments from disk. A web app gets its
 * network's addresses at build time from `readDeployment` (web/vite.config.ts does that).
 */
export * from "./abis.js";
export * from "./attestation.js";
export * from "./constants.js";
// Types only: deployment.ts reads files with node:fs, which a browser bundle must not evaluate.
export type { DeployedContract, Deployment } from "./deployment.js";
export * from "./entry-points.js";
export {
  type ContractErrorNameInBook,
  contractErrorMessages,
  describeContractError,
  messageForContractError,
} from "./errors.js";
export * from "./kyc-levels.js";
export { isNetworkName, type NetworkName, networkOfHardhatName, networks } from "./networks.js";
export * from "./sponsorship.js";
