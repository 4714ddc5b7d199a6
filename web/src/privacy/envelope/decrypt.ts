/**
 * Decryption side of the envelope. Each chunk is authenticated before any of its bytes leave;
 * the stream ends normally only after the authenticated final chunk, so a consumer that treats
 * a stream error as failure never acts on partial plaintext. decryptEnvelope returns all or nothing.
 */
import {
  EnvelopeInputError,
  MalformedEnvelopeError,
  ReorderedChunkError,
  TamperedEnvelopeError,
  TruncatedEnvelopeError,
  WrongContextError,
  WrongKeyError,
} from "./errors.js";
import {
  CHUNK_FRAME_BYTES,
  checkPreamble,
  chunkAad,
  chunkNonce,
  decodeHeader,
  type EnvelopeContext,
  type EnvelopeHeader,
  HEADER_BYTES,
  KEY_BYTES,
  mismatchedFields,
  normalizeContext,
  splitChunkWord,
  TAG_BYTES,
} from "./format.js";
import { ByteReader, type ByteSource, collectBytes, generatorToStream, iterateBytes } from "./streams.js";
import { bytesEqual, deriveSubkeys } from "./subkeys.js";

export interface DecryptOptions {
  dataKey: Uint8Array;
  /** The context the caller expects (from the on-chain attestation), not the one in the header. */
  context: EnvelopeContext;
}

export function decryptStream(source: ByteSource, options: DecryptOptions): ReadableStream<Uint8Array> {
  const context = normalizeContext(options.context);
  if (!(options.dataKey instanceof Uint8Array) || options.dataKey.length !== KEY_BYTES) {
    throw new EnvelopeInputError(`the data key must be ${KEY_BYTES} bytes`);
  }
  return generatorToStream(openChunks(source, options.dataKey.slice(), context));
}

/** Decrypts a whole envelope held in memory; resolves only when every chunk verified. */
export async function decryptEnvelope(envelope: Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
  return collectBytes(decryptStream([envelope], options));
}

/** Parses the public header (no key needed): version, chunk size, context. */
export function readEnvelopeHeader(envelope: Uint8Array): EnvelopeHeader {
  checkPreamble(envelope);
  if (envelope.length < HEADER_BYTES) {
    throw new TruncatedEnvelopeError(envelope.length, "inside the header");
  }
  return decodeHeader(envelope);
}

async function* openChunks(
  source: ByteSource,
  dataKey: Uint8Array,
  expected: EnvelopeHeader["context"],
): AsyncGenerator<Uint8Array, void, undefined> {
  const input = iterateBytes(source);
  try {
    const reader = new ByteReader(input);
    const headerBytes = await reader.read(HEADER_BYTES);
    const header = readEnvelopeHeader(headerBytes);
    const { aesKey, commitment } = await deriveSubkeys(dataKey);
    dataKey.fill(0);
    if (!bytesEqual(commitment, header.keyCommitment)) throw new WrongKeyError();

    for (let position = 0; ; position++) {
      const frame = await reader.read(CHUNK_FRAME_BYTES);
      if (frame.length === 0) {
        throw new TruncatedEnvelopeError(reader.consumed, `no final chunk after ${position} chunk(s)`);
      }
      if (frame.length < CHUNK_FRAME_BYTES) {
        throw new TruncatedEnvelopeError(reader.consumed, `inside the frame of chunk ${position}`);
      }
      const frameView = new DataView(frame.buffer, frame.byteOffset, CHUNK_FRAME_BYTES);
      const word = frameView.getUint32(0);
      const length = frameView.getUint32(4);
      const { index, final } = splitChunkWord(word);
      // Checked before reading so a forged length cannot make us buffer more than one chunk.
      if (length > header.chunkSize) {
        throw new TamperedEnvelopeError(
          position,
          `frame declares ${length} bytes, above the chunk size ${header.chunkSize}`,
        );
      }
      if (!final && length !== header.chunkSize) {
        throw new TamperedEnvelopeError(position, `frame declares a short (${length} byte) chunk that is not final`);
      }
      const sealed = await reader.read(length + TAG_BYTES);
      if (sealed.length < length + TAG_BYTES) {
        throw new TruncatedEnvelopeError(reader.consumed, `inside chunk ${position}`);
      }
      const plaintext = await openChunk(aesKey, headerBytes, header.noncePrefix, word, sealed);
      if (plaintext === undefined) throw new TamperedEnvelopeError(position, "authentication failed");
      if (index !== position) throw new ReorderedChunkError(position, index);
      if (position === 0) {
        const mismatched = mismatchedFields(expected, header.context);
        if (mismatched.length > 0) throw new WrongContextError(mismatched);
      }
      if (!final) {
        yield plaintext;
        continue;
      }
      if (length === 0 && position > 0) {
        throw new MalformedEnvelopeError("an empty final chunk follows data chunks (not canonical)");
      }
      if (!(await reader.atEnd())) {
        throw new TamperedEnvelopeError(undefined, "bytes follow the final chunk");
      }
      if (plaintext.length > 0) yield plaintext;
      return;
    }
  } finally {
    await input.return(undefined);
  }
}

/** The chunk's plaintext, or undefined when it does not authenticate at the position it claims. */
async function openChunk(
  aesKey: CryptoKey,
  header: Uint8Array,
  noncePrefix: Uint8Array,
  word: number,
  sealed: Uint8Array,
): Promise<Uint8Array | undefined> {
  try {
    const plaintext = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: chunkNonce(noncePrefix, word) as Uint8Array<ArrayBuffer>,
        additionalData: chunkAad(header, word) as Uint8Array<ArrayBuffer>,
        tagLength: 128,
      },
      aesKey,
      sealed as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    if (error instanceof Error && error.name === "OperationError") return undefined;
    throw error;
  }
}
