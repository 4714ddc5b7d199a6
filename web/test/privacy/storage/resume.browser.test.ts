import { keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, inject, it } from "vitest";
import { encryptEnvelope } from "../../../src/privacy/envelope/encrypt.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import { createDataItem } from "../../../src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../../src/privacy/storage/arlocal-storage.js";
import { BundlerStorage } from "../../../src/privacy/storage/bundler-storage.js";
import { type UploadEvent, UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import { IndexedDbUploadStateStore } from "../../../src/privacy/storage/upload-state.js";
import { readVerifiedEnvelope } from "../../../src/privacy/storage/verified-read.js";
import { context, patternBytes } from "../envelope/fixtures.js";
import { testPrivateKey } from "../keys/fixtures.js";

describe("upload resumed after the page went away (Chromium, IndexedDB)", () => {
  it("continues an arlocal upload from the saved chunk with a fresh queue and database handle", async () => {
    const storage = new ArlocalStorage({
      url: inject("arlocalUrl"),
      jwk: inject("arlocalJwk") as never,
      inlineMaxBytes: 0,
    });
    const envelope = await encryptEnvelope(patternBytes(3 * 2 ** 20, 11), { dataKey: generateDataKey(), context });
    const item = await createDataItem({ data: envelope, tags: [], signer: privateKeyToAccount(testPrivateKey) });
    const database = `onekey-uploads-resume-${crypto.randomUUID()}`;

    // First page: aborted (the tab closes) once five of the bundle's 13 chunks of 256 KiB are in.
    const first = new IndexedDbUploadStateStore(database);
    const closing = new AbortController();
    const queue = new UploadQueue({ storage, state: first });
    queue.on((event) => {
      if (event.type === "progress" && event.sentBytes >= (item.bytes.length * 5) / 13)
        closing.abort(new Error("tab closed"));
    });
    await expect(queue.upload(item, closing.signal)).rejects.toThrow("tab closed");
    first.close();

    // Next page load: a new store on the same database, a new queue.
    const second = new IndexedDbUploadStateStore(database);
    const left = await second.get(item.id);
    expect(left?.status).toBe("uploading");
    expect((left?.resumeState as { nextChunk?: number } | undefined)?.nextChunk).toBeGreaterThanOrEqual(5);
    expect(await storage.has(item.id)).toBe(false);

    const events: UploadEvent[] = [];
    const resumed = new UploadQueue({ storage, state: second });
    resumed.on((event) => events.push(event));
    const [job] = await resumed.resumeAll();
    expect(job?.status).toBe("done");
    expect((events.find((e) => e.type === "progress") as { sentBytes: number }).sentBytes).toBeGreaterThan(0);
    const stored = await readVerifiedEnvelope(storage, { storageId: item.id, ciphertextHash: keccak256(envelope) });
    expect(stored.length).toBe(envelope.length);
    expect(await second.item(item.id)).toBeUndefined();
    second.close();
    indexedDB.deleteDatabase(database);
  });

  it("continues a chunked upload to the local bundler node from the node's count, tags readable", async () => {
    const storage = new BundlerStorage({ url: inject("bundlerUrl") });
    const envelope = await encryptEnvelope(patternBytes(5 * 2 ** 20, 12), { dataKey: generateDataKey(), context });
    const tags = [{ name: "OneKey-Protected-Key", value: '{"v":1}' }];
    const item = await createDataItem({ data: envelope, tags, signer: privateKeyToAccount(testPrivateKey) });
    const database = `onekey-uploads-resume-${crypto.randomUUID()}`;

    // First page: closed once two of the item's six 1 MiB chunks are in.
    const first = new IndexedDbUploadStateStore(database);
    const closing = new AbortController();
    const queue = new UploadQueue({ storage, state: first });
    queue.on((event) => {
      if (event.type === "progress" && event.sentBytes >= 2 * 2 ** 20) closing.abort(new Error("tab closed"));
    });
    await expect(queue.upload(item, closing.signal)).rejects.toThrow("tab closed");
    first.close();

    const second = new IndexedDbUploadStateStore(database);
    expect((await second.get(item.id))?.resumeState).toMatchObject({ sent: 2 * 2 ** 20 });
    const events: UploadEvent[] = [];
    const resumed = new UploadQueue({ storage, state: second });
    resumed.on((event) => events.push(event));
    const [job] = await resumed.resumeAll();
    expect(job?.status).toBe("done");
    const sent = events.flatMap((event) => (event.type === "progress" ? [event.sentBytes] : []));
    // From the node's count (2 MiB), a step per chunk, the short last chunk, then done.
    const MiB = 2 ** 20;
    expect(sent).toEqual([2 * MiB, 3 * MiB, 4 * MiB, 5 * MiB, item.bytes.length, item.bytes.length]);
    expect(await readVerifiedEnvelope(storage, { storageId: item.id, ciphertextHash: keccak256(envelope) })).toEqual(
      envelope,
    );
    expect(await storage.tags(item.id)).toEqual(tags);
    second.close();
    indexedDB.deleteDatabase(database);
  });
});
