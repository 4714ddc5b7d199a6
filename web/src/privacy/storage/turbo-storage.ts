/**
 * Arweave through ArDrive Turbo (production). The item is signed in the browser (ans104.ts) and
 * handed to Turbo's upload service with the Turbo SDK's `uploadSignedDataItem`; Turbo bundles it
 * onto Arweave. Reads go through an Arweave gateway. Who pays: the item's signer's Turbo credits,
 * or credits shared with it (Turbo's `paidBy`).
 */
import type { Hex } from "viem";
import { type SignedDataItem, storageIdToBase64Url, type Tag } from "./ans104.js";
import { bytesAt, existsAt, tagsByGraphql } from "./http-storage.js";
import {
  type StorageAdapter,
  StorageError,
  StorageUnavailableError,
  storageErrorFromStatus,
  type UploadOptions,
} from "./storage.js";

/** The part of a Turbo client this adapter uses (`TurboFactory.unauthenticated()` fits). */
export interface TurboUploadPort {
  uploadSignedDataItem(params: {
    dataItemStreamFactory: () => ReadableStream<Uint8Array>;
    dataItemSizeFactory: () => number;
    dataItemOpts?: { paidBy?: string | string[] };
    signal?: AbortSignal;
    events?: { onUploadProgress?: (progress: { processedBytes: number; totalBytes: number }) => void };
  }): Promise<{ id: string }>;
}

export interface TurboStorageOptions {
  turbo: TurboUploadPort;
  /** Turbo's upload service (for `/v1/tx/{id}/status`). */
  uploadUrl?: string;
  gatewayUrl?: string;
  /** Addresses whose shared credits pay for uploads (a sponsor), if not the signer's own. */
  paidBy?: string[];
}

export class TurboStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  private readonly uploadUrl: string;
  private readonly gatewayUrl: string;

  constructor(private readonly options: TurboStorageOptions) {
    this.uploadUrl = (options.uploadUrl ?? "https://upload.ardrive.io").replace(/\/+$/, "");
    this.gatewayUrl = (options.gatewayUrl ?? "https://arweave.net").replace(/\/+$/, "");
  }

  /** Creates the Turbo SDK's unauthenticated client (the browser build in a browser). */
  static async connect(options: Omit<TurboStorageOptions, "turbo">): Promise<TurboStorage> {
    const sdk =
      typeof window === "undefined" ? await import("@ardrive/turbo-sdk") : await import("@ardrive/turbo-sdk/web");
    const turbo = sdk.TurboFactory.unauthenticated({
      // The upload queue retries with backoff and resume; the SDK must not retry underneath it.
      uploadServiceConfig: {
        url: options.uploadUrl,
        retryConfig: { retries: 1, retryDelay: () => 0, onRetry: () => undefined },
      },
    });
    // The upload service itself: the client wrapper (SDK 1.43) drops `dataItemOpts`, so `paidBy`
    // would never reach Turbo through it.
    const uploadService = (turbo as unknown as { uploadService: TurboUploadPort }).uploadService;
    return new TurboStorage({ ...options, turbo: uploadService });
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    try {
      const receipt = await this.options.turbo.uploadSignedDataItem({
        dataItemStreamFactory: () => new Blob([item.bytes as Uint8Array<ArrayBuffer>]).stream(),
        dataItemSizeFactory: () => item.bytes.length,
        ...(this.options.paidBy ? { dataItemOpts: { paidBy: this.options.paidBy } } : {}),
        signal: options.signal,
        events: {
          onUploadProgress: ({ processedBytes, totalBytes }) => options.onProgress?.(processedBytes, totalBytes),
        },
      });
      if (receipt.id !== item.idBase64Url) {
        throw new StorageUnavailableError(`Turbo stored ${receipt.id}, not the item ${item.idBase64Url}`);
      }
    } catch (error) {
      throw toStorageError(error, options.signal);
    }
  }

  has(id: Hex): Promise<boolean> {
    return existsAt(`${this.uploadUrl}/v1/tx/${storageIdToBase64Url(id)}/status`);
  }

  download(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    return bytesAt(`${this.gatewayUrl}/${storageIdToBase64Url(id)}`, options.signal);
  }

  /** From the gateway's GraphQL, once it has indexed the bundle Turbo posted (minutes, not seconds). */
  tags(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Tag[]> {
    return tagsByGraphql(`${this.gatewayUrl}/graphql`, storageIdToBase64Url(id), options.signal);
  }
}

/** Turbo's FailedRequestError carries the HTTP status; anything else is a transport failure. */
function toStorageError(error: unknown, signal?: AbortSignal): unknown {
  if (error instanceof StorageError || signal?.aborted) return error;
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === "number") return storageErrorFromStatus(status, `Turbo: ${message}`);
  return new StorageUnavailableError(`Turbo upload failed: ${message}`, { cause: error });
}
