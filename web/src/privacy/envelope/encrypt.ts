/**
 * Encryption side of the envelope: a pull-based stream for large documents (memory stays near
 * three chunks whatever the input size) and a one-call form for small records.
 */
import { EnvelopeInputError } from "./errors.js";
import {
  assertChunkSize,
  chunkAad,
  chunkNonce,
  chunkWord,
  DEFAULT_CHUNK_SIZE,
  type EnvelopeContext,
  encodeChunkFrame,
  encodeHeader,
  KEY_BYTES,
  MAX_CHUNKS,
  NONCE_PREFIX_BYTES,
  normalizeContext,
} from "./format.js";
import { ByteReader, type ByteSource, collectBytes, generatorToStream, iterateBytes } from "./streams.js";
import { deriveSubkeys } from "./subkeys.js";

export interface EncryptOptions {
  /** The 32-byte data key (generateDataKey()); it is what KeyAccess protects. */
  dataKey: Uint8Array;
  context: EnvelopeContext;
  /** Plaintext bytes per chunk, 1 byte..16 MiB; 256 KiB by default (see DEFAULT_CHUNK_SIZE). */
  chunkSize?: number;
}

/** Encrypts a byte stream; the returned stream is the envelope (header, then framed chunks). */
export function encryptStream(source: ByteSource, options: EncryptOptions): ReadableStream<Uint8Array> {
  const noncePrefix = crypto.getRandomValues(new Uint8Array(NONCE_PREFIX_BYTES));
  return encryptStreamWithNoncePrefix(source, options, noncePrefix);
}

/** Encrypts a record held in memory. */
export async function encryptEnvelope(plaintext: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  return collectBytes(encryptStream([plaintext], options));
}

/**
 * As encryptStream, with a caller-chosen nonce prefix: for known-answer vectors only. Reusing a
 * (data key, nonce prefix) pair for two plaintexts breaks GCM's confidentiality and integrity.
 */
export function encryptStreamWithNoncePrefix(
  source: ByteSource,
  options: EncryptOptions,
  noncePrefix: Uint8Array,
): ReadableStream<Uint8Array> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  assertChunkSize(chunkSize);
  const context = normalizeContext(options.context);
  if (!(options.dataKey instanceof Uint8Array) || options.dataKey.length !== KEY_BYTES) {
    throw new EnvelopeInputError(`the data key must be ${KEY_BYTES} bytes`);
  }
  if (noncePrefix.length !== NONCE_PREFIX_BYTES) {
    throw new EnvelopeInputError(`the nonce prefix must be ${NONCE_PREFIX_BYTES} bytes`);
  }
  const dataKey = options.dataKey.slice();
  return generatorToStream(sealChunks(source, dataKey, context, chunkSize, noncePrefix.slice()));
}

async function sealChunk(
  aesKey: CryptoKey,
  header: Uint8Array,
  noncePrefix: Uint8Array,
  index: number,
  final: boolean,
  plaintext: Uint8Array,
): Promise<Uint8Array[]> {
  const word = chunkWord(index, final);
  const sealed = await crypto.subtle.encrypt(
    {
      name: "AES-GCM",
      iv: chunkNonce(noncePrefix, word) as Uint8Array<ArrayBuffer>,
      additionalData: chunkAad(header, word) as Uint8Array<ArrayBuffer>,
      tagLength: 128,
    },
    aesKey,
    plaintext as Uint8Array<ArrayBuffer>,
  );
  return [encodeChunkFrame(word, plaintext.length), new Uint8Array(sealed)];
}

async function* sealChunks(
  source: ByteSource,
  dataKey: Uint8Array,
  context: ReturnType<typeof normalizeContext>,
  chunkSize: number,
  noncePrefix: Uint8Array,
): AsyncGenerator<Uint8Array, void, undefined> {
  const input = iterateBytes(source);
  try {
    const { aesKey, commitment } = await deriveSubkeys(dataKey);
    dataKey.fill(0);
    const header = encodeHeader({ chunkSize, noncePrefix, context, keyCommitment: commitment });
    yield header;
    const reader = new ByteReader(input);
    // One chunk is sealed (on WebCrypto's thread) while the next is read and the previous one
    // is handed out: at most two chunks in flight, so memory stays bounded.
    let sealing: Promise<Uint8Array[]> | undefined;
    for (let index = 0; ; index++) {
      if (index >= MAX_CHUNKS) throw new EnvelopeInputError(`more than ${MAX_CHUNKS} chunks: use a larger chunk size`);
      const plaintext = await reader.read(chunkSize);
      // A chunk is final when nothing follows it, so a full last chunk is still marked final.
      const final = !(await reader.has(1));
      const next = sealChunk(aesKey, header, noncePrefix, index, final, plaintext);
      next.catch(() => undefined); // awaited below; this only keeps an early exit from warning
      if (sealing) yield* await sealing;
      sealing = next;
      if (final) {
        yield* await sealing;
        return;
      }
    }
  } finally {
    await input.return(undefined);
  }
}
