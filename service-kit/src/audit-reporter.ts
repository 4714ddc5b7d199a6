/**
 * Sends a service's audit reports to the tenant API's audit trail (the issuer's admin actions to
 * POST /v1/internal/audit-entries, the key service's key releases to /v1/internal/key-releases,
 * both with ONEKEY_API_AUDIT_INGEST_TOKEN). The caller never waits and never fails because of it:
 * reports queue in memory and are sent in order.
 *
 * - Each report gets an Idempotency-Key when it is queued, sent with every attempt: a report the
 *   API wrote but whose answer was lost (a timeout) is written once when retried.
 * - Anything but an answer the API will never take is retried with backoff: a network error, a
 *   5xx, a 429, and also 401/403 (a token being rotated must not lose every report meanwhile).
 *   Only 400, 413 and 422 drop a report.
 * - The queue is bounded: beyond `maxQueued` the oldest waiting `expendable` report goes first
 *   (a flood of refusals never pushes out a genuine action), then the oldest waiting one.
 * - `onOutage` says once when the API became unreachable and once when it is back (with what was
 *   lost meanwhile), so an outage is one log line, not one per report.
 *
 * What is still queued when the process dies is lost; `flush(ms)` on shutdown sends what it can.
 */
import { randomUUID } from "node:crypto";

export type ReportOutcome = "sent" | "retried" | "dropped";

/** Why a report was dropped: the API refused it for good, or a full queue pushed it out. */
export type DropReason = "refused_400" | "refused_413" | "refused_422" | "queue_full";

export type OutageEvent =
  | { state: "down"; why: string }
  | { state: "up"; retried: number; dropped: number; downForMs: number };

export interface AuditReporterOptions<T> {
  /** The tenant API's base URL. */
  url: string;
  /** The ingest route, e.g. `/v1/internal/audit-entries`. */
  path: string;
  token: string;
  /** Reports kept while the API is away (default 10 000). */
  maxQueued?: number;
  /** A report that may go first when the queue is full (the issuer: refusals). */
  expendable?: (report: T) => boolean;
  /** Waits before each retry (default 0.5 s doubling to 30 s). */
  backoffMs?: (attempt: number) => number;
  /** Each attempt's limit (default 5 s). */
  timeoutMs?: number;
  /** Each report's fate, for metrics; `why` is the DropReason of a dropped one, the cause of a retry. */
  onOutcome?: (outcome: ReportOutcome, report: T, why?: string) => void;
  /** The API became unreachable, or is back: once per outage, for the log. */
  onOutage?: (event: OutageEvent) => void;
  now?: () => number;
}

interface Queued<T> {
  report: T;
  idempotencyKey: string;
}

/** HTTP answers the API will never take from the same report: dropped, not retried. */
const NEVER_TAKEN = new Set([400, 413, 422]);

export class AuditReporter<T> {
  readonly #queue: Queued<T>[] = [];
  readonly #endpoint: string;
  readonly #now: () => number;
  #draining = false;
  #stopped = false;
  #idle: (() => void)[] = [];
  /** Since when the API has been away (undefined: it answers), and what happened meanwhile. */
  #outage: { since: number; retried: number; dropped: number } | undefined;
  /** Drops by reason since the start (also given to onOutcome). */
  readonly drops: Record<DropReason, number> = { refused_400: 0, refused_413: 0, refused_422: 0, queue_full: 0 };

  constructor(private readonly options: AuditReporterOptions<T>) {
    this.#endpoint = `${options.url.replace(/\/+$/, "")}/${options.path.replace(/^\/+/, "")}`;
    this.#now = options.now ?? Date.now;
  }

  /** Queues a report; never throws, never waits. */
  report(report: T): void {
    if (this.#stopped) return;
    const incoming = { report, idempotencyKey: randomUUID() };
    if (this.#queue.length >= (this.options.maxQueued ?? 10_000)) {
      const victim = this.#victim(incoming);
      if (victim === "incoming") {
        this.#drop(incoming, "queue_full");
        return;
      }
      const [dropped] = this.#queue.splice(victim, 1);
      if (dropped) this.#drop(dropped, "queue_full");
    }
    this.#queue.push(incoming);
    void this.#drain();
  }

  /** Resolves once every queued report is sent or dropped (or the reporter is stopped). */
  flushed(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** On shutdown: waits up to `ms` for the queue to empty, then stops; true if it emptied. */
  async flush(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const emptied = await Promise.race([
      this.flushed().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
    clearTimeout(timer);
    this.stop();
    return emptied;
  }

  get queued(): number {
    return this.#queue.length;
  }

  stop(): void {
    this.#stopped = true;
    if (!this.#draining) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Which report a full queue loses: never the one being sent (first, while draining). */
  #victim(incoming: Queued<T>): number | "incoming" {
    const first = this.#draining ? 1 : 0;
    const expendable = this.options.expendable;
    if (expendable) {
      const index = this.#queue.findIndex((q, i) => i >= first && expendable(q.report));
      if (index >= 0) return index;
      // Only genuine actions wait: an expendable newcomer goes rather than one of them.
      if (expendable(incoming.report)) return "incoming";
    }
    return first < this.#queue.length ? first : "incoming";
  }

  #drop(queued: Queued<T>, reason: DropReason): void {
    this.drops[reason]++;
    if (this.#outage) this.#outage.dropped++;
    this.options.onOutcome?.("dropped", queued.report, reason);
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    let attempt = 0;
    while (this.#queue.length > 0 && !this.#stopped) {
      const next = this.#queue[0] as Queued<T>;
      const outcome = await this.#send(next);
      if ("retry" in outcome) {
        attempt++;
        if (!this.#outage) {
          this.#outage = { since: this.#now(), retried: 0, dropped: 0 };
          this.options.onOutage?.({ state: "down", why: outcome.retry });
        }
        this.#outage.retried++;
        this.options.onOutcome?.("retried", next.report, outcome.retry);
        const wait = this.options.backoffMs?.(attempt) ?? Math.min(30_000, 500 * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        continue;
      }
      attempt = 0;
      // A report pushed out meanwhile was never this one: the one being sent is never a victim.
      this.#queue.shift();
      if (this.#outage) {
        const { since, retried, dropped } = this.#outage;
        this.#outage = undefined;
        this.options.onOutage?.({ state: "up", retried, dropped, downForMs: this.#now() - since });
      }
      if ("dropped" in outcome) this.#drop(next, outcome.dropped);
      else this.options.onOutcome?.("sent", next.report);
    }
    this.#draining = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #send(queued: Queued<T>): Promise<{ sent: true } | { retry: string } | { dropped: DropReason }> {
    try {
      const response = await fetch(this.#endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.options.token}`,
          "idempotency-key": queued.idempotencyKey,
        },
        body: JSON.stringify(queued.report),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      await response.body?.cancel();
      if (response.ok) return { sent: true };
      if (NEVER_TAKEN.has(response.status)) return { dropped: `refused_${response.status}` as DropReason };
      return { retry: `status ${response.status}` };
    } catch (error) {
      return { retry: error instanceof Error ? error.name : "network" };
    }
  }
}
