/**
 * Reports every key release decision to the tenant API's audit trail
 * (POST /v1/internal/key-releases, with ONEKEY_API_AUDIT_INGEST_TOKEN), so the one trail answers
 * who took which record's key and when, refusals included. A release never waits for it: reports
 * queue in memory and are sent in order, retried with backoff while the API is away. What is
 * queued when the process dies is lost (at most `maxQueued`); the request log still has each
 * decision.
 */
export interface KeyReleaseReport {
  reader: string;
  uid: string;
  chainId: number;
  keyId: string;
  outcome: "released" | "refused";
  reason?: string;
  at: string;
}

export interface AuditReporterOptions {
  /** The tenant API's base URL. */
  url: string;
  token: string;
  /** Reports kept while the API is away; the oldest go first beyond it. */
  maxQueued?: number;
  /** Waits before each retry, the last repeated (default 0.5 s doubling to 30 s). */
  backoffMs?: (attempt: number) => number;
  onDropped?: (report: KeyReleaseReport, why: string) => void;
}

export class AuditReporter {
  readonly #queue: KeyReleaseReport[] = [];
  readonly #endpoint: string;
  #draining = false;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(private readonly options: AuditReporterOptions) {
    this.#endpoint = `${options.url.replace(/\/+$/, "")}/v1/internal/key-releases`;
  }

  report(entry: KeyReleaseReport): void {
    if (this.#stopped) return;
    if (this.#queue.length >= (this.options.maxQueued ?? 10_000)) {
      const dropped = this.#queue.shift();
      if (dropped) this.options.onDropped?.(dropped, "queue full");
    }
    this.#queue.push(entry);
    void this.#drain();
  }

  /** Resolves once every queued report is sent (or dropped). */
  flushed(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    let attempt = 0;
    while (this.#queue.length > 0 && !this.#stopped) {
      const next = this.#queue[0] as KeyReleaseReport;
      const outcome = await this.#send(next);
      if (outcome === "retry") {
        attempt++;
        const wait = this.options.backoffMs?.(attempt) ?? Math.min(30_000, 500 * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        continue;
      }
      attempt = 0;
      this.#queue.shift();
      if (outcome !== "sent") this.options.onDropped?.(next, outcome);
    }
    this.#draining = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** "sent", "retry" (the API is away or failing), or why it will never be taken (a 4xx). */
  async #send(entry: KeyReleaseReport): Promise<string> {
    try {
      const response = await fetch(this.#endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify(entry),
        signal: AbortSignal.timeout(5_000),
      });
      await response.body?.cancel();
      if (response.ok) return "sent";
      if (response.status === 429 || response.status >= 500) return "retry";
      return `refused with ${response.status}`;
    } catch {
      return "retry";
    }
  }
}
