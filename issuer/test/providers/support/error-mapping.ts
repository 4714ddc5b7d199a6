import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KycProvider, ProviderError, type ProviderErrorReason } from "../../../src/kyc/providers/provider.js";
import { type FakeProvider, refusingOrigin, startFakeProvider } from "./fake-provider.js";

/** What every adapter must do with each documented status class. */
export const STATUS_REASONS: [number, ProviderErrorReason][] = [
  [400, "rejected_request"],
  [401, "unauthorized"],
  [403, "unauthorized"],
  [404, "not_found"],
  [408, "timeout"],
  [409, "rejected_request"],
  [422, "rejected_request"],
  [429, "unavailable"],
  [500, "unavailable"],
  [502, "unavailable"],
  [503, "unavailable"],
];

/** Everything an error could carry out of the adapter, as one string to search. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(String(current));
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? "");
      current = current.cause;
    } else break;
  }
  return parts.join("\n");
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/**
 * The error-mapping tests every adapter runs: each status class, refused connections, timeouts
 * through the caller's AbortSignal, unreadable bodies, and no personal data in any error. `invoke`
 * must make a request whose answer the adapter reads (its first request fails here).
 */
export function describeErrorMapping(opts: {
  name: string;
  create: (baseUrl: string) => KycProvider;
  invoke: (provider: KycProvider, signal: AbortSignal) => Promise<unknown>;
  /** An answer body full of a person's data, as a provider might echo it. */
  bodyWithPersonalData: unknown;
  /** The personal data in it, none of which may reach an error. */
  personalData: string[];
}) {
  describe(`${opts.name}: errors`, () => {
    let fake: FakeProvider;
    beforeEach(async () => {
      fake = await startFakeProvider();
    });
    afterEach(async () => {
      await fake.close();
    });

    const expectNoPersonalData = (error: unknown) => {
      const text = everythingIn(error);
      for (const value of opts.personalData) expect(text).not.toContain(value);
    };

    it.each(STATUS_REASONS)("maps HTTP %i to %s, without the body in the error", async (status, reason) => {
      fake.otherwise({ status, json: opts.bodyWithPersonalData });
      const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.timeout(5_000)));
      expect(error.reason).toBe(reason);
      expect(error.provider).toBe(opts.create(fake.baseUrl).name);
      expect(error.message).toContain(String(status));
      expectNoPersonalData(error);
    });

    it("maps a refused connection to unavailable", async () => {
      const error = await providerError(opts.invoke(opts.create(await refusingOrigin()), AbortSignal.timeout(5_000)));
      expect(error.reason).toBe("unavailable");
    });

    it("maps the caller's timeout (AbortSignal) on an unanswered request to timeout", async () => {
      fake.otherwise("hang");
      const started = Date.now();
      const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.timeout(150)));
      expect(error.reason).toBe("timeout");
      expect(fake.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("sends nothing when the caller's signal is already aborted", async () => {
      fake.otherwise({ status: 200, json: {} });
      const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.abort()));
      expect(error.reason).toBe("timeout");
      expect(fake.requests).toHaveLength(0);
    });

    /*
     * attack: an answer (a compromised provider edge, a hijacked DNS name) redirects our
     * authenticated request to a host the attacker controls, hoping fetch follows it with our
     * credentials. Now: redirects are refused; the attacker's host receives nothing and the call
     * fails as unavailable.
     */
    it("attack: an answer redirects our authenticated request to another host", async () => {
      const attacker = await startFakeProvider();
      try {
        attacker.otherwise({ status: 200, json: {} });
        fake.otherwise({ status: 307, headers: { location: `${attacker.baseUrl}/steal` } });
        const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.timeout(5_000)));
        expect(error.reason).toBe("unavailable");
        expect(attacker.requests).toHaveLength(0);
      } finally {
        await attacker.close();
      }
    });

    it("maps a 200 that is not JSON to bad_response, without quoting it", async () => {
      fake.otherwise({ status: 200, text: `<html>${opts.personalData.join(" ")}</html>` });
      const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.timeout(5_000)));
      expect(error.reason).toBe("bad_response");
      expectNoPersonalData(error);
    });

    it("maps a 200 of the wrong shape to bad_response, naming paths but no values", async () => {
      fake.otherwise({ status: 200, json: [opts.bodyWithPersonalData] });
      const error = await providerError(opts.invoke(opts.create(fake.baseUrl), AbortSignal.timeout(5_000)));
      expect(error.reason).toBe("bad_response");
      expectNoPersonalData(error);
    });
  });
}

export { providerError };
