/**
 * A webhook receiver on 127.0.0.1 for the tests and the benchmark: records every request (raw
 * body, headers, arrival time) and answers as each path's script says (status codes, hangs,
 * latency), so retries, timeouts and 410s can be driven.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() at arrival, for intervals. */
  at: number;
  /** Wall clock at arrival, for checks against webhook-timestamp. */
  wallAt: Date;
}

/** What a path answers: a status, "hang" (never answers), in order; the last one repeats. */
export type Script = (number | "hang")[];

export interface Receiver {
  url: (path: string) => string;
  received: Received[];
  /** Requests to `path`, in arrival order. */
  on: (path: string) => Received[];
  script: (path: string, answers: Script) => void;
  /** Answer latency for every request (a remote endpoint's round trip). */
  latencyMs: number;
  /** Called on every request, after it is recorded. */
  onRequest?: (r: Received) => void;
  close: () => Promise<void>;
}

export async function startReceiver(options: { latencyMs?: number } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, { answers: Script; next: number }>();
  const hanging = new Set<import("node:http").ServerResponse>();
  let receiver!: Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const entry: Received = {
        path,
        id: String(req.headers["webhook-id"] ?? ""),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
        wallAt: new Date(),
      };
      received.push(entry);
      receiver.onRequest?.(entry);
      const script = scripts.get(path);
      let answer: number | "hang" = 200;
      if (script) {
        answer = script.answers[Math.min(script.next, script.answers.length - 1)] ?? 200;
        script.next++;
      }
      if (answer === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      const reply = () => res.writeHead(answer as number, { "content-type": "text/plain" }).end("ok");
      if (receiver.latencyMs > 0) setTimeout(reply, receiver.latencyMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver = {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path) => received.filter((r) => r.path === path),
    script: (path, answers) => scripts.set(path, { answers, next: 0 }),
    latencyMs: options.latencyMs ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
