/**
 * The KYC pieces without a chain: the level policy, and the provider registry's breakers,
 * timeouts and selection (fake providers that fail as told).
 */
import { describe, expect, it } from "vitest";
import { checksForLevel, expiryFor, levelFor } from "../src/kyc/policy.js";
import {
  type KycCheck,
  type KycProvider,
  ProviderError,
  type ProviderErrorReason,
  type ProviderName,
} from "../src/kyc/providers/provider.js";
import { createProviderRegistry } from "../src/kyc/providers/registry.js";
import { createIssuerMetrics } from "../src/metrics.js";
import { eventually } from "./support/kyc.js";

describe("the level policy", () => {
  it.each([
    [[], 0],
    [["liveness"], 0],
    [["document"], 1],
    [["document", "sanctions", "pep"], 1],
    [["liveness", "document"], 2],
    [["document", "liveness", "sanctions"], 2],
    [["pep", "sanctions", "liveness", "document"], 3],
  ] as [KycCheck[], number][])("%j earns level %i", (checks, level) => {
    expect(levelFor(checks)).toBe(level);
  });

  it("names the checks each level needs, and each level's validity from the configured days", () => {
    expect(checksForLevel(0)).toEqual([]);
    expect(checksForLevel(1)).toEqual(["document"]);
    expect(checksForLevel(2)).toEqual(["document", "liveness"]);
    expect(checksForLevel(3)).toEqual(["document", "liveness", "sanctions", "pep"]);
    expect(checksForLevel(9)).toEqual(["document", "liveness", "sanctions", "pep"]);
    expect(expiryFor(3, 1_000, [365, 365, 180])).toBe(1_000 + 180 * 86_400);
    expect(expiryFor(1, 0, [30, 60, 90])).toBe(30 * 86_400);
    expect(() => expiryFor(0, 0, [1, 1, 1])).toThrow(RangeError);
  });
});

/** A provider whose ping fails with `failure` (or hangs) while it is set. */
function fakeProvider(name: ProviderName, supports: KycCheck[] = ["document", "liveness"]) {
  const state: { failure?: ProviderErrorReason | "hang"; calls: number } = { calls: 0 };
  const provider: KycProvider = {
    name,
    supports,
    createApplicant: async () => ({ applicantId: "a" }),
    launch: async () => ({ kind: "hosted-url", provider: name, url: "http://x", expiresAt: 0 }),
    verifyWebhook: () => ({ applicantId: "a", eventId: "e", kind: "other" }),
    fetchDecision: async () => ({ state: "pending" }),
    deleteApplicant: async () => "deleted",
    ping: (signal) => {
      state.calls++;
      if (state.failure === "hang") {
        return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      }
      if (state.failure) return Promise.reject(new ProviderError(name, state.failure, "told to fail"));
      return Promise.resolve();
    },
  };
  return { provider, state };
}

const options = { timeoutMs: 100, breakerFailures: 2, halfOpenMs: 150 };
const ping = (registry: ReturnType<typeof createProviderRegistry>, name: ProviderName) =>
  registry
    .call(name, "ping", (p, signal) => p.ping(signal))
    .then(
      () => "ok" as const,
      (e: unknown) => (e as ProviderError).reason,
    );

describe("the provider registry", () => {
  it("opens a provider's circuit after consecutive failures, skips it, and closes it once a probe succeeds", async () => {
    const a = fakeProvider("sandbox");
    const b = fakeProvider("sandbox-b");
    const metrics = createIssuerMetrics();
    const registry = createProviderRegistry([a.provider, b.provider], { ...options, metrics });
    expect(registry.candidates([], ["document"])).toEqual(["sandbox", "sandbox-b"]);

    a.state.failure = "unavailable";
    expect(await ping(registry, "sandbox")).toBe("unavailable");
    expect(registry.state("sandbox")).toBe("closed");
    expect(await ping(registry, "sandbox")).toBe("unavailable");
    expect(registry.state("sandbox")).toBe("open");
    expect(registry.healthy("sandbox")).toBe(false);
    // Unhealthy providers go last; an open circuit refuses without calling the provider.
    expect(registry.candidates([], ["document"])).toEqual(["sandbox-b", "sandbox"]);
    const calls = a.state.calls;
    expect(await ping(registry, "sandbox")).toBe("unavailable");
    expect(a.state.calls).toBe(calls);
    expect(await metrics.registry.getSingleMetricAsString("onekey_issuer_provider_breaker_state")).toMatch(
      /provider="sandbox"} 2/,
    );

    a.state.failure = undefined;
    await eventually(
      "the half-open delay",
      async () => registry.healthy("sandbox"),
      (h) => h,
      5_000,
    );
    await registry.probe();
    expect(registry.state("sandbox")).toBe("closed");
    expect(registry.candidates([], ["document"])).toEqual(["sandbox", "sandbox-b"]);
  });

  it("does not hold a refused request or an unknown applicant against the provider", async () => {
    const a = fakeProvider("sandbox");
    const registry = createProviderRegistry([a.provider], { ...options, metrics: createIssuerMetrics() });
    for (const reason of ["rejected_request", "not_found", "rejected_request", "not_found"] as const) {
      a.state.failure = reason;
      expect(await ping(registry, "sandbox")).toBe(reason);
    }
    expect(registry.state("sandbox")).toBe("closed");
  });

  it("gives up on a hanging call at the timeout, as a timeout that counts against the provider", async () => {
    const a = fakeProvider("sandbox");
    const registry = createProviderRegistry([a.provider], { ...options, metrics: createIssuerMetrics() });
    a.state.failure = "hang";
    const started = performance.now();
    expect(await ping(registry, "sandbox")).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await ping(registry, "sandbox")).toBe("timeout");
    expect(registry.state("sandbox")).toBe("open");
  });

  it("picks from the project's preferences, in its order, only providers that perform every required check", () => {
    const registry = createProviderRegistry(
      [
        fakeProvider("sandbox", ["document"]).provider,
        fakeProvider("sandbox-b", ["document", "liveness", "sanctions", "pep"]).provider,
        fakeProvider("sandbox-c", ["document", "liveness"]).provider,
      ],
      { ...options, metrics: createIssuerMetrics() },
    );
    expect(registry.candidates([], ["document", "liveness"])).toEqual(["sandbox-b", "sandbox-c"]);
    expect(registry.candidates(["sandbox-c", "sandbox-b"], ["document", "liveness"])).toEqual([
      "sandbox-c",
      "sandbox-b",
    ]);
    expect(registry.candidates(["sandbox-c", "sandbox-b", "sumsub"], ["pep"])).toEqual(["sandbox-b"]);
    expect(registry.candidates(["sandbox-b"], ["document"], ["sandbox-b"])).toEqual([]);
  });
});
