import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningLocalBundler, startLocalBundler } from "@onekey/devnet/local-bundler";
import Arweave from "arweave";
import { keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encryptEnvelope } from "../../../src/privacy/envelope/encrypt.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import { createDataItem } from "../../../src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../../src/privacy/storage/arlocal-storage.js";
import { BundlerStorage } from "../../../src/privacy/storage/bundler-storage.js";
import { IntegrityError, StorageNotFoundError, StorageRejectedError } from "../../../src/privacy/storage/storage.js";
import { type UploadEvent, UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../../../src/privacy/storage/upload-state.js";
import { readVerifiedEnvelope } from "../../../src/privacy/storage/verified-read.js";
import { type RunningArlocal, startArlocal } from "../../support/arlocal.js";
import { FileUploadStateStore } from "../../support/file-upload-state.js";
import { runUploadUntilKilled } from "../../support/killed-upload.js";
import { context, patternBytes } from "../envelope/fixtures.js";
import { testPrivateKey } from "../keys/fixtures.js";

// The local ANS-104 bundler node against web's own data items and storage adapter: arbundles
// verifies what ans104.ts signs, so the two implementations check each other.

const signer = privateKeyToAccount(testPrivateKey);
const tags = [{ name: "Content-Type", value: "application/x-onekey-envelope" }];
const scratch = mkdtempSync(join(tmpdir(), "onekey-bundler-"));
const dataDir = join(scratch, "items");
let bundler: RunningLocalBundler;
let storage: BundlerStorage;

beforeAll(async () => {
  bundler = await startLocalBundler({ dataDir });
  storage = new BundlerStorage({ url: bundler.url });
});

afterAll(async () => {
  await bundler?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function envelopeItem(size: number) {
  const envelope = await encryptEnvelope(patternBytes(size), { dataKey: generateDataKey(), context });
  return { envelope, item: await createDataItem({ data: envelope, tags, signer }) };
}

async function postRaw(body: Uint8Array | string) {
  const response = await fetch(`${bundler.url}/tx`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: body as BodyInit,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("local ANS-104 bundler node", () => {
  it("takes a signed item through the upload queue, answers with its receipt and serves its data", async () => {
    const { envelope, item } = await envelopeItem(3 * 2 ** 20 + 17);
    expect(await storage.has(item.id)).toBe(false);
    const events: UploadEvent[] = [];
    const queue = new UploadQueue({ storage, state: new MemoryUploadStateStore() });
    queue.on((event) => events.push(event));
    const job = await queue.upload(item);
    expect(job.status).toBe("done");
    expect(events.at(-1)).toMatchObject({ type: "done" });
    expect(await storage.has(item.id)).toBe(true);
    expect(await readVerifiedEnvelope(storage, { storageId: item.id, ciphertextHash: keccak256(envelope) })).toEqual(
      envelope,
    );
    const head = await fetch(`${bundler.url}/${item.idBase64Url}`, { method: "HEAD" });
    expect(head.headers.get("content-type")).toBe("application/x-onekey-envelope");
    expect(Number(head.headers.get("content-length"))).toBe(envelope.length);
    // The integrity check on read still refuses a hash the attestation does not name.
    await expect(
      readVerifiedEnvelope(storage, { storageId: item.id, ciphertextHash: keccak256(new Uint8Array(1)) }),
    ).rejects.toBeInstanceOf(IntegrityError);
  });

  it("answers a resent item with the same receipt and stores it once", async () => {
    const { item } = await envelopeItem(1000);
    const first = await postRaw(item.bytes);
    const second = await postRaw(item.bytes);
    expect(first).toMatchObject({ status: 200, body: { id: item.idBase64Url, winc: "0" } });
    expect(second).toEqual(first);
    expect(readdirSync(dataDir).filter((name) => name.startsWith(item.idBase64Url))).toHaveLength(4); // item, data, tags, receipt
  });

  it("refuses a tampered item, a forged signature and garbage with a 400, and keeps none of them", async () => {
    const { item } = await envelopeItem(5000);
    const before = readdirSync(dataDir).length;
    const tampered = item.bytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    const forged = item.bytes.slice();
    forged[2 + 10] = (forged[2 + 10] as number) ^ 0x80; // inside the 65-byte signature
    const invalid = { status: 400, body: { error: "the body is not a validly signed ANS-104 data item" } };
    expect(await postRaw(tampered)).toEqual(invalid);
    expect(await postRaw(forged)).toEqual(invalid);
    expect(await postRaw("not a data item")).toEqual(invalid);
    expect(await postRaw(new Uint8Array(0))).toEqual({
      status: 400,
      body: { error: "the body is empty: send the signed data item's bytes" },
    });
    expect(readdirSync(dataDir).length).toBe(before);
    expect(await storage.has(item.id)).toBe(false);
    await expect(storage.upload({ ...item, bytes: tampered })).rejects.toBeInstanceOf(StorageRejectedError);
    await expect(storage.download(item.id)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it("answers GraphQL tag queries from the stored item, as Arweave gateways and Irys nodes do", async () => {
    const blob = { name: "OneKey-Protected-Key", value: JSON.stringify({ v: 1, pad: "k".repeat(2500) }) };
    const envelope = await encryptEnvelope(patternBytes(700), { dataKey: generateDataKey(), context });
    const item = await createDataItem({ data: envelope, tags: [...tags, blob], signer });
    await expect(storage.tags(item.id)).rejects.toBeInstanceOf(StorageNotFoundError);
    await storage.upload(item);
    expect(await storage.tags(item.id)).toEqual([...tags, blob]);

    // The query as other clients write it (variables, several ids, unknown ones skipped).
    const response = await fetch(`${bundler.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query($ids: [ID!]) { transactions(ids: $ids) { edges { node { id } } } }",
        variables: { ids: ["x".repeat(43), item.idBase64Url] },
      }),
    });
    expect(await response.json()).toEqual({
      data: { transactions: { edges: [{ node: { id: item.idBase64Url } }] } },
    });
    // Repeated ids are answered once, and `first` is held to 1..100.
    const repeated = await fetch(`${bundler.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query($ids: [ID!]) { transactions(ids: $ids, first: -5) { edges { node { id } } } }",
        variables: { ids: Array(500).fill(item.idBase64Url) },
      }),
    });
    expect(await repeated.json()).toEqual({ data: { transactions: { edges: [{ node: { id: item.idBase64Url } }] } } });
    const unsupported = await fetch(`${bundler.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ blocks { edges { node { id } } } }" }),
    });
    expect(((await unsupported.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
    const garbage = await fetch(`${bundler.url}/graphql`, { method: "POST", body: "not json" });
    expect(garbage.status).toBe(400);
  });

  it("keeps items across a restart on the same data dir", async () => {
    const { envelope, item } = await envelopeItem(2048);
    await storage.upload(item);
    await bundler.stop();
    bundler = await startLocalBundler({ dataDir });
    storage = new BundlerStorage({ url: bundler.url });
    expect(await storage.download(item.id)).toEqual(envelope);
  });
});

describe("chunked uploads to the local bundler node", () => {
  const MiB = 2 ** 20;

  it("sends an item above 2 MiB chunk by chunk, with progress after each chunk", async () => {
    const { envelope, item } = await envelopeItem(5 * MiB);
    const progress: number[] = [];
    const saved: unknown[] = [];
    await storage.upload(item, {
      onProgress: (sent, total) => {
        expect(total).toBe(item.bytes.length);
        progress.push(sent);
      },
      onResumeState: (state) => void saved.push(state),
    });
    const chunks = Math.ceil(item.bytes.length / MiB);
    expect(progress).toEqual([
      0,
      ...Array.from({ length: chunks }, (_, i) => Math.min((i + 1) * MiB, item.bytes.length)),
      item.bytes.length,
    ]);
    expect(saved).toHaveLength(chunks + 1);
    expect(saved.at(-1)).toMatchObject({ sent: item.bytes.length });
    expect(await storage.download(item.id)).toEqual(envelope);
    expect(readdirSync(join(dataDir, "uploads"))).toEqual([]); // the chunks are gone once joined
  });

  it("continues an upload whose process was killed midway, from the node's count, storing it once", async () => {
    const { envelope, item } = await envelopeItem(6 * MiB);
    const stateDir = join(scratch, "killed-chunked");
    const state = new FileUploadStateStore(stateDir);
    const job = {
      id: item.id,
      idBase64Url: item.idBase64Url,
      status: "pending" as const,
      sentBytes: 0,
      totalBytes: item.bytes.length,
      attempts: 0,
      updatedAt: "",
    };
    await state.create(job, item.bytes);
    await runUploadUntilKilled({
      STORAGE: "bundler",
      BUNDLER_URL: bundler.url,
      STATE_DIR: stateDir,
      KILL_AT: String(3 * MiB),
    });

    const left = await state.get(item.id);
    expect(left?.status).toBe("uploading");
    expect(left?.resumeState).toMatchObject({ sent: 3 * MiB });
    expect(await storage.has(item.id)).toBe(false);

    const events: UploadEvent[] = [];
    const queue = new UploadQueue({ storage, state });
    queue.on((event) => events.push(event));
    const [done] = await queue.resumeAll();
    expect(done?.status).toBe("done");
    const sent = events.flatMap((event) => (event.type === "progress" ? [event.sentBytes] : []));
    expect(sent[0]).toBe(3 * MiB); // continued, not restarted
    expect(await storage.download(item.id)).toEqual(envelope);
    expect(readdirSync(dataDir).filter((name) => name.startsWith(item.idBase64Url))).toHaveLength(4); // item, data, tags, receipt
  });

  it("starts over when the node forgot the upload midway (another tab finished it, or it expired)", async () => {
    const { envelope, item } = await envelopeItem(3 * MiB);
    const started = (await (await fetch(`${bundler.url}/chunks/arweave/-1/-1`, { method: "POST" })).json()) as {
      id: string;
    };
    const state = new MemoryUploadStateStore();
    const job = { id: item.id, idBase64Url: item.idBase64Url, status: "uploading" as const, sentBytes: 0 };
    await state.create(
      {
        ...job,
        totalBytes: item.bytes.length,
        attempts: 0,
        updatedAt: "",
        resumeState: { uploadId: started.id, sent: 0 },
      },
      item.bytes,
    );
    const queue = new UploadQueue({ storage, state, sleep: async () => undefined });
    const events: UploadEvent[] = [];
    let forgotten = false;
    queue.on((event) => {
      events.push(event);
      // After the node answered the status of the saved upload, before the first chunk: it forgets.
      if (event.type === "progress" && !forgotten) {
        forgotten = true;
        rmSync(join(dataDir, "uploads", started.id), { recursive: true, force: true });
      }
    });
    const [done] = await queue.resumeAll();
    expect(done?.status).toBe("done");
    expect(events.find((event) => event.type === "retry")).toMatchObject({
      error: expect.stringMatching(/cannot continue/),
    });
    expect(await storage.download(item.id)).toEqual(envelope);
  });

  it("finishes an upload begun before the node restarted with another chunk size", async () => {
    const { envelope, item } = await envelopeItem(3 * MiB);
    const started = (await (await fetch(`${bundler.url}/chunks/arweave/-1/-1`, { method: "POST" })).json()) as {
      id: string;
    };
    await fetch(`${bundler.url}/chunks/arweave/${started.id}/0`, {
      method: "POST",
      body: item.bytes.subarray(0, MiB) as BodyInit,
    });
    await bundler.stop();
    bundler = await startLocalBundler({ dataDir, chunkSize: 4 * MiB });
    storage = new BundlerStorage({ url: bundler.url });
    const progress: number[] = [];
    await storage.upload(item, {
      resumeState: { uploadId: started.id, sent: MiB },
      onProgress: (sent) => progress.push(sent),
    });
    expect(progress[0]).toBe(MiB); // continued with the upload's own 1 MiB chunks
    expect(progress).toEqual([MiB, 2 * MiB, 3 * MiB, item.bytes.length, item.bytes.length]);
    expect(await storage.download(item.id)).toEqual(envelope);
    // Back to the default node for the tests that follow.
    await bundler.stop();
    bundler = await startLocalBundler({ dataDir });
    storage = new BundlerStorage({ url: bundler.url });
  });

  it("refuses misplaced or oversized chunks, an unknown upload and an incomplete item, storing nothing", async () => {
    const post = async (path: string, body?: Uint8Array) => {
      const response = await fetch(`${bundler.url}/chunks/arweave/${path}`, {
        method: "POST",
        ...(body ? { body: body as BodyInit } : {}),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const started = await post("-1/-1");
    expect(started).toMatchObject({ status: 200, body: { chunkSize: MiB } });
    const upload = String(started.body.id);
    expect((await post(`${upload}/5`, new Uint8Array(10))).status).toBe(400);
    expect((await post(`${upload}/0`, new Uint8Array(MiB + 1))).status).toBe(413);
    expect((await post(`${"0".repeat(32)}/0`, new Uint8Array(10))).status).toBe(404);
    const { item } = await envelopeItem(3 * MiB);
    expect(await post(`${upload}/0`, item.bytes.subarray(0, MiB))).toMatchObject({ body: { received: MiB } });
    // A gap: the chunk at 2 MiB counts only once the one at 1 MiB is there.
    expect(await post(`${upload}/${2 * MiB}`, item.bytes.subarray(2 * MiB, 3 * MiB))).toMatchObject({
      body: { received: MiB },
    });
    expect(await post(`${upload}/finalize`)).toMatchObject({ status: 400 });
    expect(await storage.has(item.id)).toBe(false);
    // The upload is still there to finish.
    expect(await post(`${upload}/${MiB}`, item.bytes.subarray(MiB, 2 * MiB))).toMatchObject({
      body: { received: 3 * MiB },
    });
  });
});

describe("local ANS-104 bundler node settling to arlocal (as Turbo settles to Arweave)", () => {
  let arlocal: RunningArlocal;
  const settleDir = join(scratch, "settling");

  beforeAll(async () => {
    arlocal = await startArlocal();
  });

  afterAll(async () => {
    await arlocal?.stop();
  });

  async function statusOf(node: RunningLocalBundler, id: string) {
    return ((await (await fetch(`${node.url}/tx/${id}/status`)).json()) as { status: string }).status;
  }

  it("posts each stored item to arlocal in a bundle; arlocal then serves its data and tags", async () => {
    const node = await startLocalBundler({
      dataDir: join(settleDir, "a"),
      settleTo: ArlocalStorage.settler(arlocal.url),
    });
    try {
      const { envelope, item } = await envelopeItem(300_000);
      await new BundlerStorage({ url: node.url }).upload(item);
      await node.settled(item.idBase64Url);
      expect(await statusOf(node, item.idBase64Url)).toBe("FINALIZED");
      const gateway = new ArlocalStorage({ url: arlocal.url, jwk: await Arweave.init({}).wallets.generate() });
      expect(await gateway.download(item.id)).toEqual(envelope);
      expect(await gateway.tags(item.id)).toEqual(tags);
    } finally {
      await node.stop();
    }
  });

  it("keeps what it could not settle across a restart, and settles it once arlocal is reachable", async () => {
    const dataDir = join(settleDir, "b");
    const unreachable = await startLocalBundler({ port: 0, dataDir });
    const closedPort = new URL(unreachable.url).port;
    await unreachable.stop();
    // arlocal "down": settlement fails and is retried; the item is stored and served meanwhile.
    const logs: string[] = [];
    let node = await startLocalBundler({
      dataDir,
      settleTo: ArlocalStorage.settler(`http://127.0.0.1:${closedPort}`),
      log: (line) => logs.push(line),
    });
    const { envelope, item } = await envelopeItem(4000);
    const storage = new BundlerStorage({ url: node.url });
    await storage.upload(item);
    expect(await storage.download(item.id)).toEqual(envelope);
    expect(await statusOf(node, item.idBase64Url)).toBe("CONFIRMED");
    await vi.waitFor(() => expect(logs.join("\n")).toMatch(new RegExp(`settling ${item.idBase64Url} .* failed`)));
    await node.stop();

    node = await startLocalBundler({ dataDir, settleTo: ArlocalStorage.settler(arlocal.url) });
    try {
      await node.settled(item.idBase64Url);
      const gateway = new ArlocalStorage({ url: arlocal.url, jwk: await Arweave.init({}).wallets.generate() });
      expect(await gateway.download(item.id)).toEqual(envelope);
    } finally {
      await node.stop();
    }
  });
});
