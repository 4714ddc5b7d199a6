/**
 * Claims due deliveries and sends them. Claiming is `FOR UPDATE SKIP LOCKED` with a lease, so
 * any number of workers on one PostgreSQL never work the same attempt at once. A lease names the
 * worker's session backend: when a worker dies (SIGKILL included) its session ends, and the
 * reaper hands its deliveries to the others at once rather than when the lease runs out.
 * Delivery is at least once: a worker that dies after sending but before recording sends again,
 * with the same webhook-id.
 */
import { RateLimiterMemory } from "rate-limiter-flexible";
import { writeAudit } from "../../db/audit.js";
import type { Logger } from "../../lib/logger.js";
import { envelope } from "../envelope.js";
import { openSecret } from "../secrets.js";
import {
  type ClaimedDelivery,
  claimDeliveries,
  countDue,
  countSessions,
  type DeliveryResult,
  reapLeases,
  recordResults,
} from "../store/deliveries.js";
import { disableEndpoint } from "../store/endpoints.js";
import type { Db } from "../store/events.js";
import type { WorkerConfig } from "./config.js";
import type { WorkerMetrics } from "./metrics.js";
import { retryDelay } from "./schedule.js";
import type { Sender } from "./sender.js";

/** The application name of every worker's long-lived session: counting them counts the workers. */
export const WORKER_SESSION_NAME = "onekey_webhooks_session";

export interface DelivererStats {
  delivered: number;
  failed: number;
  dead: number;
  deferred: number;
}

export class Deliverer {
  readonly stats: DelivererStats = { delivered: 0, failed: 0, dead: 0, deferred: 0 };
  readonly #secrets = new Map<string, string>();
  readonly #limiters = new Map<number, RateLimiterMemory>();
  /** Live workers on this database: each enforces its share of an endpoint's limit. */
  #workers = 1;
  #inFlight = 0;
  /** Requests in flight per endpoint (this worker), for the per-endpoint cap. */
  readonly #perEndpoint = new Map<string, number>();
  /** Called whenever a delivery finishes, so the loop can claim the next one at once. */
  onSlotFree?: () => void;
  #results: DeliveryResult[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly config: WorkerConfig,
    private readonly sender: Sender,
    private readonly logger: Logger,
    /** The backend pid of this worker's long-lived session (its LISTEN connection). */
    private readonly sessionPid: number,
    private readonly metrics?: WorkerMetrics,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get free(): number {
    return this.config.concurrency - this.#inFlight;
  }

