/**
 * The configured providers, each behind a circuit breaker and a timeout (cockatiel: small,
 * TypeScript-first, no dependencies, maintained; its breaker and timeout compose with `wrap` and
 * pass an AbortSignal through, which is what every provider method takes). A provider is healthy
 * while its circuit is closed, or half-open, or open for longer than the half-open delay (then
 * the next call is the trial that closes or re-opens it); `probe()` runs that trial with `ping`
 * so a recovered provider is used again without waiting for a person to try it.
 *
 * Only failures that say something about the provider count against it (unavailable, timeout,
 * bad_response, unauthorized, or an error the adapter did not map); a refused request or an
 * unknown applicant is about the request.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { BREAKER_STATE_VALUE, type IssuerMetrics } from "../../metrics.js";
import { type KycCheck, type KycProvider, ProviderError, type ProviderName } from "./provider.js";

export type BreakerState = keyof typeof BREAKER_STATE_VALUE;

export interface ProviderRegistry {
  /** Configured providers, in the deployment's default order. */
  readonly names: readonly ProviderName[];
  get(name: ProviderName): KycProvider | undefined;
  supports(name: ProviderName, checks: readonly KycCheck[]): boolean;
  healthy(name: ProviderName): boolean;
  state(name: ProviderName): BreakerState;
  /**
   * Configured providers from `preferences` (or the default order when empty) that support
   * `checks`, minus `exclude`, in order; healthy ones first, the order kept within each group.
   */
  candidates(
    preferences: readonly ProviderName[],
    checks: readonly KycCheck[],
    exclude?: readonly string[],
  ): ProviderName[];
  /** Runs `fn` through the provider's breaker and timeout; failures are ProviderErrors. */
  call<T>(
    name: ProviderName,
    operation: string,
    fn: (provider: KycProvider, signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
  /** Pings every provider whose circuit is open and due for a trial. */
  probe(): Promise<void>;
}

const COUNTED: ReadonlySet<string> = new Set(["unavailable", "timeout", "bad_response", "unauthorized"]);

export function createProviderRegistry(
  providers: readonly KycProvider[],
  options: {
    timeoutMs: number;
    breakerFailures: number;
    halfOpenMs: number;
    metrics: IssuerMetrics;
    now?: () => number;
  },
): ProviderRegistry {
  const now = options.now ?? Date.now;
  const entries = new Map(
    providers.map((provider) => {
      const breaker = circuitBreaker(
        // Anything but a request-level refusal counts: an error the adapter did not map is the provider's too.
        handleWhen((error) => !(error instanceof ProviderError) || COUNTED.has(error.reason)),
        { halfOpenAfter: options.halfOpenMs, breaker: new ConsecutiveBreaker(options.breakerFailures) },
      );
      const entry = {
        provider,
        breaker,
        openedAt: 0,
        policy: wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive)),
      };
      const gauge = (state: BreakerState) =>
        options.metrics.breakerState.set({ provider: provider.name }, BREAKER_STATE_VALUE[state]);
      gauge("closed");
      breaker.onStateChange((state) => {
        if (state === CircuitState.Open) entry.openedAt = now();
        gauge(state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half_open" : "open");
      });
      return [provider.name, entry] as const;
    }),
  );
  const names = providers.map((p) => p.name);

  const stateOf = (name: ProviderName): BreakerState => {
    const state = entries.get(name)?.breaker.state;
    return state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half_open" : "open";
  };
  const healthy = (name: ProviderName) => {
    const entry = entries.get(name);
    if (!entry) return false;
    const state = entry.breaker.state;
    if (state === CircuitState.Closed || state === CircuitState.HalfOpen) return true;
    return state === CircuitState.Open && now() - entry.openedAt >= options.halfOpenMs;
  };

  async function call<T>(
    name: ProviderName,
    operation: string,
    fn: (provider: KycProvider, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const entry = entries.get(name);
    if (!entry) throw new ProviderError(name, "unavailable", `provider ${name} is not configured`);
    const started = performance.now();
    const observe = (outcome: string) =>
      options.metrics.providerDuration.observe(
        { provider: name, operation, outcome },
        (performance.now() - started) / 1000,
      );
    let timedOut = false;
    try {
      const result = await entry.policy.execute(({ signal }) => {
        signal.addEventListener("abort", () => {
          timedOut = true;
        });
        return fn(entry.provider, signal);
      });
      observe("ok");
      return result;
    } catch (error) {
      const mapped =
        error instanceof ProviderError
          ? error
          : error instanceof BrokenCircuitError
            ? new ProviderError(name, "unavailable", `${name} is failing; its circuit is open`, { cause: error })
            : error instanceof TaskCancelledError || timedOut
              ? new ProviderError(name, "timeout", `${name} did not answer ${operation} in ${options.timeoutMs} ms`, {
                  cause: error,
                })
              : new ProviderError(name, "bad_response", `${name} failed in ${operation}`, { cause: error });
      const reason = error instanceof BrokenCircuitError ? "circuit_open" : mapped.reason;
      observe(reason);
      options.metrics.providerErrors.inc({ provider: name, operation, reason });
      throw mapped;
    }
  }

  return {
    names,
    get: (name) => entries.get(name)?.provider,
    supports: (name, checks) => {
      const provider = entries.get(name)?.provider;
      return provider !== undefined && checks.every((check) => provider.supports.includes(check));
    },
    healthy,
    state: stateOf,
    candidates(preferences, checks, exclude = []) {
      const ordered = (preferences.length > 0 ? preferences : names).filter(
        (name) =>
          entries.has(name) &&
          !exclude.includes(name) &&
          checks.every((c) => entries.get(name)?.provider.supports.includes(c)),
      );
      return [...ordered.filter(healthy), ...ordered.filter((n) => !healthy(n))];
    },
    call,
    async probe() {
      await Promise.all(
        names
          .filter((name) => stateOf(name) === "open" && healthy(name))
          .map((name) => call(name, "ping", (provider, signal) => provider.ping(signal)).catch(() => undefined)),
      );
    },
  };
}
