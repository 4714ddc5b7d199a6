/**
 * arlocal in this process, bound to 127.0.0.1 only (its own start() listens on every interface),
 * on a free port, with its database in a temporary directory removed on stop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ArLocalModule from "arlocal";

// arlocal is CommonJS with `exports.default`: bundlers unwrap it, Node's ESM interop does not.
const ArLocal = ((ArLocalModule as unknown as { default?: typeof ArLocalModule }).default ??
  ArLocalModule) as typeof ArLocalModule;

export interface RunningArlocal {
  url: string;
  stop(): Promise<void>;
}

export async function startArlocal(): Promise<RunningArlocal> {
  const dbPath = mkdtempSync(join(tmpdir(), "onekey-arlocal-"));
  // persist=true: with false arlocal deletes a file named "logs" in the working directory.
  const arlocal = new ArLocal(0, false, dbPath, true);
  // arlocal appends every request line to ./logs whatever its options; keep the tree clean.
  (arlocal as unknown as { log: { logInFile: () => void } }).log.logInFile = () => undefined;
  const app = (arlocal as unknown as { app: { callback(): Parameters<typeof createServer>[1] } }).app;
  let port = 0;
  (app as unknown as { listen: unknown }).listen = (_port: number, onListening: () => void) => {
    const server = createServer(app.callback());
    server.listen(0, "127.0.0.1", () => {
      port = (server.address() as AddressInfo).port;
      onListening();
    });
    return server;
  };
  const quiet = console.log;
  console.log = () => undefined; // arlocal announces itself on stdout; the test log needs none of it
  try {
    await arlocal.start();
    await new Promise<void>((resolve) => {
      const wait = () => (port ? resolve() : setTimeout(wait, 5));
      wait();
    });
  } finally {
    console.log = quiet;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await arlocal.stop();
      rmSync(dbPath, { recursive: true, force: true });
    },
  };
}
