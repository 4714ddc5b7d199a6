/**
 * The privacy library's adapters as the app uses them, built once on first need (the verify
 * route loads them when it reaches encryption, the account page when a record is opened): the
 * storage network and key network the configuration names, and the resumable upload queue whose
 * state lives in IndexedDB.
 */
import { createKeyAccess, createStorage, storageNetworkIdOf } from "../privacy/config.js";
import type { KeyAccess } from "../privacy/keys/key-access.js";
import type { StorageAdapter } from "../privacy/storage/storage.js";
import { UploadQueue } from "../privacy/storage/upload-queue.js";
import { IndexedDbUploadStateStore } from "../privacy/storage/upload-state.js";
import type { AppConfig } from "./config.js";

export interface PrivacyServices {
  storage: StorageAdapter;
  keyAccess: KeyAccess;
  queue: UploadQueue;
  /** KycRegistry's storageNetwork for what this app uploads. */
  storageNetwork: number;
}

let services: Promise<PrivacyServices> | undefined;

export function privacyServices(config: AppConfig): Promise<PrivacyServices> {
  services ??= (async () => {
    // The key network's challenges name this page: the origin the key service is configured for.
    const context = { domain: location.host, uri: location.origin };
    const [storage, keyAccess] = await Promise.all([
      createStorage(config.privacy, context),
      createKeyAccess(config.privacy, context),
    ]);
    const queue = new UploadQueue({ storage, state: new IndexedDbUploadStateStore() });
    return { storage, keyAccess, queue, storageNetwork: storageNetworkIdOf(config.privacy) };
  })().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}
