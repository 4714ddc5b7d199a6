/**
 * An ANS-104 bundler reached over plain HTTP, the way Irys/Turbo upload services take signed
 * data items: `POST /tx` with the item's bytes (or, above 2 MiB, in chunks through `/chunks/…`,
 * with progress per chunk and a resume point after each), a receipt naming its id, and the item's
 * data served at `/{id}`. Used against the local bundler node (@onekey/devnet/local-bundler), which
 * is the default local upload target: one binary request instead of arlocal's base64 JSON.
 */
import type { Hex } from "viem";
import type { Tag } from "./ans104.js";
import { type SignedDataItem, storageIdToBase64Url } from "./ans104.js";
import { bytesAt, existsAt, fetchOrUnavailable, tagsByGraphql } from "./http-storage.js";
import {
  type StorageAdapter,
  StorageNotFoundError,
  StorageRejectedError,
  StorageUnavailableError,
  storageErrorFromStatus,
  type UploadOptions,
} from "./storage.js";

/** Where a chunked upload stands, saved by the upload queue so a reload continues it. */
interface ChunkedResumeState {
  uploadId: string;
  /** Bytes the node had confirmed when this was saved (the node's own count wins on resume). */
  sent: number;
}

export interface BundlerStorageOptions {
  /** The bundler node, e.g. http://127.0.0.1:1985 (it serves reads too). */
  url: string;
  /** Items above this size go in chunks (progress per chunk, resumable); 2 MiB by default. */
  chunkedAboveBytes?: number;
}

export class BundlerStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  private readonly url: string;
  private readonly chunkedAboveBytes: number;

  constructor(options: BundlerStorageOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.chunkedAboveBytes = options.chunkedAboveBytes ?? 2 * 2 ** 20;
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    const receipt =
      item.bytes.length > this.chunkedAboveBytes
        ? await this.uploadInChunks(item, options)
        : await this.uploadWhole(item, options);
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

  private async uploadWhole(item: SignedDataItem, options: UploadOptions): Promise<{ id?: unknown }> {
    options.onProgress?.(0, item.bytes.length);
    return this.call(`${this.url}/tx`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: asBody(item.bytes),
      signal: options.signal,
    });
  }

  /** Chunk by chunk, saving where it stands after each, so a reload or crash continues. */
  private async uploadInChunks(item: SignedDataItem, options: UploadOptions): Promise<{ id?: unknown }> {
    const base = `${this.url}/chunks/arweave`;
    const total = item.bytes.length;
    const { signal } = options;
    let uploadId = (options.resumeState as Partial<ChunkedResumeState> | undefined)?.uploadId;
    const resumed = uploadId !== undefined;
    let chunkSize = 0;
    let sent = 0;
    if (uploadId) {
      // The node's count, not ours: a chunk may have landed after the last save.
      const status = await this.call(`${base}/${uploadId}/status`, { signal }).catch((error: unknown) => {
        if (error instanceof StorageNotFoundError) return undefined; // forgotten: start over
        throw error;
      });
      if (status) {
        sent = Number(status.received);
        chunkSize = Number(status.chunkSize);
      } else uploadId = undefined;
    }
    if (!uploadId) {
      const started = await this.call(`${base}/-1/-1`, { method: "POST", signal });
      uploadId = String(started.id);
      chunkSize = Number(started.chunkSize);
      await options.onResumeState?.({ uploadId, sent: 0 } satisfies ChunkedResumeState);
    }
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
      throw new StorageUnavailableError(`the bundler named no usable chunk size (${chunkSize})`);
    }
    options.onProgress?.(sent, total);
    try {
      return await this.sendChunks(item, { ...options, uploadId, chunkSize, sent });
    } catch (error) {
      // The node forgot the upload (another tab finished it, or it expired), or a resumed
      // upload no longer fits what the node holds: start over; the queue's next look at has()
      // ends the job if the item is stored by now.
      if (error instanceof StorageNotFoundError || (resumed && error instanceof StorageRejectedError)) {
        await options.onResumeState?.(undefined);
        throw new StorageUnavailableError(`the chunked upload ${uploadId} cannot continue (${error.message})`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async sendChunks(
    item: SignedDataItem,
    options: UploadOptions & { uploadId: string; chunkSize: number; sent: number },
  ): Promise<{ id?: unknown }> {
    const base = `${this.url}/chunks/arweave`;
    const total = item.bytes.length;
    const { signal, uploadId, chunkSize } = options;
    let { sent } = options;
    while (sent < total) {
      signal?.throwIfAborted();
      const end = Math.min(total, sent + chunkSize);
      // No content-type: a header-less POST is a CORS "simple" request, so a browser sends no
      // preflight for each chunk's new URL.
      const answer = await this.call(`${base}/${uploadId}/${sent}`, {
        method: "POST",
        body: asBody(item.bytes.subarray(sent, end)),
        signal,
      });
      sent = Number(answer.received);
      if (!(sent >= end)) throw new StorageUnavailableError(`the bundler confirmed ${sent} bytes, not ${end}`);
      await options.onResumeState?.({ uploadId, sent } satisfies ChunkedResumeState);
      options.onProgress?.(sent, total);
    }
    return this.call(`${base}/${uploadId}/finalize`, { method: "POST", signal });
  }

  /** One request to the node; its JSON answer, or the storage error its status means. */
  private async call(url: string, init: RequestInit): Promise<Record<string, unknown>> {
    const response = await fetchOrUnavailable(url, init);
    const text = await response.text();
    if (!response.ok) throw storageErrorFromStatus(response.status, `the bundler answered ${response.status}: ${text}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new StorageUnavailableError(`the bundler's answer is not JSON: ${text.slice(0, 100)}`);
    }
  }
}

/**
 * A Blob, not the bytes: Chromium uploads a Blob body about 8x faster than a Uint8Array one
 * (10 MiB to a loopback server: about 100 ms against 880 ms, measured here).
 */
function asBody(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}
