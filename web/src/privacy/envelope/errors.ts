/**
 * Typed errors of the envelope format. Callers branch on the class (or `code`), never on the
 * message. Every decryption failure is one of these, and none carries plaintext.
 */

/** The fields of an envelope's context, in header order. */
export type ContextField = "chainId" | "registry" | "subject" | "schemaVersion";

export abstract class EnvelopeError extends Error {
  abstract readonly code: string;
}

/** The arguments themselves are wrong (key length, context values, chunk size). */
export class EnvelopeInputError extends EnvelopeError {
  override readonly name = "EnvelopeInputError";
  readonly code = "ENVELOPE_INPUT_INVALID";
}

/** The bytes are not a OneKey envelope at all (magic), or the header holds impossible values. */
export class MalformedEnvelopeError extends EnvelopeError {
  override readonly name = "MalformedEnvelopeError";
  readonly code = "ENVELOPE_MALFORMED";
}

/** A format version or cipher suite this code does not implement. */
export class UnsupportedVersionError extends EnvelopeError {
  override readonly name = "UnsupportedVersionError";
  readonly code = "ENVELOPE_VERSION_UNSUPPORTED";
  constructor(
    readonly version: number,
    readonly suite: number,
  ) {
    super(`unsupported envelope version ${version} / suite ${suite} (this code reads version 1, suite 1)`);
  }
}

/** The data key does not match the key commitment in the header. */
export class WrongKeyError extends EnvelopeError {
  override readonly name = "WrongKeyError";
  readonly code = "ENVELOPE_WRONG_KEY";
  constructor() {
    super("the data key does not open this envelope (key commitment mismatch)");
  }
}

/**
 * The envelope is authentic but bound to another context: another chain, registry, subject or
 * schema version. `mismatched` names the fields that differ.
 */
export class WrongContextError extends EnvelopeError {
  override readonly name = "WrongContextError";
  readonly code = "ENVELOPE_WRONG_CONTEXT";
  constructor(readonly mismatched: readonly ContextField[]) {
    super(`the envelope is bound to a different context (${mismatched.join(", ")} differ)`);
  }
}

/** A chunk failed authentication, or the framing contradicts itself, or bytes follow the end. */
export class TamperedEnvelopeError extends EnvelopeError {
  override readonly name = "TamperedEnvelopeError";
  readonly code = "ENVELOPE_TAMPERED";
  constructor(
    readonly chunkIndex: number | undefined,
    detail: string,
  ) {
    super(
      chunkIndex === undefined ? `envelope tampered: ${detail}` : `envelope chunk ${chunkIndex} tampered: ${detail}`,
    );
  }
}

/** The bytes end before the envelope's authenticated final chunk does. */
export class TruncatedEnvelopeError extends EnvelopeError {
  override readonly name = "TruncatedEnvelopeError";
  readonly code = "ENVELOPE_TRUNCATED";
  constructor(
    readonly receivedBytes: number,
    detail: string,
  ) {
    super(`envelope truncated after ${receivedBytes} bytes: ${detail}`);
  }
}

/** An authentic chunk arrived at the wrong position (chunks reordered, dropped or duplicated). */
export class ReorderedChunkError extends EnvelopeError {
  override readonly name = "ReorderedChunkError";
  readonly code = "ENVELOPE_CHUNK_REORDERED";
  constructor(
    readonly expectedIndex: number,
    readonly foundIndex: number,
  ) {
    super(`envelope chunk ${foundIndex} found where chunk ${expectedIndex} belongs (reordered, dropped or duplicated)`);
  }
}
