/**
 * The bundler node's disk: verified data items, their receipts and tags, settlement markers, and
 * chunked uploads in progress. Every write goes to a temporary file and is renamed into place, so a
 * crash leaves either the old state or the new one. An item counts as stored once its receipt
 * exists (written last) and as settled once its `.settled` marker exists.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataItem } from "arbundles";

export interface LocalBundlerReceipt {
  id: string;
  owner: string;
  timestamp: number;
  dataCaches: string[];
  fastFinalityIndexes: string[];
  winc: string;
}

export interface Tag {
  name: string;
  value: string;
}

/** Bigger than any OneKey record (a 50 MB document scan plus envelope overhead). */
export const MAX_ITEM_BYTES = 64 * 2 ** 20;
export const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const UPLOAD_ID_PATTERN = /^[0-9a-f]{32}$/;
/** Chunked uploads untouched this long are removed when the node starts. */
const UPLOAD_MAX_AGE_MS = 24 * 3600 * 1000;

/** A refusal the HTTP layer answers with `status` and this message. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function writeAtomically(path: string, bytes: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

export class ItemStore {
  /** Called with each newly stored item's id (settlement schedules it). */
  onStored?: (id: string) => void;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
  }

  private path(id: string, suffix: string) {
    return join(this.dataDir, `${id}.${suffix}`);
  }

  has(id: string): boolean {
    return ID_PATTERN.test(id) && existsSync(this.path(id, "json"));
  }

  isSettled(id: string): boolean {
    return existsSync(this.path(id, "settled"));
  }

  markSettled(id: string): void {
    writeAtomically(this.path(id, "settled"), String(Date.now()));
  }

  /** The signed item's bytes, as uploaded. */
  item(id: string): Buffer {
    return readFileSync(this.path(id, "item"));
  }

  /** The item's data: what a gateway serves at `/{id}`. */
  data(id: string): Buffer {
    return readFileSync(this.path(id, "data"));
  }

  dataSize(id: string): number {
    return statSync(this.path(id, "data")).size;
  }

  /** The verified item's tags, saved beside it at upload (items stored before that: parsed). */
  tags(id: string): Tag[] {
    const saved = this.path(id, "tags.json");
    if (existsSync(saved)) return JSON.parse(readFileSync(saved, "utf8")) as Tag[];
    return new DataItem(this.item(id)).tags;
  }

  contentType(id: string): string {
    try {
      return (
        this.tags(id).find((tag) => tag.name.toLowerCase() === "content-type")?.value ?? "application/octet-stream"
      );
    } catch {
      return "application/octet-stream";
    }
  }

  /** Stored before a crash or restart and not settled yet, oldest first. */
  unsettled(): string[] {
    return readdirSync(this.dataDir)
      .filter((name) => /^[A-Za-z0-9_-]{43}\.json$/.test(name))
      .map((name) => name.slice(0, 43))
      .filter((id) => !this.isSettled(id))
      .sort((a, b) => statSync(this.path(a, "json")).mtimeMs - statSync(this.path(b, "json")).mtimeMs);
  }

  /**
   * Verifies the item's signature with arbundles (an implementation independent of the client's
   * ans104.ts) before anything is written. Resending a stored item returns its first receipt.
   */
  async accept(binary: Buffer): Promise<LocalBundlerReceipt> {
    if (binary.length === 0) throw new BadRequest(400, "the body is empty: send the signed data item's bytes");
    let valid = false;
    try {
      valid = await DataItem.verify(binary);
    } catch {
      valid = false;
    }
    if (!valid) throw new BadRequest(400, "the body is not a validly signed ANS-104 data item");
    const item = new DataItem(binary);
    const id = item.id;
    if (this.has(id)) return JSON.parse(readFileSync(this.path(id, "json"), "utf8")) as LocalBundlerReceipt;
    const receipt: LocalBundlerReceipt = {
      id,
      owner: item.owner,
      timestamp: Date.now(),
      dataCaches: ["local"],
      fastFinalityIndexes: ["local"],
      winc: "0",
    };
    // Item and data first, the receipt last: an item counts as stored once its receipt exists.
    writeAtomically(this.path(id, "item"), binary);
    writeAtomically(this.path(id, "data"), item.rawData);
    writeAtomically(this.path(id, "tags.json"), JSON.stringify(item.tags));
    writeAtomically(this.path(id, "json"), JSON.stringify(receipt));
    this.onStored?.(id);
    return receipt;
  }
}

