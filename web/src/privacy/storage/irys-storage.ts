/**
 * Irys (production; the design's first choice). Irys is its own datachain now and no longer
 * settles on Arweave, which is why the registry records the network beside the id. The item is
 * signed in the browser and handed to a built Irys client as a raw transaction: `@irys/upload`
 * in Node (what the tests use), or `@irys/web-upload` with the wallet adapter the app picks in a
 * browser. Irys answers with a signed receipt. Ids are the same 32 bytes, in base58 on Irys's side.
 */
import { type Hex, hexToBytes } from "viem";
import { type SignedDataItem, storageIdToBase64Url, type Tag } from "./ans104.js";
import { base58, bytesAt, existsAt, tagsByGraphql } from "./http-storage.js";
import {
  type StorageAdapter,
  StorageError,
  StorageUnavailableError,
  storageErrorFromStatus,
  type UploadOptions,
} from "./storage.js";

/** The part of a built Irys client this adapter uses. */
export interface IrysUploadPort {
  transaction: { fromRaw(raw: Uint8Array): unknown };
  uploader: {
    uploadTransaction(
      transaction: unknown,
      options?: { paidBy?: string },
    ): Promise<{ status: number; data: { id: string } }>;
  };
}

export interface IrysStorageOptions {
  irys: IrysUploadPort;
  /** The Irys node the client uploads to (for `/tx/{id}/status`). */
  bundlerUrl: string;
  gatewayUrl?: string;
  /** A sponsor address with an Irys approval for the signer, if the signer does not pay. */
  paidBy?: string;
}

export class IrysStorage implements StorageAdapter {
  readonly network = "irys" as const;
  private readonly bundlerUrl: string;
  private readonly gatewayUrl: string;

  constructor(private readonly options: IrysStorageOptions) {
    this.bundlerUrl = options.bundlerUrl.replace(/\/+$/, "");
    this.gatewayUrl = (options.gatewayUrl ?? "https://gateway.irys.xyz").replace(/\/+$/, "");
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    options.onProgress?.(0, item.bytes.length);
    try {
      // The client wants its own DataItem class; fromRaw parses our bytes into one (Buffer in Node).
      const raw = typeof Buffer === "undefined" ? item.bytes : Buffer.from(item.bytes);
      const transaction = this.options.irys.transaction.fromRaw(raw);
      const response = await this.options.irys.uploader.uploadTransaction(
        transaction,
        this.options.paidBy ? { paidBy: this.options.paidBy } : undefined,
      );
      const expected = [item.idBase64Url, base58(hexToBytes(item.id))];
      if (!expected.includes(response.data.id)) {
        throw new StorageUnavailableError(`Irys stored ${response.data.id}, not the item ${expected.join(" / ")}`);
      }
    } catch (error) {
      throw toStorageError(error);
    }
    options.onProgress?.(item.bytes.length, item.bytes.length);
  }

  has(id: Hex): Promise<boolean> {
    return existsAt(`${this.bundlerUrl}/tx/${base58(hexToBytes(id))}/status`);
  }

  download(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    return bytesAt(`${this.gatewayUrl}/${base58(hexToBytes(id))}`, options.signal);
  }

  /** From the Irys node's GraphQL (https://uploader.irys.xyz/graphql), which indexes at upload. */
  tags(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Tag[]> {
    return tagsByGraphql(`${this.bundlerUrl}/graphql`, base58(hexToBytes(id)), options.signal, [
      storageIdToBase64Url(id),
    ]);
  }
}

/**
 * The Irys client throws plain Errors: "402 error: ..." for an unfunded signer, "whilst uploading
 * Irys transaction: <status> ..." for other HTTP failures, axios errors (with `response.status`
 * or none) for transport failures.
 */
function toStorageError(error: unknown): unknown {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const responseStatus = (error as { response?: { status?: unknown } }).response?.status;
  const status =
    typeof responseStatus === "number"
      ? responseStatus
      : Number(/^(\d{3}) error:/.exec(message)?.[1] ?? /uploading Irys transaction: (\d{3})/.exec(message)?.[1]);
  if (Number.isInteger(status) && status > 0) return storageErrorFromStatus(status, `Irys: ${message}`);
  return new StorageUnavailableError(`Irys upload failed: ${message}`, { cause: error });
}
