import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { IndexedDbUploadStateStore } from "../../../src/privacy/storage/upload-state.js";

describe("IndexedDB upload state (browser)", () => {
  it("keeps jobs and item bytes across a reopened database (a page reload)", async () => {
    const name = `onekey-uploads-test-${crypto.randomUUID()}`;
    const id = `0x${"ab".repeat(32)}` as Hex;
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    const first = new IndexedDbUploadStateStore(name);
    const job = {
      id,
      idBase64Url: "q6urq6",
      status: "uploading" as const,
      sentBytes: 10,
      totalBytes: 4096,
      attempts: 1,
      resumeState: { chunkIndex: 3 },
      updatedAt: "t",
    };
    await first.create(job, bytes);
    await first.update({ ...job, sentBytes: 2048 });
    first.close();

    const reopened = new IndexedDbUploadStateStore(name);
    expect(await reopened.get(id)).toEqual({ ...job, sentBytes: 2048 });
    expect(await reopened.item(id)).toEqual(bytes);
    expect(await reopened.list()).toHaveLength(1);
    await reopened.forgetItem(id);
    expect(await reopened.item(id)).toBeUndefined();
    expect(await reopened.get(`0x${"cd".repeat(32)}`)).toBeUndefined();
    reopened.close();
    indexedDB.deleteDatabase(name);
  });
});
