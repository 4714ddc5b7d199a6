/**
 * The chain's clock, as the latest block's timestamp, refreshed in the background. Attestation
 * expiry is judged at max(wall clock, chain clock): never later than the wall clock, and in step
 * with `isVerified` on chains whose blocks run ahead (an automining dev chain adds a second per
 * block). A failing RPC leaves the wall clock in charge.
 */
export interface ChainClock {
  now(): Date;
  stop(): void;
}

export function startChainClock(latestTimestamp: () => Promise<bigint>, refreshMs = 1_000): ChainClock {
  let chainSeconds = 0;
  const refresh = () =>
    latestTimestamp()
      .then((t) => {
        chainSeconds = Number(t);
      })
      .catch(() => undefined);
  void refresh();
  const timer = setInterval(refresh, refreshMs);
  timer.unref();
  return {
    now: () => new Date(Math.max(Date.now(), chainSeconds * 1000)),
    stop: () => clearInterval(timer),
  };
}
