/**
 * Stream plumbing shared by the encryptor and decryptor: any byte source in, exact-size reads
 * out, and a pull-based ReadableStream so backpressure bounds memory.
 */

/** What the streaming API accepts: a web stream (File.stream(), fetch body) or any (async) iterable. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof (source as ReadableStream).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    let finished = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield value;
      }
    } finally {
      // Stopped early (an error downstream): tell the producer; otherwise just let go of it.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  } else {
    yield* source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  }
}

/**
 * Wraps a generator as a ReadableStream that produces one item per pull: with highWaterMark 1
 * at most one finished chunk waits in the queue, whatever the consumer's speed.
 */
export function generatorToStream(generator: AsyncGenerator<Uint8Array, void, undefined>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await generator.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await generator.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** Reads exact byte counts from an iterator of arbitrarily sized pieces, copying only across pieces. */
export class ByteReader {
  private readonly pieces: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes handed out so far (for error messages). */
  consumed = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Pulls until `n` bytes are buffered or the source ends; returns what is buffered (<= n). */
  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const { value, done } = await this.source.next();
      if (done) this.ended = true;
      else if (value.length > 0) {
        this.pieces.push(value);
        this.buffered += value.length;
      }
    }
  }

  /** Exactly `n` bytes, or fewer when the source ends first. */
  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    return this.take(Math.min(n, this.buffered));
  }

  /** True when at least `n` more bytes exist, without consuming them. */
  async has(n: number): Promise<boolean> {
    await this.fill(n);
    return this.buffered >= n;
  }

  /** Whether any byte is left, and how many are buffered (to report trailing data). */
  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.buffered === 0;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  private take(n: number): Uint8Array {
    this.consumed += n;
    this.buffered -= n;
    const first = this.pieces[0];
    if (n === 0) return new Uint8Array(0);
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.pieces.shift();
      else this.pieces[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const piece = this.pieces[0] as Uint8Array;
      const part = Math.min(piece.length, n - offset);
      out.set(piece.subarray(0, part), offset);
      offset += part;
      if (part === piece.length) this.pieces.shift();
      else this.pieces[0] = piece.subarray(part);
    }
    return out;
  }
}

/** Collects a stream into one array (for the small-record convenience API and tests). */
export async function collectBytes(source: ByteSource): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let total = 0;
  for await (const piece of iterateBytes(source)) {
    pieces.push(piece);
    total += piece.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
