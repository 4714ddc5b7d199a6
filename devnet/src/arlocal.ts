/**
 * arlocal (a local Arweave gateway) in this process, bound to 127.0.0.1 only (its own start()
 * listens on every interface), on the given port (0: a free one), with its database in `dbPath`.
 * Used by `npm run dev` and by web's tests and benchmark.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import ArLocalModule from "arlocal";

// arlocal is CommonJS with `exports.default`: bundlers unwrap it, Node's ESM interop does not.
// Typed here by hand: the root (node16) and web (bundler) configs read its typings differently.
type ArLocalInstance = { start(): Promise<void>; stop(): Promise<void> };
type ArLocalClass = new (port: number, showLogs: boolean, dbPath: string, persist: boolean) => ArLocalInstance;
const ArLocal = ((ArLocalModule as unknown as { default?: ArLocalClass }).default ??
  ArLocalModule) as unknown as ArLocalClass;

export interface RunningArlocal {
  url: string;
  stop(): Promise<void>;
}

export async function startArlocalAt(options: { port: number; dbPath: string }): Promise<RunningArlocal> {
  // persist=true: with false arlocal deletes a file named "logs" in the working directory. The
  // caller owns dbPath and removes it when it wants a fresh gateway.
  const arlocal = new ArLocal(options.port, false, options.dbPath, true);
  // arlocal appends every request line to ./logs whatever its options; keep the tree clean.
  (arlocal as unknown as { log: { logInFile: () => void } }).log.logInFile = () => undefined;
  const app = (arlocal as unknown as { app: { callback(): Parameters<typeof createServer>[1] } }).app;
  let port = 0;
  let failure: Error | undefined;
  (app as unknown as { listen: unknown }).listen = (_port: number, onListening: () => void) => {
    const server = createServer(app.callback());
    server.once("error", (error) => {
      failure = error;
    });
    server.listen(options.port, "127.0.0.1", () => {
      port = (server.address() as AddressInfo).port;
      onListening();
    });
    return server;
  };
  const quiet = console.log;
  console.log = () => undefined; // arlocal announces itself on stdout; callers print their own line
  try {
    await arlocal.start();
    await new Promise<void>((resolve, reject) => {
      const wait = () => (failure ? reject(failure) : port ? resolve() : setTimeout(wait, 5));
      wait();
    });
  } finally {
    console.log = quiet;
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => arlocal.stop() };
}
