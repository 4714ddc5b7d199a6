import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import type { SignedDataItem } from "../../../src/privacy/storage/ans104.js";
import {
  type StorageAdapter,
  StoragePaymentError,
  StorageUnavailableError,
  type UploadOptions,
} from "../../../src/privacy/storage/storage.js";
import { type UploadEvent, UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../../../src/privacy/storage/upload-state.js";

const item = (n: number): SignedDataItem => ({
  bytes: new Uint8Array(1000).fill(n),
  id: `0x${n.toString(16).padStart(64, "0")}` as Hex,
  idBase64Url: `item-${n}`,
});

/** A storage network that fails on cue and remembers what it stored. */
class ScriptedStorage implements StorageAdapter {
  readonly network = "arweave" as const;
  readonly stored = new Set<Hex>();
  uploads = 0;
  constructor(private readonly failures: Error[] = []) {}
  async upload(data: SignedDataItem, options: UploadOptions = {}) {
    this.uploads++;
    options.onProgress?.(400, data.bytes.length);
    await options.onResumeState?.({ sent: 400 });
    const failure = this.failures.shift();
    if (failure) throw failure;
    options.onProgress?.(data.bytes.length, data.bytes.length);
    this.stored.add(data.id);
  }
  async has(id: Hex) {
    return this.stored.has(id);
  }
  async download(): Promise<Uint8Array> {
    throw new Error("not used");
  }
  async tags(): Promise<never> {
    throw new Error("not used");
  }
}

function queueFor(storage: StorageAdapter, state = new MemoryUploadStateStore()) {
  const sleeps: number[] = [];
  const queue = new UploadQueue({
    storage,
    state,
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1, // the ceiling of each full-jitter window
  });
  const events: UploadEvent[] = [];
  queue.on((event) => events.push(event));
  return { queue, events, sleeps, state };
}

describe("upload queue", () => {
  it("retries transient failures with capped exponential backoff, then succeeds", async () => {
    const storage = new ScriptedStorage([new StorageUnavailableError("502"), new StorageUnavailableError("timeout")]);
    const { queue, events, sleeps } = queueFor(storage);
    const job = await queue.upload(item(1));
    expect(job).toMatchObject({ status: "done", attempts: 3, sentBytes: 1000 });
    expect(sleeps).toEqual([100, 200]);
    expect(events.filter((e) => e.type === "retry")).toEqual([
      { type: "retry", id: item(1).id, attempt: 1, delayMs: 100, error: "502" },
      { type: "retry", id: item(1).id, attempt: 2, delayMs: 200, error: "timeout" },
    ]);
    expect(events.at(-1)).toEqual({ type: "done", id: item(1).id, skipped: false });
  });

  it("gives up after the last attempt, keeping the error on the job", async () => {
    const failures = Array.from({ length: 6 }, () => new StorageUnavailableError("down"));
    const { queue, sleeps } = queueFor(new ScriptedStorage(failures));
    expect(await queue.upload(item(2))).toMatchObject({ status: "failed", attempts: 4, error: "down" });
    expect(sleeps).toEqual([100, 200, 250]);
  });

  it("does not retry what retrying cannot fix (payment required)", async () => {
    const { queue, events, sleeps } = queueFor(new ScriptedStorage([new StoragePaymentError("402: balance too low")]));
    expect(await queue.upload(item(3))).toMatchObject({ status: "failed", attempts: 1, error: "402: balance too low" });
    expect(sleeps).toEqual([]);
    expect(events.at(-1)).toEqual({ type: "failed", id: item(3).id, error: "402: balance too low" });
  });

  it("hands the adapter its saved resume point on the next attempt", async () => {
    const storage = new ScriptedStorage([new StorageUnavailableError("reset")]);
    const seen: unknown[] = [];
    const original = storage.upload.bind(storage);
    storage.upload = (data, options) => {
      seen.push(options?.resumeState);
      return original(data, options);
    };
    await queueFor(storage).queue.upload(item(4));
    expect(seen).toEqual([undefined, { sent: 400 }]);
  });

  it("joins concurrent uploads of one item into one job and one upload", async () => {
    const storage = new ScriptedStorage();
    const { queue } = queueFor(storage);
    const [a, b] = await Promise.all([queue.upload(item(5)), queue.upload(item(5))]);
    expect(a?.status).toBe("done");
    expect(b?.status).toBe("done");
    expect(storage.uploads).toBe(1);
  });

  it("resumes every unfinished job from its state store, and skips items already stored", async () => {
    const state = new MemoryUploadStateStore();
    const storage = new ScriptedStorage();
    for (const n of [6, 7]) {
      await state.create(
        {
          id: item(n).id,
          idBase64Url: item(n).idBase64Url,
          status: n === 6 ? "uploading" : "pending",
          sentBytes: 0,
          totalBytes: 1000,
          attempts: 1,
          updatedAt: "",
        },
        item(n).bytes,
      );
    }
    storage.stored.add(item(7).id); // a previous run finished item 7 but died before saving that
    const { queue, events } = queueFor(storage, state);
    const jobs = await queue.resumeAll();
    expect(jobs.map((job) => job.status)).toEqual(["done", "done"]);
    expect(storage.uploads).toBe(1);
    expect(events.filter((e) => e.type === "done")).toEqual([
      { type: "done", id: item(7).id, skipped: true },
      { type: "done", id: item(6).id, skipped: false },
    ]);
    expect(await state.item(item(6).id)).toBeUndefined();
  });

  it("stops at once when aborted, leaving the job resumable", async () => {
    const controller = new AbortController();
    const storage = new ScriptedStorage();
    storage.upload = async () => {
      controller.abort(new Error("page closed"));
      controller.signal.throwIfAborted();
    };
    const { queue, state } = queueFor(storage);
    await expect(queue.upload(item(8), controller.signal)).rejects.toThrow("page closed");
    expect((await state.get(item(8).id))?.status).toBe("uploading");
  });

  it("enqueue persists the item without sending it; run sends it later", async () => {
    const storage = new ScriptedStorage();
    const { queue, state } = queueFor(storage);
    await queue.enqueue(item(9));
    expect(storage.uploads).toBe(0);
    expect(await state.get(item(9).id)).toMatchObject({ status: "pending", totalBytes: 1000 });
    expect(await state.item(item(9).id)).toEqual(item(9).bytes);
    expect(await queue.run(item(9).id)).toMatchObject({ status: "done" });
    expect(storage.uploads).toBe(1);
  });

  it("requeue makes a failed job pending again, with its bytes, so run retries it", async () => {
    const storage = new ScriptedStorage([new StoragePaymentError("402")]);
    const { queue, state } = queueFor(storage);
    expect(await queue.upload(item(10))).toMatchObject({ status: "failed" });
    expect(await queue.run(item(10).id)).toMatchObject({ status: "failed" }); // a failed job stays failed
    await queue.requeue(item(10).id);
    expect(await state.get(item(10).id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await queue.run(item(10).id)).toMatchObject({ status: "done" });
  });
});
