/**
 * A local ANS-104 bundler node: the stand-in for Irys/Turbo upload services in dev, tests and
 * benchmarks. It behaves like them where OneKey depends on it (routes: local-bundler/routes.ts).
 *
 * Every item's signature is verified with arbundles (an implementation independent of the
 * privacy library's ans104.ts) before anything is written; a bad item gets a 400 that says why and
 * is not kept. Items are persisted under `dataDir` (local-bundler/store.ts), so they survive a
 * restart. Resending the same item is answered with the same receipt and stores nothing twice.
 * Binds 127.0.0.1.
 *
 * With `settleTo`, it also does what Turbo does after answering: it posts every stored item to
 * Arweave (here arlocal, through the settler the caller gives) in the background
 * (local-bundler/settlement.ts). (arlocal never indexes a bundle whose data repeats one 256 KiB
 * chunk, such as a run of zeros; an envelope is ciphertext, so it never does.)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bundlerRoutes } from "./local-bundler/routes.js";
import { type SettlerFactory, startSettlement } from "./local-bundler/settlement.js";
import { ChunkedUploads, ItemStore } from "./local-bundler/store.js";

export type { Settler, SettlerFactory } from "./local-bundler/settlement.js";
export type { LocalBundlerReceipt } from "./local-bundler/store.js";

export interface LocalBundlerOptions {
  port?: number;
  dataDir: string;
  /** Bytes per chunk of a chunked upload; 1 MiB by default. */
  chunkSize?: number;
  /** Settle stored items to Arweave (locally arlocal) with this settler, as Turbo settles. */
  settleTo?: SettlerFactory;
  /** Where settlement failures are reported (they are retried). */
  log?: (line: string) => void;
}

export interface RunningLocalBundler {
  url: string;
  /** Resolves once the item (base64url id) is settled; only with `settleTo`. */
  settled(id: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalBundler(options: LocalBundlerOptions): Promise<RunningLocalBundler> {
  const store = new ItemStore(options.dataDir);
  const uploads = new ChunkedUploads(options.dataDir, options.chunkSize ?? 2 ** 20);
  const settlement = options.settleTo ? await startSettlement(store, options.settleTo, options.log) : undefined;
  if (settlement) store.onStored = (id) => settlement.schedule(id);

  const server = createServer(bundlerRoutes(store, uploads, (id) => store.isSettled(id)));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settled(id) {
      if (!settlement) throw new Error("this bundler node does not settle: start it with settleTo");
      return settlement.settled(id);
    },
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await settlement?.stop();
    },
  };
}
