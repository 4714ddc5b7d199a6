/**
 * The local storage adapter: arlocal (a local Arweave gateway). It plays the bundler's part
 * itself: the signed data item goes into an ANS-104 bundle, the bundle into an Arweave
 * transaction signed by a local wallet (arweave-js). Up to about 10 MiB it goes in one request;
 * above, in 256 KiB chunks, so an interrupted upload continues from the chunk after the last one
 * that arrived. arlocal unbundles it and serves the item by id.
 */
import ArweaveModule from "arweave";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import type { Hex } from "viem";
import { bundleItems, type SignedDataItem, storageIdToBase64Url, type Tag } from "./ans104.js";
import { tagsByGraphql } from "./http-storage.js";
import { type StorageAdapter, StorageUnavailableError, storageErrorFromStatus, type UploadOptions } from "./storage.js";

export interface ArlocalStorageOptions {
  /** arlocal's URL, e.g. http://127.0.0.1:1984 */
  url: string;
  /** The wallet that signs and pays for bundle transactions (arlocal mints test AR for it). */
  jwk: JWKInterface;
  /** How long to wait for arlocal to index an uploaded bundle's items. */
  indexTimeoutMs?: number;
  /**
   * Bundles up to this size go in one request (arlocal takes JSON bodies up to 15 MB, base64
   * inflates by 4/3); larger ones in resumable chunks. 0 sends everything in chunks.
   */
  inlineMaxBytes?: number;
}

const DEFAULT_INLINE_MAX_BYTES = 10 * 2 ** 20 + 2 ** 16;

// arweave-js is CommonJS with `exports.default`; Node's interop and some bundlers leave it wrapped.
const Arweave = ((ArweaveModule as unknown as { default?: typeof ArweaveModule }).default ??
  ArweaveModule) as typeof ArweaveModule;
type Arweave = InstanceType<typeof ArweaveModule>;
/** Where an interrupted upload stands: the signed transaction header and the next chunk to send. */
interface ResumeState {
  transaction: object;
  nextChunk: number;
  headerPosted: boolean;
}

