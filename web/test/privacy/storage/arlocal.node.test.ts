import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Arweave from "arweave";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import { keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptEnvelope } from "../../../src/privacy/envelope/encrypt.js";
import { generateDataKey } from "../../../src/privacy/envelope/subkeys.js";
import { createDataItem } from "../../../src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../../src/privacy/storage/arlocal-storage.js";
import { IntegrityError, StorageNotFoundError } from "../../../src/privacy/storage/storage.js";
import { type UploadEvent, UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../../../src/privacy/storage/upload-state.js";
import { readVerifiedEnvelope } from "../../../src/privacy/storage/verified-read.js";
import { type RunningArlocal, startArlocal } from "../../support/arlocal.js";
import { FileUploadStateStore } from "../../support/file-upload-state.js";
import { runUploadUntilKilled } from "../../support/killed-upload.js";
import { context, patternBytes } from "../envelope/fixtures.js";
import { testPrivateKey } from "../keys/fixtures.js";

const signer = privateKeyToAccount(testPrivateKey);
const tags = [{ name: "Content-Type", value: "application/octet-stream" }];
let arlocal: RunningArlocal;
let jwk: JWKInterface;
let storage: ArlocalStorage;
const scratch = mkdtempSync(join(tmpdir(), "onekey-uploads-"));

beforeAll(async () => {
  arlocal = await startArlocal();
  jwk = await Arweave.init({}).wallets.generate();
  await ArlocalStorage.fund(arlocal.url, jwk);
  storage = new ArlocalStorage({ url: arlocal.url, jwk });
}, 120_000);

afterAll(async () => {
  await arlocal?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function sealedItem(bytes: number, seed: number) {
  const envelope = await encryptEnvelope(patternBytes(bytes, seed), { dataKey: generateDataKey(), context });
  return { envelope, item: await createDataItem({ data: envelope, tags, signer }) };
}

async function graphql<T>(query: string): Promise<T> {
  const response = await fetch(`${arlocal.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return ((await response.json()) as { data: T }).data;
}

/** How many bundle transactions our local bundler wallet has stored on arlocal. */
async function bundleCount(): Promise<number> {
  const owner = await Arweave.init({}).wallets.jwkToAddress(jwk);
  const query = `{ transactions(first: 100, owners: ["${owner}"], tags: [{ name: "Bundle-Format", values: ["binary"] }]) { edges { node { id } } } }`;
  return (await graphql<{ transactions: { edges: unknown[] } }>(query)).transactions.edges.length;
}

/** How many records of this item arlocal holds. */
async function itemCount(idBase64Url: string): Promise<number> {
  const query = `{ transactions(ids: ["${idBase64Url}"]) { edges { node { id } } } }`;
  return (await graphql<{ transactions: { edges: unknown[] } }>(query)).transactions.edges.length;
}

describe("arlocal storage through the upload queue", () => {
  it("uploads a 10 MB envelope in one request, and reads it back verified against its hash", async () => {
    const { envelope, item } = await sealedItem(10 * 2 ** 20, 4);
    const events: UploadEvent[] = [];
    const queue = new UploadQueue({ storage, state: new MemoryUploadStateStore() });
    queue.on((event) => events.push(event));
    expect(await queue.upload(item)).toMatchObject({ status: "done", attempts: 1 });
    expect(events.filter((e) => e.type === "progress")).toEqual([
      { type: "progress", id: item.id, sentBytes: 0, totalBytes: item.bytes.length },
      { type: "progress", id: item.id, sentBytes: item.bytes.length, totalBytes: item.bytes.length },
    ]);
    const attestation = { storageId: item.id, ciphertextHash: keccak256(envelope) };
    expect(keccak256(await readVerifiedEnvelope(storage, attestation))).toBe(keccak256(envelope));
  });

  it("uploads a 12 MB envelope in chunks with progress, and reads it back verified against its hash", async () => {
    const { envelope, item } = await sealedItem(12 * 2 ** 20, 1);
    const queue = new UploadQueue({ storage, state: new MemoryUploadStateStore() });
    const events: UploadEvent[] = [];
    queue.on((event) => events.push(event));
    const job = await queue.upload(item);
    expect(job).toMatchObject({
      status: "done",
      sentBytes: item.bytes.length,
      totalBytes: item.bytes.length,
      attempts: 1,
    });

    const progress = events.filter((e) => e.type === "progress").map((e) => (e as { sentBytes: number }).sentBytes);
    expect(progress.length).toBeGreaterThan(48); // 256 KiB chunks
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(item.bytes.length);
    expect(events.at(-1)).toEqual({ type: "done", id: item.id, skipped: false });

    const attestation = { storageId: item.id, ciphertextHash: keccak256(envelope) };
    expect(keccak256(await readVerifiedEnvelope(storage, attestation))).toBe(keccak256(envelope));
    const wrongHash = { ...attestation, ciphertextHash: keccak256(new Uint8Array([1])) };
    await expect(readVerifiedEnvelope(storage, wrongHash)).rejects.toBeInstanceOf(IntegrityError);
    await expect(storage.download(`0x${"00".repeat(32)}`)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it("never sends an item twice: a second upload of the same item finds it stored", async () => {
    const { item } = await sealedItem(300_000, 2);
    const state = new MemoryUploadStateStore();
    await new UploadQueue({ storage, state }).upload(item);
    const bundlesBefore = await bundleCount();
    const events: UploadEvent[] = [];
    const again = new UploadQueue({ storage, state: new MemoryUploadStateStore() });
    again.on((event) => events.push(event));
    expect((await again.upload(item)).status).toBe("done");
    expect(events).toEqual([{ type: "done", id: item.id, skipped: true }]);
    expect(await bundleCount()).toBe(bundlesBefore);
    expect(await itemCount(item.idBase64Url)).toBe(1);
  });

  it("resumes an upload whose process was killed midway, from where it stopped, storing it once", async () => {
    const { envelope, item } = await sealedItem(6 * 2 ** 20, 3);
    const stateDir = join(scratch, "killed");
    const jwkFile = join(scratch, "jwk.json");
    writeFileSync(jwkFile, JSON.stringify(jwk));
    const state = new FileUploadStateStore(stateDir);
    await state.create(
      {
        id: item.id,
        idBase64Url: item.idBase64Url,
        status: "pending",
        sentBytes: 0,
        totalBytes: item.bytes.length,
        attempts: 0,
        updatedAt: "",
      },
      item.bytes,
    );

    const bundlesBefore = await bundleCount();
    await runUploadUntilKilled({
      STORAGE: "arlocal",
      ARLOCAL_URL: arlocal.url,
      STATE_DIR: stateDir,
      JWK_FILE: jwkFile,
      KILL_AT: "8",
    });

    const left = await state.get(item.id);
    expect(left?.status).toBe("uploading");
    expect(left?.resumeState).toMatchObject({ nextChunk: 8, headerPosted: false });
    expect(await storage.has(item.id)).toBe(false);

    const events: UploadEvent[] = [];
    const queue = new UploadQueue({ storage: new ArlocalStorage({ url: arlocal.url, jwk, inlineMaxBytes: 0 }), state });
    queue.on((event) => events.push(event));
    const [job] = await queue.resumeAll();
    expect(job?.status).toBe("done");
    const firstProgress = events.find((e) => e.type === "progress") as { sentBytes: number } | undefined;
    expect(firstProgress?.sentBytes).toBeGreaterThan(0); // continued, not restarted
    expect(keccak256(await storage.download(item.id))).toBe(keccak256(envelope));
    expect(await bundleCount()).toBe(bundlesBefore + 1); // the killed upload's transaction, completed
    expect(await itemCount(item.idBase64Url)).toBe(1);
    expect(await state.item(item.id)).toBeUndefined(); // bytes dropped once stored
  });
});
