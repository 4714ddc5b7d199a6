/**
 * The privacy library's public entry (`@onekey/web/privacy`): what services, tests and the local
 * network outside web/ may use. Inside web/, the app imports the modules directly.
 */
export { KeyServiceKeyAccess, type KeyServiceKeyAccessOptions } from "./keys/keyservice-key-access.js";
export { type OpenRecordParams, openRecord, type SealedRecord, type SealRecordParams, sealRecord } from "./record.js";
export { createDataItem, type SignedDataItem, type Tag } from "./storage/ans104.js";
export { ArlocalStorage, type ArlocalStorageOptions } from "./storage/arlocal-storage.js";
export { BundlerStorage, type BundlerStorageOptions } from "./storage/bundler-storage.js";