/**
 * Chunked uploads: each chunk a file named by its offset under uploads/<upload id>/, so what was
 * received survives a restart of the node as well as of the client. Each upload keeps the chunk
 * size it started with, so a node restarted with another size still finishes it. Uploads
 * abandoned for a day are removed at start.
 */
export class ChunkedUploads {
  private readonly dir: string;

  constructor(
    dataDir: string,
    readonly chunkSize: number,
  ) {
    this.dir = join(dataDir, "uploads");
    mkdirSync(this.dir, { recursive: true });
    for (const upload of readdirSync(this.dir)) {
      if (Date.now() - statSync(this.uploadDir(upload)).mtimeMs > UPLOAD_MAX_AGE_MS) this.remove(upload);
    }
  }

  private uploadDir(upload: string) {
    return join(this.dir, upload);
  }

  private chunkSizeOf(upload: string): number {
    return Number(readFileSync(join(this.uploadDir(upload), "chunk-size"), "utf8"));
  }

  start(): { id: string; chunkSize: number } {
    const id = randomBytes(16).toString("hex");
    mkdirSync(this.uploadDir(id), { recursive: true });
    writeAtomically(join(this.uploadDir(id), "chunk-size"), String(this.chunkSize));
    return { id, chunkSize: this.chunkSize };
  }

  private chunks(upload: string): { offset: number; path: string; size: number }[] {
    if (!UPLOAD_ID_PATTERN.test(upload) || !existsSync(this.uploadDir(upload))) {
      throw new BadRequest(404, `no chunked upload ${upload}`);
    }
    return readdirSync(this.uploadDir(upload))
      .filter((name) => /^\d+$/.test(name))
      .map((name) => ({ offset: Number(name), path: join(this.uploadDir(upload), name) }))
      .map((chunk) => ({ ...chunk, size: statSync(chunk.path).size }))
      .sort((a, b) => a.offset - b.offset);
  }

  /** The chunks from offset 0 with no gap: what the client need not send again. */
  contiguous(upload: string) {
    const chunks = this.chunks(upload);
    const size = this.chunkSizeOf(upload);
    const joined: typeof chunks = [];
    let received = 0;
    for (const chunk of chunks) {
      if (chunk.offset !== received) break;
      joined.push(chunk);
      received += chunk.size;
      if (chunk.size < size) break; // a short chunk is the last one
    }
    return { chunks: joined, received, size };
  }

  /** Checks a chunk's place before its body is read; returns the most bytes it may have. */
  expectChunk(upload: string, offset: number): number {
    this.chunks(upload); // 404 for an unknown upload
    const size = this.chunkSizeOf(upload);
    if (offset % size !== 0) throw new BadRequest(400, `offset ${offset} is not a multiple of ${size}`);
    return size;
  }

  writeChunk(upload: string, offset: number, body: Buffer): number {
    const size = this.chunkSizeOf(upload);
    if (body.length === 0) throw new BadRequest(400, `a chunk has 1..${size} bytes, not 0`);
    if (offset + body.length > MAX_ITEM_BYTES)
      throw new BadRequest(413, `a data item may have at most ${MAX_ITEM_BYTES} bytes`);
    writeAtomically(join(this.uploadDir(upload), String(offset)), body);
    return this.contiguous(upload).received;
  }

  /** The received chunks joined into one body. */
  joined(upload: string): Buffer {
    return Buffer.concat(this.contiguous(upload).chunks.map((chunk) => readFileSync(chunk.path)));
  }

  remove(upload: string): void {
    rmSync(this.uploadDir(upload), { recursive: true, force: true });
  }
}
