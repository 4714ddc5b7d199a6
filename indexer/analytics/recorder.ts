/**
 * The streamed metrics' writer (API calls and latency): counts are kept in memory per project,
 * metric, dimension and hour, and added to the rollups (hour and day rows) every `flushMs` or
 * once `maxKeys` keys are buffered, in one additive upsert per batch. Aggregating first is what
 * makes ingest cheap: a busy route costs one row per hour, not one per call.
 *
 * What can be lost: a process that dies loses what it buffered since its last flush (at most
 * `flushMs`, 5 s by default, of its own calls); a failed flush keeps its counts and retries them
 * with the next. Streamed rows have no source to be rebuilt from, and the rebuild never touches them.
 */
import type { Kysely } from "kysely";
import type { ApiDatabase } from "../db/tables.js";
import { addRollups, bucketStart, type RollupRow } from "./buckets.js";
import { addHistograms, bucketOf, emptyHistogram } from "./histogram.js";
import { METRICS, type MetricName } from "./metrics.js";

interface Entry {
  projectId: string;
  metric: MetricName;
  dimension: string;
  hour: number;
  value: number;
  histogram: number[] | null;
}

export interface RecorderOptions {
  flushMs?: number;
  maxKeys?: number;
  /** Told when a flush fails (the counts stay buffered for the next one). */
  onError?: (error: unknown) => void;
}

export class RollupRecorder {
  readonly #db: Kysely<ApiDatabase>;
  readonly #maxKeys: number;
  readonly #flushMs: number;
  readonly #onError: (error: unknown) => void;
  #buffer = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** A flush the full buffer asked for is queued or running: a full buffer asks once, not per key. */
  #fullFlushQueued = false;
  #droppedKeys = 0;

  constructor(db: Kysely<ApiDatabase>, options: RecorderOptions = {}) {
    this.#db = db;
    this.#flushMs = options.flushMs ?? 5_000;
    this.#maxKeys = options.maxKeys ?? 20_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Starts flushing every `flushMs` (unref'd: it never keeps the process alive). */
  start(): this {
    this.#timer ??= setInterval(() => void this.flush(), this.#flushMs);
    this.#timer.unref();
    return this;
  }

  /** Stops the timer and writes what is buffered. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  get bufferedKeys(): number {
    return this.#buffer.size;
  }

  /** New keys refused while the database stayed away and the buffer held four times `maxKeys`. */
  get droppedKeys(): number {
    return this.#droppedKeys;
  }

  count(projectId: string | bigint, metric: MetricName, dimension: string, at: number, n = 1): void {
    this.#entry(String(projectId), metric, dimension, at).value += n;
  }

  /** One latency observation of a histogram metric. */
  observe(projectId: string | bigint, metric: MetricName, dimension: string, at: number, ms: number): void {
    const entry = this.#entry(String(projectId), metric, dimension, at);
    entry.value += 1;
    if (!entry.histogram) entry.histogram = emptyHistogram();
    const bucket = bucketOf(ms);
    entry.histogram[bucket] = (entry.histogram[bucket] ?? 0) + 1;
  }

  #entry(projectId: string, metric: MetricName, dimension: string, at: number, flushWhenFull = true): Entry {
    if (METRICS[metric].source !== "stream") throw new Error(`${metric} is derived, not streamed`);
    const hour = bucketStart(at, "hour");
    const key = `${projectId}\u0000${metric}\u0000${dimension}\u0000${hour}`;
    let entry = this.#buffer.get(key);
    if (!entry) {
      entry = { projectId, metric, dimension, hour, value: 0, histogram: null };
      // Bounded while the database is away: past four batches' worth, new keys are counted as
      // dropped (existing keys keep counting), so memory cannot grow with an outage.
      if (flushWhenFull && this.#buffer.size >= 4 * this.#maxKeys) {
        this.#droppedKeys++;
        return entry;
      }
      this.#buffer.set(key, entry);
      if (flushWhenFull && this.#buffer.size >= this.#maxKeys && !this.#fullFlushQueued) {
        this.#fullFlushQueued = true;
        void this.flush().finally(() => {
          this.#fullFlushQueued = false;
        });
      }
    }
    return entry;
  }

  /** Writes the buffer; flushes run one after another, so rows are never added twice. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#buffer.size === 0) return;
    const entries = [...this.#buffer.values()];
    this.#buffer = new Map();
    const rows: RollupRow[] = [];
    const days = new Map<string, RollupRow>();
    for (const e of entries) {
      rows.push({ ...e, granularity: "hour", bucketStart: e.hour, value: String(e.value) });
      const day = bucketStart(e.hour, "day");
      const key = `${e.projectId}\u0000${e.metric}\u0000${e.dimension}\u0000${day}`;
      const d = days.get(key);
      if (d) {
        d.value = String(Number(d.value) + e.value);
        if (e.histogram) d.histogram = addHistograms(d.histogram ?? emptyHistogram(), e.histogram);
      } else {
        days.set(key, {
          ...e,
          granularity: "day",
          bucketStart: day,
          value: String(e.value),
          histogram: e.histogram ? [...e.histogram] : null,
        });
      }
    }
    try {
      await addRollups(this.#db, [...rows, ...days.values()]);
    } catch (error) {
      // addRollups is one transaction, so nothing landed: keep the counts for the next flush.
      for (const e of entries) {
        const entry = this.#entry(e.projectId, e.metric, e.dimension, e.hour, false);
        entry.value += e.value;
        if (e.histogram) entry.histogram = addHistograms(entry.histogram ?? emptyHistogram(), e.histogram);
      }
      this.#onError(error);
    }
  }
}
