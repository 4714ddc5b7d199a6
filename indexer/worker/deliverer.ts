/**
 * Claims due deliveries and sends them. Claiming is `FOR UPDATE SKIP LOCKED` with a lease, so
 * any number of workers on one PostgreSQL never work the same attempt at once. A lease names the
 * worker's session backend: when a worker dies (SIGKILL included) its session ends, and the
 * reaper hands its deliveries to the others at once rather than when the lease runs out.
 * Delivery is at least once: a worker that dies after sending but before recording sends again,
 * with the same webhook-id.
 */
import type pg from "pg";
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Logger } from "../src/api/http/logger.js";
import { envelope } from "../src/webhooks/events.js";
import { openSecret } from "../src/webhooks/secrets.js";
import type { WorkerConfig } from "./config.js";
import type { WorkerMetrics } from "./metrics.js";
import { retryDelay } from "./schedule.js";
import type { Outcome, Sender } from "./sender.js";

interface Claimed {
  id: string;
  event_id: string;
  endpoint_id: string;
  project_id: string;
  attempts: number;
  url: string;
  rate_limit_per_second: number;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | null;
  type: string;
  chain_id: number;
  block_number: string | null;
  block_hash: string | null;
  block_timestamp: string | null;
  transaction_hash: string | null;
  log_index: number | null;
  data: unknown;
  state: string;
  event_created_at: Date;
}

type Result =
  | { id: string; kind: "attempt"; at: Date; attempt: number; outcome: Outcome; next: Date | null; final: Final }
  | { id: string; kind: "deferred"; next: Date };
