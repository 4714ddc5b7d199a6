/** What every real adapter's factory takes besides its configuration (tests inject both). */
export interface ProviderDeps {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Unix seconds, like the issuer's other clocks. Drives request timestamps, expiries and webhook ages. */
  now?: () => number;
}

export function resolveDeps(deps: ProviderDeps): Required<ProviderDeps> {
  return {
    fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: deps.now ?? (() => Math.floor(Date.now() / 1000)),
  };
}
