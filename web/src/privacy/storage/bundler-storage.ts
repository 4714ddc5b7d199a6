/**
 * An ANS-104 bundler reached over plain HTTP, the way Irys/Turbo upload services take signed
 * data items: `POST /tx` with the item's bytes, a receipt naming its id, and the item's data
 * served at `/{id}`. Used against the local bundler node (scripts/lib/local-bundler.ts), which
 * is the default local upload target: one binary request instead of arlocal's base64 JSON.
 */
import type { Hex } from "viem";
import type { Tag } from "./ans104.js";
import { type SignedDataItem, storageIdToBase64Url } from "./ans104.js";
import { bytesAt, existsAt, fetchOrUnavailable, tagsByGraphql } from "./http-storage.js";
import { type StorageAdapter, StorageUnavailableError, storageErrorFromStatus, type UploadOptions } from "./storage.js";

export class BundlerStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  private readonly url: string;

  /** `url`: the bundler node, e.g. http://127.0.0.1:1985 (it serves reads too). */
  constructor(options: { url: string }) {
    this.url = options.url.replace(/\/+$/, "");
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    options.onProgress?.(0, item.bytes.length);
    const response = await fetchOrUnavailable(`${this.url}/tx`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: item.bytes as Uint8Array<ArrayBuffer>,
      signal: options.signal,
    });
    const text = await response.text();
    if (!response.ok) throw storageErrorFromStatus(response.status, `the bundler answered ${response.status}: ${text}`);
    let receipt: { id?: unknown };
    try {
      receipt = JSON.parse(text) as { id?: unknown };
    } catch {
      throw new StorageUnavailableError("the bundler's receipt is not JSON");
    }
    if (receipt.id !== item.idBase64Url) {
      throw new StorageUnavailableError(`the bundler stored ${String(receipt.id)}, not the item ${item.idBase64Url}`);
    }
    options.onProgress?.(item.bytes.length, item.bytes.length);
  }

  has(id: Hex): Promise<boolean> {
    return existsAt(`${this.url}/tx/${storageIdToBase64Url(id)}/status`);
  }

  download(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    return bytesAt(`${this.url}/${storageIdToBase64Url(id)}`, options.signal);
  }

  tags(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Tag[]> {
    return tagsByGraphql(`${this.url}/graphql`, storageIdToBase64Url(id), options.signal);
  }
}