  /** Claims up to `free` due deliveries and starts them; returns how many it claimed. */
  async claimAndSend(): Promise<number> {
    const want = this.free;
    if (want <= 0) return 0;
    const rows = await claimDeliveries(this.db, {
      limit: want,
      leaseMs: this.config.leaseMs,
      sessionPid: this.sessionPid,
      endpointConcurrency: this.config.endpointConcurrency,
      inFlight: Object.fromEntries(this.#perEndpoint),
    });
    for (const row of rows) {
      this.#inFlight++;
      this.#perEndpoint.set(row.endpoint_id, (this.#perEndpoint.get(row.endpoint_id) ?? 0) + 1);
      this.metrics?.inFlight.set(this.#inFlight);
      void this.#deliver(row)
        .catch((error) => {
          // The lease runs out and the reaper requeues it; the error names no secret or payload.
          this.logger.log("error", "delivery failed before sending", {
            deliveryId: row.delivery_id,
            errorName: (error as Error).name,
          });
        })
        .finally(() => {
          this.#inFlight--;
          const left = (this.#perEndpoint.get(row.endpoint_id) ?? 1) - 1;
          if (left > 0) this.#perEndpoint.set(row.endpoint_id, left);
          else this.#perEndpoint.delete(row.endpoint_id);
          this.metrics?.inFlight.set(this.#inFlight);
          this.onSlotFree?.();
        });
    }
    return rows.length;
  }

  /** How many deliveries are due now (all workers), for the queue-depth gauge. */
  async countDue(): Promise<number> {
    const due = await countDue(this.db);
    this.metrics?.due.set(due);
    return due;
  }

  /** Hands deliveries leased by dead sessions, or past their lease, back to the queue. */
  async reap(): Promise<number> {
    return reapLeases(this.db);
  }

  /**
   * Counts the live workers (their sessions) so that N workers together keep an endpoint near its
   * limit without a shared counter, which would cost a query per delivery.
   */
  async countWorkers(): Promise<number> {
    this.#workers = Math.max(1, await countSessions(this.db, WORKER_SESSION_NAME));
    return this.#workers;
  }

  #limiter(perSecond: number): RateLimiterMemory {
    const share = Math.max(1, Math.ceil(perSecond / this.#workers));
    let limiter = this.#limiters.get(share);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: share, duration: 1 });
      this.#limiters.set(share, limiter);
    }
    return limiter;
  }

  #secret(endpointId: string, sealed: string): string {
    let secret = this.#secrets.get(sealed);
    if (!secret) {
      secret = openSecret(this.config.encryptionKey, endpointId, sealed);
      this.#secrets.set(sealed, secret);
    }
    return secret;
  }

  async #deliver(row: ClaimedDelivery): Promise<void> {
    try {
      await this.#limiter(row.rate_limit_per_second).consume(row.endpoint_id);
    } catch (rejection) {
      const wait = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 1_000;
      this.stats.deferred++;
      this.metrics?.attempts.inc({ outcome: "deferred", project_id: row.project_id });
      return this.#record({ id: row.delivery_id, outcome: "deferred", next: new Date(Date.now() + wait) });
    }
    const now = new Date();
    const secrets = [this.#secret(row.endpoint_id, row.secret_ciphertext)];
    if (row.previous_secret_ciphertext && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
      secrets.push(this.#secret(row.endpoint_id, row.previous_secret_ciphertext));
    }
    const body = envelope(row, row.project_id, row.state === "final");
    const outcome = await this.sender.send(row.url, row.id, body, secrets);
    const attempt = row.attempts + 1;
    const code = outcome.statusCode;
    let final: Exclude<DeliveryResult["outcome"], "deferred">;
    let next: Date | null = null;
    if (code !== null && code >= 200 && code < 300) {
      final = "delivered";
      this.stats.delivered++;
    } else if (code === 410) {
      final = "gone";
      this.stats.dead++;
    } else {
      const wait = retryDelay(this.config.retrySchedule, attempt, this.config.jitter);
      if (wait === undefined) {
        final = "dead";
        this.stats.dead++;
      } else {
        final = "failed";
        next = new Date(Date.now() + wait);
        this.stats.failed++;
      }
    }
    this.metrics?.attempts.inc({ outcome: final, project_id: row.project_id });
    this.metrics?.latency.observe(outcome.latencyMs / 1000);
    this.#record({
      id: row.delivery_id,
      outcome: final,
      attempt,
      at: now,
      statusCode: outcome.statusCode,
      latencyMs: outcome.latencyMs,
      error: outcome.error,
      next,
    });
  }

  /**
   * Queues a result. One write is in flight at a time and takes every result queued meanwhile, so
   * under load one statement records a whole batch.
   */
  #record(result: DeliveryResult): void {
    this.#results.push(result);
    this.#flushing ??= this.#flushLoop();
  }

  async #flushLoop(): Promise<void> {
    while (this.#results.length > 0) {
      const batch = this.#results;
      this.#results = [];
      await this.#write(batch);
    }
    this.#flushing = undefined;
  }

  async #write(batch: DeliveryResult[]): Promise<void> {
    try {
      const written = await recordResults(this.db, this.sessionPid, batch);
      await this.#disableEndpoints(written);
    } catch (error) {
      // The leases stay with this session until they run out, then the reaper requeues them:
      // at least once, never lost.
      this.logger.log("error", "recording delivery results failed", {
        count: batch.length,
        errorCode: (error as { code?: string }).code,
      });
    }
  }

  /** 410 Gone, or a dead letter: the endpoint is disabled, with the reason as its notice. */
  async #disableEndpoints(written: { id: string; endpoint_id: string; outcome: string }[]): Promise<void> {
    for (const w of written) {
      if (w.outcome !== "gone" && w.outcome !== "dead") continue;
      const reason =
        w.outcome === "gone"
          ? `The endpoint answered 410 Gone to delivery ${w.id}`
          : `Delivery ${w.id} failed on every retry (${this.config.retrySchedule.length + 1} attempts)`;
      const projectId = await disableEndpoint(this.db, w.endpoint_id, reason);
      if (projectId === undefined) continue;
      await writeAudit(this.db, {
        actor: "webhook-worker",
        projectId: BigInt(projectId),
        action: "webhook_endpoint.disabled",
        target: w.endpoint_id,
        result: "ok",
        detail: { reason: w.outcome, deliveryId: w.id },
      });
      this.logger.log("warn", "webhook endpoint disabled", { endpointId: w.endpoint_id, projectId, reason: w.outcome });
    }
  }

  /** Waits for in-flight deliveries and their results (graceful stop). */
  async drain(): Promise<void> {
    while (this.#inFlight > 0 || this.#flushing) {
      await (this.#flushing ?? new Promise((r) => setTimeout(r, 10)));
    }
  }
}
