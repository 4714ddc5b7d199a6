/**
 * Where the upload queue keeps what it must not lose: each job's signed item (written once, before
 * anything is sent) and its progress/resume state (rewritten as it goes). IndexedDB in the
 * browser; memory or files in Node.
 */
import type { Hex } from "viem";

export type UploadStatus = "pending" | "uploading" | "done" | "failed";

export interface UploadJob {
  /** The data item id (hex): one job per item, so enqueuing an item twice is a no-op. */
  id: Hex;
  idBase64Url: string;
  status: UploadStatus;
  sentBytes: number;
  totalBytes: number;
  attempts: number;
  /** The adapter's resume point (opaque, JSON-serialisable). */
  resumeState?: unknown;
  error?: string;
  updatedAt: string;
}

export interface UploadStateStore {
  /** Saves a new job with its item bytes; the bytes never change after this. */
  create(job: UploadJob, item: Uint8Array): Promise<void>;
  update(job: UploadJob): Promise<void>;
  get(id: Hex): Promise<UploadJob | undefined>;
  item(id: Hex): Promise<Uint8Array | undefined>;
  list(): Promise<UploadJob[]>;
  /** Drops a finished job's bytes (the job record stays, so the item is never sent again). */
  forgetItem(id: Hex): Promise<void>;
}

export class MemoryUploadStateStore implements UploadStateStore {
  private readonly jobs = new Map<Hex, UploadJob>();
  private readonly items = new Map<Hex, Uint8Array>();
  async create(job: UploadJob, item: Uint8Array) {
    this.jobs.set(job.id, structuredClone(job));
    this.items.set(job.id, item);
  }
  async update(job: UploadJob) {
    this.jobs.set(job.id, structuredClone(job));
  }
  async get(id: Hex) {
    const job = this.jobs.get(id);
    return job && structuredClone(job);
  }
  async item(id: Hex) {
    return this.items.get(id);
  }
  async list() {
    return [...this.jobs.values()].map((job) => structuredClone(job));
  }
  async forgetItem(id: Hex) {
    this.items.delete(id);
  }
}

/** IndexedDB: one database, two object stores (jobs by id, item bytes by id). Browser only. */
export class IndexedDbUploadStateStore implements UploadStateStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly name = "onekey-uploads") {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(this.name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("jobs", { keyPath: "id" });
        request.result.createObjectStore("items");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.db;
  }

  private async run<T>(
    stores: string[],
    mode: IDBTransactionMode,
    work: (tx: IDBTransaction) => IDBRequest<T> | undefined,
  ) {
    const db = await this.open();
    return new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      const request = work(tx);
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  async create(job: UploadJob, item: Uint8Array) {
    // One transaction: the job never exists without its bytes.
    await this.run(["jobs", "items"], "readwrite", (tx) => {
      tx.objectStore("items").put(new Blob([item as Uint8Array<ArrayBuffer>]), job.id);
      return tx.objectStore("jobs").put(job);
    });
  }
  async update(job: UploadJob) {
    await this.run(["jobs"], "readwrite", (tx) => tx.objectStore("jobs").put(job));
  }
  async get(id: Hex) {
    return (await this.run<UploadJob>(["jobs"], "readonly", (tx) => tx.objectStore("jobs").get(id))) ?? undefined;
  }
  async item(id: Hex) {
    const blob = await this.run<Blob>(["items"], "readonly", (tx) => tx.objectStore("items").get(id));
    return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
  }
  async list() {
    return (await this.run<UploadJob[]>(["jobs"], "readonly", (tx) => tx.objectStore("jobs").getAll())) ?? [];
  }
  async forgetItem(id: Hex) {
    await this.run(["items"], "readwrite", (tx) => tx.objectStore("items").delete(id));
  }

  close(): void {
    void this.db?.then((db) => db.close());
    this.db = undefined;
  }
}
