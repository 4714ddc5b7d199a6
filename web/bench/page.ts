/**
 * What the benchmark runs inside headless Chromium: the production envelope, ANS-104 and bundler
 * code, bundled as-is. The Node side (crypto.ts) calls these through `window.onekeyBench`.
 */
import { privateKeyToAccount } from "viem/accounts";
import { decryptStream } from "../src/privacy/envelope/decrypt.js";
import { encryptEnvelope, encryptStream } from "../src/privacy/envelope/encrypt.js";
import { ciphertextHash } from "../src/privacy/envelope/hash.js";
import { generateDataKey } from "../src/privacy/envelope/subkeys.js";
import { createDataItem } from "../src/privacy/storage/ans104.js";
import { BundlerStorage } from "../src/privacy/storage/bundler-storage.js";
import { UploadQueue } from "../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../src/privacy/storage/upload-state.js";

const context = {
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  subject: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  schemaVersion: 1,
} as const;
const MiB = 2 ** 20;

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65_536) crypto.getRandomValues(out.subarray(offset, offset + 65_536));
  return out;
}

/** A plaintext stream of `size` bytes in 1 MiB pieces of one random buffer (a file being read). */
function plaintextStream(size: number): ReadableStream<Uint8Array> {
  const piece = randomBytes(MiB);
  let left = size;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(MiB, left);
      left -= n;
      controller.enqueue(piece.subarray(0, n));
    },
  });
}

/** Collects a stream into a Blob a few MiB at a time, so the bytes leave the JS heap as they come. */
async function toBlob(stream: ReadableStream<Uint8Array>): Promise<Blob> {
  let blob = new Blob([]);
  let parts: Uint8Array[] = [];
  let pending = 0;
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done || pending > 8 * MiB) {
      blob = new Blob([blob, ...(parts as Uint8Array<ArrayBuffer>[])]);
      parts = [];
      pending = 0;
    }
    if (done) return blob;
    parts.push(value);
    pending += value.length;
  }
}

async function toPieces(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return pieces;
    pieces.push(value);
  }
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

/**
 * Where the envelope goes: "drain" reads and drops it (the envelope code alone, as when it is
 * piped into an upload), "blob" stores it in a Blob (a file the browser keeps: Blob assembly
 * costs more than the encryption), "memory" keeps its pieces for decrypt().
 */
type Sink = "drain" | "blob" | "memory";

let lastEnvelope: { pieces: Uint8Array[]; dataKey: Uint8Array } | undefined;

const bench = {
  /**
   * Reference: `calls` back-to-back WebCrypto AES-256-GCM calls over `size` bytes each (no
   * envelope, no streams); ms. Chromium serves outputs from about 1 MiB up with a fresh mapping
   * each time (PartitionAlloc's direct-map), which makes big calls several times slower per byte.
   */
  async rawWebCrypto(size: number, calls: number): Promise<number> {
    const key = await crypto.subtle.importKey("raw", generateDataKey() as Uint8Array<ArrayBuffer>, "AES-GCM", false, [
      "encrypt",
    ]);
    const data = randomBytes(size);
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, key, data as Uint8Array<ArrayBuffer>);
    }
    return performance.now() - started;
  },

  /** Encrypts `size` bytes streamed into `sink`; returns ms. */
  async encrypt(size: number, sink: Sink): Promise<number> {
    const dataKey = generateDataKey();
    const source = plaintextStream(size);
    lastEnvelope = undefined;
    const started = performance.now();
    const envelope = encryptStream(source, { dataKey, context });
    if (sink === "memory") lastEnvelope = { pieces: await toPieces(envelope), dataKey };
    else if (sink === "blob") await toBlob(envelope);
    else await drain(envelope);
    return performance.now() - started;
  },

  /** Drops the envelope kept for decrypt(), so the heap figure starts from nothing held. */
  release(): void {
    lastEnvelope = undefined;
  },

  /** Decrypts the envelope the last encrypt(…, "memory") kept, streamed as it was produced; returns ms. */
  async decrypt(): Promise<number> {
    if (!lastEnvelope) throw new Error('encrypt(size, "memory") first');
    const { pieces, dataKey } = lastEnvelope;
    const started = performance.now();
    await drain(decryptStream(pieces, { dataKey, context }));
    return performance.now() - started;
  },

  /**
   * 10 MB record: encrypt, hash, sign as ANS-104, upload to the local bundler node through the
   * upload queue (which then asks the node that the item is stored); returns ms.
   */
  async endToEnd(params: { size: number; bundlerUrl: string; signerKey: `0x${string}` }) {
    const plaintext = randomBytes(params.size);
    const signer = privateKeyToAccount(params.signerKey);
    const storage = new BundlerStorage({ url: params.bundlerUrl });
    const started = performance.now();
    const envelope = await encryptEnvelope(plaintext, { dataKey: generateDataKey(), context });
    const encrypted = performance.now();
    const hash = await ciphertextHash(envelope);
    const hashed = performance.now();
    const item = await createDataItem({ data: envelope, tags: [{ name: "App-Name", value: "OneKey" }], signer });
    const signed = performance.now();
    const job = await new UploadQueue({ storage, state: new MemoryUploadStateStore() }).upload(item);
    const done = performance.now();
    if (job.status !== "done") throw new Error(`upload ${job.status}: ${job.error}`);
    const phases = {
      encrypt: encrypted - started,
      keccak: hashed - encrypted,
      sign: signed - hashed,
      upload: done - signed,
    };
    return { ms: done - started, phases, hash, id: item.id, bytes: envelope.length };
  },
};

(window as unknown as { onekeyBench: typeof bench }).onekeyBench = bench;