type Final = "delivered" | "failed" | "dead" | "gone";

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
  #results: Result[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
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
    const { rows } = await this.pool.query<Claimed>(
      // Per endpoint, at most its free share of the per-endpoint cap, so one slow endpoint with a
      // backlog cannot take every slot while other projects' deliveries wait. Rows locked in the
      // lateral but not picked are released when the statement ends.
      `WITH picked AS (
         SELECT x.id, x.next_attempt_at, ep.id AS endpoint_id,
                row_number() OVER (PARTITION BY ep.id ORDER BY x.next_attempt_at) AS rank
           FROM webhook_endpoints ep
          CROSS JOIN LATERAL (
                SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
                 WHERE d.endpoint_id = ep.id AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= now()
                 ORDER BY d.next_attempt_at
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED) x
          WHERE ep.enabled AND ep.deleted_at IS NULL
       ), due AS (
         SELECT id FROM picked
          WHERE rank <= $4 - COALESCE(($5::jsonb ->> endpoint_id)::integer, 0)
          ORDER BY next_attempt_at
          LIMIT $1
       ), claimed AS (
         UPDATE webhook_deliveries d
            SET status = 'delivering', lease_until = now() + make_interval(secs => $2::double precision / 1000),
                lease_pid = $3
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.event_id, d.endpoint_id, d.project_id, d.attempts
       )
       SELECT c.id, c.event_id, c.endpoint_id, c.project_id::text, c.attempts,
              ep.url, ep.rate_limit_per_second, ep.secret_ciphertext, ep.previous_secret_ciphertext,
              ep.previous_secret_expires_at,
              e.type, e.chain_id, e.block_number::text, e.block_hash, e.block_timestamp::text, e.transaction_hash,
              e.log_index, e.data, e.state, e.created_at AS event_created_at
         FROM claimed c
         JOIN webhook_endpoints ep ON ep.id = c.endpoint_id
         JOIN webhook_events e ON e.id = c.event_id`,
      [
        want,
        this.config.leaseMs,
        this.sessionPid,
        this.config.endpointConcurrency,
        JSON.stringify(Object.fromEntries(this.#perEndpoint)),
      ],
    );
    for (const row of rows) {
      this.#inFlight++;
      this.#perEndpoint.set(row.endpoint_id, (this.#perEndpoint.get(row.endpoint_id) ?? 0) + 1);
      this.metrics?.inFlight.set(this.#inFlight);
      void this.#deliver(row)
        .catch((error) => {
          // The lease runs out and the reaper requeues it; the error names no secret or payload.
          this.logger.log("error", "delivery failed before sending", {
            deliveryId: row.id,
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
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()",
    );
    const due = Number(rows[0]?.n ?? 0);
    this.metrics?.due.set(due);
    return due;
  }

  /** Hands deliveries leased by dead sessions, or past their lease, back to the queue. */
  async reap(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE webhook_deliveries d
          SET status = CASE WHEN d.attempts = 0 THEN 'pending' ELSE 'failed' END,
              next_attempt_at = now(), lease_until = NULL, lease_pid = NULL
        WHERE d.status = 'delivering'
          AND (d.lease_until < now()
               OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.lease_pid))`,
    );
    return rowCount ?? 0;
  }

  /**
   * Counts the live workers (their sessions) so that N workers together keep an endpoint near its
   * limit without a shared counter, which would cost a query per delivery.
   */
  async countWorkers(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE application_name = 'onekey_webhooks_session' AND datname = current_database()`,
    );
    this.#workers = Math.max(1, Number(rows[0]?.n ?? 1));
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

  async #deliver(row: Claimed): Promise<void> {
    try {
      await this.#limiter(row.rate_limit_per_second).consume(row.endpoint_id);
    } catch (rejection) {
      const wait = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 1_000;
      this.stats.deferred++;
      this.metrics?.attempts.inc({ outcome: "deferred", project_id: row.project_id });
      return this.#record({ id: row.id, kind: "deferred", next: new Date(Date.now() + wait) });
    }
    const now = new Date();
    const secrets = [this.#secret(row.endpoint_id, row.secret_ciphertext)];
    if (row.previous_secret_ciphertext && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
      secrets.push(this.#secret(row.endpoint_id, row.previous_secret_ciphertext));
    }
    const body = envelope(
      {
        id: row.event_id,
        type: row.type,
        chainId: row.chain_id,
        blockNumber: row.block_number,
        blockHash: row.block_hash,
        blockTimestamp: row.block_timestamp,
        transactionHash: row.transaction_hash,
        logIndex: row.log_index,
        data: row.data,
        createdAt: row.event_created_at,
      },
      row.project_id,
      row.state === "final",
    );
    const outcome = await this.sender.send(row.url, row.event_id, body, secrets);
    const attempt = row.attempts + 1;
    const code = outcome.statusCode;
    let final: Final;
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
    this.#record({ id: row.id, kind: "attempt", at: now, attempt, outcome, next, final });
  }

  /**
   * Queues a result. One write is in flight at a time and takes every result queued meanwhile, so
   * under load one statement records a whole batch.
   */
  #record(result: Result): void {
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

  async #write(batch: Result[]): Promise<void> {
    const rows = batch.map((r) =>
      r.kind === "deferred"
        ? { id: r.id, outcome: "deferred", next_at: r.next.toISOString(), counted: false }
        : {
            id: r.id,
            outcome: r.final,
            attempt: r.attempt,
            at: r.at.toISOString(),
            status_code: r.outcome.statusCode,
            latency_ms: r.outcome.latencyMs,
            error: r.outcome.error,
            next_at: r.next?.toISOString() ?? null,
            counted: true,
          },
    );
    try {
      const { rows: written } = await this.pool.query<{ id: string; endpoint_id: string; outcome: string }>(
        `WITH r AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, outcome text, attempt integer, at timestamptz,
                  status_code integer, latency_ms integer, error text, next_at timestamptz, counted boolean)
         ), u AS (
           UPDATE webhook_deliveries d SET
                  status = CASE
                    WHEN r.outcome = 'delivered' THEN 'delivered'
                    WHEN e.state = 'retracted' THEN 'cancelled'
                    WHEN r.outcome = 'deferred' THEN CASE WHEN d.attempts = 0 THEN 'pending' ELSE 'failed' END
                    WHEN r.outcome IN ('dead', 'gone') THEN 'dead'
                    ELSE 'failed' END,
                  attempts = CASE WHEN r.counted THEN r.attempt ELSE d.attempts END,
                  last_status_code = CASE WHEN r.counted THEN r.status_code ELSE d.last_status_code END,
                  next_attempt_at = CASE WHEN r.outcome IN ('failed', 'deferred') AND e.state <> 'retracted'
                                         THEN r.next_at END,
                  delivered_at = CASE WHEN r.outcome = 'delivered' THEN r.at ELSE d.delivered_at END,
                  lease_until = NULL, lease_pid = NULL
             FROM r, webhook_events e
            WHERE d.id = r.id AND e.id = d.event_id AND d.status = 'delivering' AND d.lease_pid = $2
           RETURNING d.id, d.endpoint_id
         ), a AS (
           INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, error)
           SELECT r.id, r.attempt, r.at, r.status_code, r.latency_ms, r.error FROM r JOIN u ON u.id = r.id
            WHERE r.counted
         )
         SELECT u.id, u.endpoint_id, r.outcome FROM u JOIN r ON r.id = u.id`,
        [JSON.stringify(rows), this.sessionPid],
      );
      await this.#disableEndpoints(written);
    } catch (error) {
      // The leases stay with this session until they run out, then the reaper requeues them:
      // at least once, never lost.
      this.logger.log("error", "recording delivery results failed", {
        count: rows.length,
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
      const { rows } = await this.pool.query<{ project_id: string }>(
        `UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now()
          WHERE id = $1 AND enabled RETURNING project_id::text`,
        [w.endpoint_id, reason],
      );
      const disabled = rows[0];
      if (!disabled) continue;
      await this.pool.query(
        `INSERT INTO audit_log (actor, project_id, action, target, result, detail)
         VALUES ('webhook-worker', $1, 'webhook_endpoint.disabled', $2, 'ok', $3)`,
        [disabled.project_id, w.endpoint_id, JSON.stringify({ reason: w.outcome, deliveryId: w.id })],
      );
      this.logger.log("warn", "webhook endpoint disabled", {
        endpointId: w.endpoint_id,
        projectId: disabled.project_id,
        reason: w.outcome,
      });
    }
  }

  /** Waits for in-flight deliveries and their results (graceful stop). */
  async drain(): Promise<void> {
    while (this.#inFlight > 0 || this.#flushing) {
      await (this.#flushing ?? new Promise((r) => setTimeout(r, 10)));
    }
  }
}
