/**
 * The deployment book: the one bridge from Solidity to TypeScript. indexer/, issuer/ and web/
 * import ABIs, networks and addresses from here, never from artifacts/.
 */
export * from "./abis.js";
export * from "./attestation.js";
export * from "./constants.js";
export { contractOf, type DeployedContract, type Deployment, deploymentsDir, readDeployment } from "./deployment.js";
export * from "./entry-points.js";
export {
  type ContractErrorNameInBook,
  contractErrorMessages,
  describeContractError,
  messageForContractError,
} from "./errors.js";
export * from "./flags.js";
export * from "./kyc-levels.js";
export { isNetworkName, type NetworkName, networkOfHardhatName, networks } from "./networks.js";
export * from "./safe-batch.js";
export * from "./sponsorship.js";
