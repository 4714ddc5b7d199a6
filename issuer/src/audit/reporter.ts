/**
 * Reports the issuer's admin actions to the one audit trail, the tenant API's
 * (POST /v1/internal/audit-entries, with its ONEKEY_API_AUDIT_INGEST_TOKEN), as the key service
 * reports key releases (keyservice/src/audit-reporter.ts). An admin's request never waits for it
 * and never fails because of it: reports queue in memory and are sent in order, retried with
 * backoff while the API is away; a report the API refuses, or one pushed out of a full queue, is
 * dropped, logged and counted (onekey_issuer_audit_reports_total). What is queued when the process
 * dies is lost (at most `maxQueued`); the issuer's request log still has each action.
 */

/** The issuer's actions the trail takes (the API's allow-list, indexer/src/api/routes/keyReleases.ts). */
export type IssuerAuditAction = "issuer.kyc_settings.update";

export interface IssuerAuditEntry {
  /** The signed-in account that acted (lowercase 0x address). */
  actor: string;
  action: IssuerAuditAction;
  /** What was acted on, by id (`project:7`): never personal data. */
  target?: string;
  projectId?: string;
  outcome: "ok" | "denied" | "error";
  /** The issuer's request id: finds the action in the issuer's log too. */
  requestId: string;
  /** Ids, codes and settings only. */
  detail?: Record<string, string | number | boolean | string[]>;
  at: string;
}

/** Where admin actions go; `report` never throws and never waits. */
export interface AuditSink {
  report(entry: IssuerAuditEntry): void;
}

export type ReportOutcome = "sent" | "retried" | "dropped";

export interface AuditReporterOptions {
  /** The tenant API's base URL. */
  url: string;
  token: string;
  /** Reports kept while the API is away; the oldest go first beyond it. */
  maxQueued?: number;
  /** Waits before each retry, the last repeated (default 0.5 s doubling to 30 s). */
  backoffMs?: (attempt: number) => number;
  /** Each report's fate (metrics); `why` says why one was dropped or retried. */
  onOutcome?: (outcome: ReportOutcome, entry: IssuerAuditEntry, why?: string) => void;
  timeoutMs?: number;
}

export class AuditReporter implements AuditSink {
  readonly #queue: IssuerAuditEntry[] = [];
  readonly #endpoint: string;
  #draining = false;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(private readonly options: AuditReporterOptions) {
    this.#endpoint = `${options.url.replace(/\/+$/, "")}/v1/internal/audit-entries`;
  }

  report(entry: IssuerAuditEntry): void {
    if (this.#stopped) return;
    if (this.#queue.length >= (this.options.maxQueued ?? 10_000)) {
      // The oldest waiting report goes; the one being sent (first, while draining) stays.
      const oldest = this.#draining ? 1 : 0;
      if (oldest >= this.#queue.length) {
        this.options.onOutcome?.("dropped", entry, "queue full");
        return;
      }
      const [dropped] = this.#queue.splice(oldest, 1);
      if (dropped) this.options.onOutcome?.("dropped", dropped, "queue full");
    }
    this.#queue.push(entry);
    void this.#drain();
  }

  /** Resolves once every queued report is sent (or dropped). */
  flushed(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  get queued(): number {
    return this.#queue.length;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    let attempt = 0;
    while (this.#queue.length > 0 && !this.#stopped) {
      const next = this.#queue[0] as IssuerAuditEntry;
      const outcome = await this.#send(next);
      if (outcome.retry) {
        attempt++;
        this.options.onOutcome?.("retried", next, outcome.why);
        const wait = this.options.backoffMs?.(attempt) ?? Math.min(30_000, 500 * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        continue;
      }
      attempt = 0;
      this.#queue.shift();
      this.options.onOutcome?.(outcome.why ? "dropped" : "sent", next, outcome.why);
    }
    this.#draining = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Sent; retry (the API is away, failing or limiting); or dropped with why (a 4xx: never taken). */
  async #send(entry: IssuerAuditEntry): Promise<{ retry?: true; why?: string }> {
    try {
      const response = await fetch(this.#endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify(entry),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      await response.body?.cancel();
      if (response.ok) return {};
      if (response.status === 429 || response.status >= 500) return { retry: true, why: `status ${response.status}` };
      return { why: `refused with ${response.status}` };
    } catch (error) {
      return { retry: true, why: error instanceof Error ? error.name : "network" };
    }
  }
}
