/**
 * The production wiring: a Lit v8 client on a Naga network. Needs the network (handshake with
 * the nodes), so it is not exercised by the offline tests; everything it feeds is.
 */
import { createLitClient } from "@lit-protocol/lit-client";
import { naga, nagaDev, nagaTest } from "@lit-protocol/networks";
import { type LitClientPort, LitKeyProtector } from "./lit-key-protector.js";

export const LIT_NETWORKS = { naga, "naga-test": nagaTest, "naga-dev": nagaDev } as const;
export type LitNetworkName = keyof typeof LIT_NETWORKS;

export async function connectLitKeyProtector(options: {
  network: LitNetworkName;
  domain: string;
  sessionTtlSeconds?: number;
}): Promise<{ protector: LitKeyProtector; disconnect(): void }> {
  const litClient = await createLitClient({ network: LIT_NETWORKS[options.network] as never });
  const protector = new LitKeyProtector({
    litClient: litClient as unknown as LitClientPort,
    network: options.network,
    domain: options.domain,
    sessionTtlSeconds: options.sessionTtlSeconds,
  });
  return { protector, disconnect: () => litClient.disconnect() };
}