export class ArlocalStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  private readonly arweave: Arweave;
  private readonly url: string;

  constructor(private readonly options: ArlocalStorageOptions) {
    this.url = options.url.replace(/\/+$/, "");
    const { hostname, port, protocol } = new URL(this.url);
    this.arweave = Arweave.init({ host: hostname, port: Number(port), protocol: protocol.replace(":", "") });
  }

  /** A throwaway wallet, funded by arlocal's mint: arlocal charges test AR only. */
  static async withFreshWallet(url: string, options: Omit<ArlocalStorageOptions, "url" | "jwk"> = {}) {
    const jwk = await Arweave.init({}).wallets.generate();
    await ArlocalStorage.fund(url, jwk);
    return new ArlocalStorage({ ...options, url, jwk });
  }

  /**
   * How a local bundler node (@onekey/devnet/local-bundler) settles to this arlocal: given the
   * node's wallet, it funds it and posts each item in a bundle, as Turbo settles to Arweave.
   */
  static settler(url: string) {
    return (jwk: JWKInterface) => {
      const storage = new ArlocalStorage({ url, jwk });
      return {
        target: url,
        fund: () => ArlocalStorage.fund(url, jwk),
        upload: (item: SignedDataItem, options: UploadOptions) => storage.upload(item, options),
      };
    };
  }

  /** Gives the wallet test AR on arlocal (local only: a real gateway has no /mint). */
  static async fund(url: string, jwk: JWKInterface): Promise<void> {
    const address = await Arweave.init({}).wallets.jwkToAddress(jwk);
    const response = await fetch(`${url.replace(/\/+$/, "")}/mint/${address}/1000000000000000000`);
    if (!response.ok) throw storageErrorFromStatus(response.status, `arlocal refused to mint: ${response.status}`);
  }

  async upload(item: SignedDataItem, options: UploadOptions = {}): Promise<void> {
    const bundle = bundleItems([item]);
    if (bundle.length <= (this.options.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES) && !options.resumeState) {
      // One request: arlocal stores the transaction whole or not at all, so a retry just resends it.
      options.onProgress?.(0, item.bytes.length);
      const transaction = await this.signedBundleTransaction(bundle);
      await this.post("/tx", transaction.toJSON());
      options.onProgress?.(item.bytes.length, item.bytes.length);
      await this.get("/mine");
      await this.waitIndexed(item.id, options.signal);
      return;
    }
    const resume = options.resumeState as ResumeState | undefined;
    const transaction = resume
      ? this.arweave.transactions.fromRaw(resume.transaction)
      : await this.signedBundleTransaction(bundle);
    await transaction.prepareChunks(bundle);
    const total = transaction.chunks?.chunks.length ?? 0;
    const header = { ...transaction.toJSON(), data: "" };
    const report = (done: number) =>
      options.onProgress?.(Math.round((item.bytes.length * done) / total), item.bytes.length);

    // Chunks first, header last: arlocal rebuilds a chunked bundle by re-reading all of its
    // chunks in a loop until the last one is there, which turns quadratic when the header comes
    // first (as arweave-js sends it). arlocal accepts chunks before their transaction.
    let next = resume?.nextChunk ?? 0;
    report(next);
    for (; next < total; next++) {
      options.signal?.throwIfAborted();
      await this.post("/chunk", transaction.getChunk(next, bundle));
      await options.onResumeState?.({
        transaction: header,
        nextChunk: next + 1,
        headerPosted: false,
      } satisfies ResumeState);
      report(next + 1);
    }
    if (!resume?.headerPosted) {
      await this.post("/tx", header);
      await options.onResumeState?.({
        transaction: header,
        nextChunk: total,
        headerPosted: true,
      } satisfies ResumeState);
    }
    await this.get("/mine");
    await this.waitIndexed(item.id, options.signal);
  }

  async has(id: Hex): Promise<boolean> {
    const response = await this.request(`/${storageIdToBase64Url(id)}`, { method: "HEAD" });
    if (response.status === 404) return false;
    if (!response.ok) throw storageErrorFromStatus(response.status, `arlocal answered ${response.status}`);
    return true;
  }

  async download(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const response = await this.request(`/${storageIdToBase64Url(id)}`, { signal: options.signal });
    if (!response.ok) throw storageErrorFromStatus(response.status, `arlocal has no item ${id} (${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** arlocal unbundles ANS-104 bundles and indexes their items' tags in its GraphQL. */
  tags(id: Hex, options: { signal?: AbortSignal } = {}): Promise<Tag[]> {
    return tagsByGraphql(`${this.url}/graphql`, storageIdToBase64Url(id), options.signal);
  }

  private async signedBundleTransaction(bundle: Uint8Array) {
    const transaction = await this.arweave.createTransaction({ data: bundle }, this.options.jwk);
    transaction.addTag("Bundle-Format", "binary");
    transaction.addTag("Bundle-Version", "2.0.0");
    await this.arweave.transactions.sign(transaction, this.options.jwk);
    return transaction;
  }

  private async post(path: string, body: unknown): Promise<void> {
    const response = await this.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw storageErrorFromStatus(
        response.status,
        `arlocal ${path} answered ${response.status}: ${await response.text()}`,
      );
    }
  }

  /** arlocal unbundles chunked bundles asynchronously: done means readable. */
  private async waitIndexed(id: Hex, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.options.indexTimeoutMs ?? 30_000);
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      if (await this.has(id)) return;
      if (Date.now() > deadline) throw new StorageUnavailableError(`arlocal did not index item ${id} in time`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      signal?.throwIfAborted();
    }
  }

  private async get(path: string): Promise<void> {
    const response = await this.request(path);
    if (!response.ok) throw storageErrorFromStatus(response.status, `arlocal ${path} answered ${response.status}`);
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new StorageUnavailableError(`arlocal at ${this.url} cannot be reached`, { cause: error });
    }
  }
}
