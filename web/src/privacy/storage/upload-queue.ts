/**
 * The upload queue: persists a signed item before sending it, reports progress (bytes sent /
 * total) for a progress bar, retries transient failures with exponential backoff and jitter,
 * and after a reload or crash resumes every unfinished job. An item already stored is never
 * sent again: the queue asks the network first, and an item's id is its signature's hash.
 */
import type { Hex } from "viem";
import type { SignedDataItem } from "./ans104.js";
import { type StorageAdapter, StorageError } from "./storage.js";
import type { UploadJob, UploadStateStore } from "./upload-state.js";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type UploadEvent =
  | { type: "progress"; id: Hex; sentBytes: number; totalBytes: number }
  | { type: "retry"; id: Hex; attempt: number; delayMs: number; error: string }
  | { type: "done"; id: Hex; skipped: boolean }
  | { type: "failed"; id: Hex; error: string };

export interface UploadQueueOptions {
  storage: StorageAdapter;
  state: UploadStateStore;
  retry?: Partial<RetryPolicy>;
  /** Injected in tests; waits `ms` unless aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export class UploadQueue {
  private readonly listeners = new Set<(event: UploadEvent) => void>();
  private readonly running = new Map<Hex, Promise<UploadJob>>();
  private readonly retry: RetryPolicy;

  constructor(private readonly options: UploadQueueOptions) {
    this.retry = { attempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, ...options.retry };
  }

  on(listener: (event: UploadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Persists the item, then uploads it. Enqueuing the same item again joins the same job. */
  async upload(item: SignedDataItem, signal?: AbortSignal): Promise<UploadJob> {
    await this.enqueue(item);
    return this.run(item.id, signal);
  }

  /**
   * Persists the item as a pending job without sending it: once this resolves, a reload or crash
   * can no longer lose it, and `run(item.id)` (or `resumeAll`) uploads it. A no-op for a known item.
   */
  async enqueue(item: SignedDataItem): Promise<void> {
    const existing = await this.options.state.get(item.id);
    if (!existing) {
      const job: UploadJob = {
        id: item.id,
        idBase64Url: item.idBase64Url,
        status: "pending",
        sentBytes: 0,
        totalBytes: item.bytes.length,
        attempts: 0,
        updatedAt: new Date().toISOString(),
      };
      await this.options.state.create(job, item.bytes);
    }
  }

  /** Makes a failed job pending again (its bytes are kept until it is done), so `run` retries it. */
  async requeue(id: Hex): Promise<void> {
    const job = await this.options.state.get(id);
    if (job?.status !== "failed") return;
    await this.options.state.update({
      ...job,
      status: "pending",
      attempts: 0,
      error: undefined,
      updatedAt: new Date().toISOString(),
    });
  }

  /** Runs every job a previous page or process left unfinished. */
  async resumeAll(signal?: AbortSignal): Promise<UploadJob[]> {
    const jobs = await this.options.state.list();
    const unfinished = jobs.filter((job) => job.status === "pending" || job.status === "uploading");
    return Promise.all(unfinished.map((job) => this.run(job.id, signal)));
  }

  run(id: Hex, signal?: AbortSignal): Promise<UploadJob> {
    let running = this.running.get(id);
    if (!running) {
      running = this.drive(id, signal).finally(() => this.running.delete(id));
      this.running.set(id, running);
    }
    return running;
  }

  private emit(event: UploadEvent) {
    for (const listener of this.listeners) listener(event);
  }

  private async drive(id: Hex, signal?: AbortSignal): Promise<UploadJob> {
    const { state, storage } = this.options;
    const job = await state.get(id);
    if (!job) throw new Error(`no upload job ${id}`);
    if (job.status === "done" || job.status === "failed") return job;
    const save = async (changes: Partial<UploadJob>) => {
      Object.assign(job, changes, { updatedAt: new Date().toISOString() });
      await state.update(job);
    };

    for (;;) {
      signal?.throwIfAborted();
      try {
        if (await storage.has(id)) {
          // Stored already (a previous run got further than its state says): never send twice.
          await this.finish(job, save, true);
          return job;
        }
        const bytes = await state.item(id);
        if (!bytes) throw new Error(`upload job ${id} lost its item bytes`);
        await save({ status: "uploading", attempts: job.attempts + 1 });
        await storage.upload(
          { bytes, id, idBase64Url: job.idBase64Url },
          {
            signal,
            resumeState: job.resumeState,
            onResumeState: (resumeState) => save({ resumeState }),
            onProgress: (sentBytes, totalBytes) => {
              job.sentBytes = sentBytes;
              job.totalBytes = totalBytes;
              this.emit({ type: "progress", id, sentBytes, totalBytes });
            },
          },
        );
        await this.finish(job, save, false);
        return job;
      } catch (error) {
        if (signal?.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const retryable = !(error instanceof StorageError) || error.retryable;
        if (!retryable || job.attempts >= this.retry.attempts) {
          // Another page may have stored the item meanwhile: then this job is done, not failed.
          if (await storage.has(id).catch(() => false)) {
            await this.finish(job, save, true);
            return job;
          }
          await save({ status: "failed", error: message });
          this.emit({ type: "failed", id, error: message });
          return job;
        }
        const delayMs = this.backoff(job.attempts);
        this.emit({ type: "retry", id, attempt: job.attempts, delayMs, error: message });
        await (this.options.sleep ?? defaultSleep)(delayMs, signal);
      }
    }
  }

  private async finish(job: UploadJob, save: (changes: Partial<UploadJob>) => Promise<void>, skipped: boolean) {
    await save({ status: "done", sentBytes: job.totalBytes, resumeState: undefined, error: undefined });
    await this.options.state.forgetItem(job.id);
    this.emit({ type: "done", id: job.id, skipped });
  }

  /** Full jitter: a random delay up to base * 2^(attempt-1), capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round((this.options.random ?? Math.random)() * ceiling);
  }
}
