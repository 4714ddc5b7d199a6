/**
 * Arweave through ArDrive Turbo (production). The item is signed in the browser (ans104.ts) and
 * posted as-is to Turbo's upload service, `POST {uploadUrl}/v1/tx/arweave` with the item's bytes,
 * which is all the Turbo SDK's `uploadSignedDataItem` does (SDK 1.43, checked against its
 * source and byte for byte in production-adapters.node.test.ts); our own request replaces the SDK
 * and the ~180 packages it brought. Turbo bundles the item onto Arweave. Reads go through an
 * Arweave gateway. Who pays: the item's signer's Turbo credits, or credits shared with it
 * (`x-paid-by`). No retries here: the upload queue retries with backoff and resume.
 */
import type { Hex } from "viem";
import { type SignedDataItem, storageIdToBase64Url, type Tag } from "./ans104.js";
import { bytesAt, existsAt, fetchOrUnavailable, tagsByGraphql } from "./http-storage.js";
import { type StorageAdapter, StorageUnavailableError, storageErrorFromStatus, type UploadOptions } from "./storage.js";

export interface TurboStorageOptions {
  /** Turbo's upload service: https://upload.ardrive.io by default. */
  uploadUrl?: string;
  gatewayUrl?: string;
  /** Addresses whose shared credits pay for uploads (a sponsor), if not the signer's own. */
  paidBy?: string[];
}

export class TurboStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  private readonly uploadUrl: string;
  private readonly gatewayUrl: string;

  constructor(private readonly options: TurboStorageOptions = {}) {
    this.uploadUrl = (options.uploadUrl ?? "https://upload.ardrive.io").replace(/\/+$/, "");
    this.gatewayUrl = (options.gatewayUrl ?? "https://arweave.net").replace(/\/+$/, "");
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    options.onProgress?.(0, item.bytes.length);
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    // One header, the sponsors comma-separated: what a server reads from the SDK's repeated
    // header lines once they are combined (RFC 9110, 5.3).
    if (this.options.paidBy?.length) headers["x-paid-by"] = this.options.paidBy.join(", ");
    const response = await fetchOrUnavailable(`${this.uploadUrl}/v1/tx/arweave`, {
      method: "POST",
      headers,
      // A Blob, as in BundlerStorage: Chromium uploads it much faster than the bare bytes.
      body: new Blob([item.bytes as Uint8Array<ArrayBuffer>]),
      signal: options.signal,
    });
    const text = await response.text().catch((error: unknown) => {
      if (options.signal?.aborted) throw error;
      throw new StorageUnavailableError("Turbo's answer was cut off", { cause: error });
    });
    if (!response.ok) throw storageErrorFromStatus(response.status, `Turbo answered ${response.status}: ${text}`);
    let receipt: { id?: unknown };
    try {
      receipt = JSON.parse(text) as { id?: unknown };
    } catch {
      throw new StorageUnavailableError(`Turbo's receipt is not JSON: ${text.slice(0, 100)}`);
    }
    if (receipt.id !== item.idBase64Url) {
      throw new StorageUnavailableError(`Turbo stored ${String(receipt.id)}, not the item ${item.idBase64Url}`);
    }
    options.onProgress?.(item.bytes.length, item.bytes.length);
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
