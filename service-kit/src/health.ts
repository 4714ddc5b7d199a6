/**
 * Liveness and readiness, one shape for every OneKey service.
 *
 *   GET /livez  -> 200 { "status": "live" }: the process serves requests; no dependency is asked.
 *   GET /readyz -> 200 { "status": "ready", "checks": { "database": { "ok": true, "ms": 2 }, ... } }
 *              or 503 { "status": "not_ready", "checks": { "redis": { "ok": false, "ms": 1000,
 *                                                               "error": "timed out after 1000 ms" } } }
 *
 * `readiness` runs every named check at once, each bounded by its own timeout, and is ready when
 * every required check passed. An optional check (a dependency the service degrades without, say
 * the tenant API's shared rate-limit store) is reported but never makes the service unready.
 * A failure's `error` is short and safe to show anyone: the message of a `CheckFailed` the check
 * threw on purpose, a timeout, or only the error's class and code (`HttpRequestError`,
 * `ECONNREFUSED`), never its message, which can quote a URL with credentials in it.
 */

/** One dependency probe; the signal aborts once its time is up. */
export type Check = (signal: AbortSignal) => Promise<unknown>;

export interface CheckSpec {
  run: Check;
  /** Reported, but a failure leaves the service ready (it degrades without this dependency). */
  optional?: boolean;
  /** Overrides the timeout of `readiness` for this check. */
  timeoutMs?: number;
}

export interface CheckResult {
  ok: boolean;
  /** How long the check took (at most its timeout). */
  ms: number;
  /** Why it failed: short, and free of secrets and URLs. */
  error?: string;
  /** Present (true) on checks whose failure does not make the service unready. */
  optional?: true;
}

export interface Readiness {
  status: "ready" | "not_ready";
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** Per check, in milliseconds (default DEFAULT_CHECK_TIMEOUT_MS). */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 1_000;

/** A failure whose message is written to be shown (no secrets, no URLs). */
export class CheckFailed extends Error {
  override name = "CheckFailed";
}

/** What may be said about a failure: its class and the first code found along its causes. */
function safeReason(error: unknown): string {
  if (error instanceof CheckFailed) return error.message;
  let code: string | undefined;
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause && typeof cause === "object" && code === undefined; depth++) {
    const candidate = (cause as { code?: unknown }).code;
    if (typeof candidate === "string" && /^[A-Za-z0-9_]{1,40}$/.test(candidate)) code = candidate;
    cause = (cause as { cause?: unknown }).cause;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return code ? `${name} (${code})` : name;
}

async function runCheck(spec: CheckSpec, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckFailed(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const optional = spec.optional ? { optional: true as const } : {};
  try {
    await Promise.race([Promise.resolve().then(() => spec.run(controller.signal)), timedOut]);
    return { ok: true, ms: Math.round(performance.now() - started), ...optional };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: safeReason(error), ...optional };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the checks in parallel, each within its timeout. */
export async function readiness(
  checks: Record<string, Check | CheckSpec>,
  options: ReadinessOptions = {},
): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const entries = Object.entries(checks).map(([name, check]) => {
    const spec = typeof check === "function" ? { run: check } : check;
    return [name, spec] as const;
  });
  const results = await Promise.all(entries.map(([, spec]) => runCheck(spec, spec.timeoutMs ?? timeoutMs)));
  const named = Object.fromEntries(entries.map(([name], i) => [name, results[i] as CheckResult]));
  const ready = results.every((r) => r.ok || r.optional);
  return { status: ready ? "ready" : "not_ready", checks: named };
}

/** 200 when ready, 503 when not. */
export const readinessStatus = (result: Readiness): 200 | 503 => (result.status === "ready" ? 200 : 503);

/** Probes must never be answered from a cache. */
export const HEALTH_HEADERS = { "Cache-Control": "no-store" } as const;

/** The readiness answer as a fetch Response (what Hono handlers return). */
export async function readinessResponse(
  checks: Record<string, Check | CheckSpec>,
  options: ReadinessOptions = {},
): Promise<Response> {
  return responseOf(await readiness(checks, options));
}

const responseOf = (result: Readiness) =>
  Response.json(result, { status: readinessStatus(result), headers: HEALTH_HEADERS });

/**
 * A `/readyz` handler whose checks run at most once per `maxAgeMs` (default 1 s), however many
 * probes arrive: the endpoint is public, and each run costs an RPC call, a query, a signature.
 * Probes that arrive while a run is under way share it.
 */
export function readinessHandler(
  checks: Record<string, Check | CheckSpec>,
  options: ReadinessOptions & { maxAgeMs?: number; now?: () => number } = {},
): () => Promise<Response> {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const now = options.now ?? Date.now;
  let last: { at: number; result: Promise<Readiness> } | undefined;
  return async () => {
    if (!last || now() - last.at >= maxAgeMs) last = { at: now(), result: readiness(checks, options) };
    return responseOf(await last.result);
  };
}

/** The liveness answer: 200 `{ status: "live" }`, or 503 with the reason the process is stuck. */
export function livenessResponse(stuck?: string): Response {
  return stuck === undefined
    ? Response.json({ status: "live" }, { headers: HEALTH_HEADERS })
    : Response.json({ status: "not_live", error: stuck }, { status: 503, headers: HEALTH_HEADERS });
}
