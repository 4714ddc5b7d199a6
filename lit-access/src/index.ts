export {
  buildCanDecryptConditions,
  type CanDecryptCondition,
  canDecryptFunctionAbi,
  LIT_CHAIN_BY_ID,
} from "./conditions.js";
export { connectLitKeyProtector, LIT_NETWORKS, type LitNetworkName } from "./connect.js";
export { classifyLitError, LitAccessError, type LitAccessErrorKind } from "./errors.js";
export {
  type LitClientPort,
  LitKeyProtector,
  type LitKeyProtectorOptions,
  type LitProtectedKey,
  type LitSigner,
} from "./lit-key-protector.js";
