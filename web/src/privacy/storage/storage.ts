/**
 * Permanent storage behind one interface: a bundler network that takes signed ANS-104 data items
 * and a gateway that serves them by id. Production: Arweave through ArDrive Turbo, or Irys.
 * Local: arlocal. The network is recorded on-chain beside the 32-byte id (`storageNetwork`).
 */
import { STORAGE_NETWORKS, type StorageNetworkName } from "@onekey/deploy";
import type { Hex } from "viem";
import type { SignedDataItem, Tag } from "./ans104.js";

/** KycRegistry's `STORAGE_ARWEAVE` / `STORAGE_IRYS`, from the deployment book. */
export const STORAGE_NETWORK_ID = STORAGE_NETWORKS;
export type { StorageNetworkName };

export interface UploadOptions {
  signal?: AbortSignal;
  onProgress?(sentBytes: number, totalBytes: number): void;
  /** What the adapter saved last time (after a crash or reload), to continue instead of restart. */
  resumeState?: unknown;
  /** Called whenever the adapter has progress worth resuming from. */
  onResumeState?(state: unknown): void | Promise<void>;
}

export interface StorageAdapter {
  readonly network: StorageNetworkName;
  /** Stores a signed data item. Sending the same item twice stores it once (its id is its signature's hash). */
  upload(item: SignedDataItem, options?: UploadOptions): Promise<void>;
  /** Whether an item with this id is already stored. */
  has(id: Hex): Promise<boolean>;
  /** The item's data (not the item envelope), as stored. */
  download(id: Hex, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /**
   * The item's tags, from the network's GraphQL index (where a record keeps its protected-key
   * blob). Not covered by the on-chain hash: whoever uses a tag must check it another way.
   */
  tags(id: Hex, options?: { signal?: AbortSignal }): Promise<Tag[]>;
}

export abstract class StorageError extends Error {
  abstract readonly code: string;
  /** Whether trying again later may succeed. */
  abstract readonly retryable: boolean;
}

/** Network failure, timeout, 429 or 5xx: worth retrying. */
export class StorageUnavailableError extends StorageError {
  override readonly name = "StorageUnavailableError";
  readonly code = "STORAGE_UNAVAILABLE";
  readonly retryable = true;
}

/** The account behind the upload cannot pay for it (402). */
export class StoragePaymentError extends StorageError {
  override readonly name = "StoragePaymentError";
  readonly code = "STORAGE_PAYMENT_REQUIRED";
  readonly retryable = false;
}

/** The network refused the item itself (a 4xx other than 402/404/429). */
export class StorageRejectedError extends StorageError {
  override readonly name = "StorageRejectedError";
  readonly code = "STORAGE_REJECTED";
  readonly retryable = false;
}

export class StorageNotFoundError extends StorageError {
  override readonly name = "StorageNotFoundError";
  readonly code = "STORAGE_NOT_FOUND";
  readonly retryable = false;
}

/** Read bytes whose keccak256 is not the on-chain ciphertextHash: never decrypt them. */
export class IntegrityError extends StorageError {
  override readonly name = "IntegrityError";
  readonly code = "STORAGE_INTEGRITY";
  readonly retryable = false;
  constructor(
    readonly expected: Hex,
    readonly actual: Hex,
  ) {
    super(`stored bytes hash to ${actual}, not the on-chain ciphertextHash ${expected}`);
  }
}

/** Maps an HTTP status from a bundler or gateway onto the storage errors. */
export function storageErrorFromStatus(status: number, detail: string): StorageError {
  if (status === 402) return new StoragePaymentError(detail);
  if (status === 404) return new StorageNotFoundError(detail);
  if (status === 408 || status === 429 || status >= 500) return new StorageUnavailableError(detail);
  return new StorageRejectedError(detail);
}
