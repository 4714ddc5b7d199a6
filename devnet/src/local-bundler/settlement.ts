/**
 * What Turbo does after answering an upload: post every stored item to Arweave inside an ANS-104
 * bundle, one at a time in the background, retrying with backoff while the gateway is down. Items
 * not yet settled are found again on restart, so a crash loses none; the gateway dedupes by id.
 *
 * How an item reaches the gateway is the caller's `Settler` (locally: the privacy library's
 * arlocal adapter), so this node depends on no client code.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Arweave from "arweave";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import { bytesToHex, type Hex } from "viem";
import { type ItemStore, writeAtomically } from "./store.js";

/** Posts signed data items to an Arweave gateway, paying with the node's wallet. */
export interface Settler {
  /** Where items go, for log lines. */
  readonly target: string;
  /** Gets the wallet what it needs to pay (arlocal mints test AR); called before the first upload. */
  fund(): Promise<void>;
  upload(item: { bytes: Uint8Array; id: Hex; idBase64Url: string }, options: { signal: AbortSignal }): Promise<void>;
}

/** Builds the settler for the node's settlement wallet (kept in its data folder across restarts). */
export type SettlerFactory = (wallet: JWKInterface) => Settler;

const SETTLE_ATTEMPTS = 6;

export interface Settlement {
  schedule(id: string): void;
  /** Resolves once the item (base64url id) is settled. */
  settled(id: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startSettlement(
  store: ItemStore,
  settlerFor: SettlerFactory,
  log?: (line: string) => void,
): Promise<Settlement> {
  const walletPath = join(store.dataDir, "settlement-wallet.json");
  if (!existsSync(walletPath)) {
    // arweave-js is CommonJS with `exports.default`; Node's interop may leave it wrapped.
    const ArweaveClass = ((Arweave as unknown as { default?: typeof Arweave }).default ?? Arweave) as typeof Arweave;
    writeAtomically(walletPath, JSON.stringify(await ArweaveClass.init({}).wallets.generate()));
  }
  const settler = settlerFor(JSON.parse(readFileSync(walletPath, "utf8")) as JWKInterface);
  const stopping = new AbortController();
  const waiters = new Map<string, { resolve(): void; reject(error: Error): void }[]>();
  let funded = false;
  let queue = Promise.resolve();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      stopping.signal.addEventListener("abort", wake, { once: true });
    });

  const release = (id: string, error?: Error) => {
    for (const waiter of waiters.get(id) ?? []) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    waiters.delete(id);
  };

  // An item that keeps failing is set aside after a few tries (until the next start), so it
  // cannot hold up the items stored after it.
  async function settle(id: string): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted && !store.isSettled(id); attempt++) {
      try {
        if (!funded) await settler.fund();
        funded = true;
        const item = { bytes: store.item(id), id: bytesToHex(Buffer.from(id, "base64url")), idBase64Url: id };
        await settler.upload(item, { signal: stopping.signal });
        store.markSettled(id);
        release(id);
      } catch (error) {
        if (stopping.signal.aborted) return;
        funded = false; // the gateway may have restarted with a fresh database
        const reason = (error as Error).message;
        if (attempt >= SETTLE_ATTEMPTS) {
          log?.(`settling ${id} to ${settler.target} failed ${attempt} times (${reason}); set aside until restart`);
          release(id, new Error(`settling ${id} failed: ${reason}`));
          return;
        }
        const delay = Math.min(30_000, 250 * 2 ** attempt);
        log?.(`settling ${id} to ${settler.target} failed (${reason}); retry in ${delay} ms`);
        await pause(delay);
      }
    }
  }

  const settlement: Settlement = {
    schedule(id) {
      queue = queue.then(() => settle(id));
    },
    settled(id) {
      if (store.isSettled(id)) return Promise.resolve();
      if (!store.has(id)) return Promise.reject(new Error(`no stored item ${id}`));
      return new Promise((resolve, reject) => waiters.set(id, [...(waiters.get(id) ?? []), { resolve, reject }]));
    },
    async stop() {
      stopping.abort();
      await queue;
      for (const id of [...waiters.keys()]) release(id, new Error("the bundler node stopped before settling"));
    },
  };
  for (const id of store.unsettled()) settlement.schedule(id);
  return settlement;
}
