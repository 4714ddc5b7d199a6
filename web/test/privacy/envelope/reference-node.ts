/**
 * A second implementation of the envelope written from FORMAT.md alone with node:crypto (no
 * WebCrypto, no code shared with src/). Tests use it to check the vectors and to decrypt what
 * the real module produces, so the document, not the module, defines the format.
 */
import { createCipheriv, createDecipheriv, hkdfSync, timingSafeEqual } from "node:crypto";

export interface ReferenceContext {
  chainId: bigint;
  registry: string; // 0x-prefixed, 20 bytes
  subject: string;
  schemaVersion: number;
}

function hkdf(dataKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), Buffer.from(info, "ascii"), 32));
}

function header(chunkSize: number, noncePrefix: Buffer, ctx: ReferenceContext, commitment: Buffer): Buffer {
  const h = Buffer.alloc(100);
  h.write("OKEV", 0, "ascii");
  h[4] = 1;
  h[5] = 1;
  h.writeUInt32BE(chunkSize, 6);
  noncePrefix.copy(h, 10);
  h.writeBigUInt64BE(ctx.chainId, 18);
  Buffer.from(ctx.registry.slice(2), "hex").copy(h, 26);
  Buffer.from(ctx.subject.slice(2), "hex").copy(h, 46);
  h.writeUInt16BE(ctx.schemaVersion, 66);
  commitment.copy(h, 68);
  return h;
}

function wordBytes(index: number, final: boolean): Buffer {
  const w = Buffer.alloc(4);
  w.writeUInt32BE((final ? 0x80000000 : 0) + index, 0);
  return w;
}

export function referenceEncrypt(
  plaintext: Buffer,
  dataKey: Buffer,
  noncePrefix: Buffer,
  chunkSize: number,
  ctx: ReferenceContext,
): Buffer {
  const kEnc = hkdf(dataKey, "OneKey envelope v1 AES-256-GCM key");
  const kCommit = hkdf(dataKey, "OneKey envelope v1 key commitment");
  const h = header(chunkSize, noncePrefix, ctx, kCommit);
  const parts = [h];
  const chunkCount = Math.max(1, Math.ceil(plaintext.length / chunkSize));
  for (let i = 0; i < chunkCount; i++) {
    const piece = plaintext.subarray(i * chunkSize, (i + 1) * chunkSize);
    const word = wordBytes(i, i === chunkCount - 1);
    const cipher = createCipheriv("aes-256-gcm", kEnc, Buffer.concat([noncePrefix, word]));
    cipher.setAAD(Buffer.concat([h.subarray(0, 68), word]));
    const ct = Buffer.concat([cipher.update(piece), cipher.final()]);
    const frame = Buffer.alloc(8);
    word.copy(frame, 0);
    frame.writeUInt32BE(piece.length, 4);
    parts.push(frame, ct, cipher.getAuthTag());
  }
  return Buffer.concat(parts);
}

/** Decodes per FORMAT.md; throws a plain Error naming the failed step (the real module types them). */
export function referenceDecrypt(envelope: Buffer, dataKey: Buffer): { context: ReferenceContext; plaintext: Buffer } {
  if (envelope.length < 100 || envelope.toString("ascii", 0, 4) !== "OKEV") throw new Error("header");
  if (envelope[4] !== 1 || envelope[5] !== 1) throw new Error("version");
  const chunkSize = envelope.readUInt32BE(6);
  const noncePrefix = envelope.subarray(10, 18);
  const context: ReferenceContext = {
    chainId: envelope.readBigUInt64BE(18),
    registry: `0x${envelope.toString("hex", 26, 46)}`,
    subject: `0x${envelope.toString("hex", 46, 66)}`,
    schemaVersion: envelope.readUInt16BE(66),
  };
  const kCommit = hkdf(dataKey, "OneKey envelope v1 key commitment");
  if (!timingSafeEqual(kCommit, envelope.subarray(68, 100))) throw new Error("wrong key");
  const kEnc = hkdf(dataKey, "OneKey envelope v1 AES-256-GCM key");
  const out: Buffer[] = [];
  let offset = 100;
  for (let position = 0; ; position++) {
    if (offset + 8 > envelope.length) throw new Error("truncated");
    const word = envelope.subarray(offset, offset + 4);
    const wordValue = word.readUInt32BE(0);
    const length = envelope.readUInt32BE(offset + 4);
    const final = wordValue >= 0x80000000;
    if ((wordValue & 0x7fffffff) !== position) throw new Error("order");
    if (length > chunkSize || (!final && length !== chunkSize)) throw new Error("frame");
    const end = offset + 8 + length + 16;
    if (end > envelope.length) throw new Error("truncated");
    const decipher = createDecipheriv("aes-256-gcm", kEnc, Buffer.concat([noncePrefix, word]));
    decipher.setAAD(Buffer.concat([envelope.subarray(0, 68), word]));
    decipher.setAuthTag(envelope.subarray(end - 16, end));
    out.push(Buffer.concat([decipher.update(envelope.subarray(offset + 8, end - 16)), decipher.final()]));
    offset = end;
    if (final) {
      if (offset !== envelope.length) throw new Error("trailing bytes");
      return { context, plaintext: Buffer.concat(out) };
    }
  }
}

/** The known-answer vector file (src/privacy/envelope/test-vectors.json), built with this reference. */
export async function buildVectorFile(keccak256: (bytes: Uint8Array) => string) {
  const dataKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const noncePrefix = Buffer.from("a0a1a2a3a4a5a6a7", "hex");
  const context = {
    chainId: 31337n,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    subject: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    schemaVersion: 1,
  };
  const cases = [
    { name: "empty record", plaintext: Buffer.alloc(0), chunkSize: 16 },
    { name: "one short chunk", plaintext: Buffer.from("OneKey"), chunkSize: 16 },
    { name: "exactly one full chunk", plaintext: Buffer.from("0123456789abcdef"), chunkSize: 16 },
    {
      name: "three chunks, short last",
      plaintext: Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff)),
      chunkSize: 16,
    },
    {
      name: "1 MiB chunks",
      plaintext: Buffer.from('{"name":"Ada Lovelace","level":2}'),
      chunkSize: 1 << 20,
    },
  ];
  return {
    description: "OneKey envelope v1 known-answer vectors (FORMAT.md). Hex without 0x, except Ethereum values.",
    dataKey: dataKey.toString("hex"),
    noncePrefix: noncePrefix.toString("hex"),
    context: { ...context, chainId: context.chainId.toString() },
    derived: {
      aesKey: hkdf(dataKey, "OneKey envelope v1 AES-256-GCM key").toString("hex"),
      keyCommitment: hkdf(dataKey, "OneKey envelope v1 key commitment").toString("hex"),
    },
    vectors: cases.map(({ name, plaintext, chunkSize }) => {
      const envelope = referenceEncrypt(plaintext, dataKey, noncePrefix, chunkSize, context);
      return {
        name,
        chunkSize,
        plaintext: plaintext.toString("hex"),
        envelope: envelope.toString("hex"),
        ciphertextHash: keccak256(envelope),
      };
    }),
  };
}
