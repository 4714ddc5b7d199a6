/**
 * A small HTTP load balancer for the scale test and the API benchmark, standing in for the one in
 * front of production replicas (nginx, HAProxy, a cloud balancer): round-robin over upstreams
 * whose `GET /readyz` answers 200 (checked every `checkMs`), `X-Forwarded-For` appended, and a
 * request that met a connection error (refused, reset, closed before an answer) is taken out of
 * rotation at once and, when it is safe to repeat (an idempotent method, or a write carrying an
 * `Idempotency-Key`), sent again to the next healthy upstream. Nothing else: no TLS, no
 * streaming request bodies (they are read whole), no sticky sessions (the API keeps no state
 * in a replica that a request needs).
 *
 * node:http for the listener and undici (the API's own HTTP client) for the upstream pools.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";

export interface UpstreamState {
  url: string;
  healthy: boolean;
  /** Answers relayed from this upstream. */
  served: number;
  /** Requests sent to it and not yet answered. */
  inFlight: number;
}

export interface BalancerStats {
  /** Requests sent again to another upstream after a connection error. */
  retried: number;
  /** Requests answered by the balancer itself with 502 (the upstream failed and a retry was not safe or possible) or 503 (no healthy upstream). */
  failed: number;
}

export interface Balancer {
  url: string;
  upstreams: UpstreamState[];
  stats: BalancerStats;
  /** Runs one health check of every upstream now. */
  checkNow: () => Promise<void>;
  close: () => Promise<void>;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the upstream connection sets itself. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "content-length",
]);

function forwardHeaders(headers: IncomingHttpHeaders, peer: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  const prior = headers["x-forwarded-for"];
  out["x-forwarded-for"] = [prior, peer].filter(Boolean).join(", ");
  return out;
}

export async function startBalancer(options: {
  upstreams: string[];
  checkMs?: number;
  port?: number;
}): Promise<Balancer> {
  const checkMs = options.checkMs ?? 250;
  const upstreams: UpstreamState[] = options.upstreams.map((url) => ({ url, healthy: false, served: 0, inFlight: 0 }));
  const pools = new Map(upstreams.map((u) => [u, new Pool(u.url, { connections: 64, keepAliveTimeout: 10_000 })]));
  const stats: BalancerStats = { retried: 0, failed: 0 };
  let next = 0;

  const check = async (upstream: UpstreamState) => {
    try {
      const { statusCode, body } = await (pools.get(upstream) as Pool).request({
        path: "/readyz",
        method: "GET",
        // A replica's /readyz runs its checks with 1 s timeouts each: give it that and some.
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      await body.dump();
      upstream.healthy = statusCode === 200;
    } catch {
      upstream.healthy = false;
    }
  };
  const checkNow = async () => {
    await Promise.all(upstreams.map(check));
  };
  await checkNow();
  const timer = setInterval(() => void checkNow(), checkMs);

  /** The next healthy upstream after the last one chosen, skipping `tried`. */
  const pick = (tried: Set<UpstreamState>) => {
    for (let i = 0; i < upstreams.length; i++) {
      const candidate = upstreams[(next + i) % upstreams.length] as UpstreamState;
      if (candidate.healthy && !tried.has(candidate)) {
        next = (next + i + 1) % upstreams.length;
        return candidate;
      }
    }
    return undefined;
  };

  /** The request body, read whole; none (and no read) for a request that declares none. */
  const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = req.method ?? "GET";
    const repeatable = IDEMPOTENT.has(method) || req.headers["idempotency-key"] !== undefined;
    const headers = forwardHeaders(req.headers, req.socket.remoteAddress);
    const tried = new Set<UpstreamState>();
    for (;;) {
      const upstream = pick(tried);
      if (!upstream) {
        stats.failed++;
        res.writeHead(tried.size > 0 ? 502 : 503, { "content-type": "text/plain" }).end("no upstream answered");
        return;
      }
      tried.add(upstream);
      let answered = false;
      upstream.inFlight++;
      try {
        // undici's stream(): the answer's body is written straight into ours (no Readable in between).
        await (pools.get(upstream) as Pool).stream({ path: req.url ?? "/", method, headers, body }, (answer) => {
          answered = true;
          upstream.served++;
          for (const name of HOP_BY_HOP) if (name !== "content-length") delete answer.headers[name];
          res.writeHead(answer.statusCode, answer.headers as Record<string, string | string[]>);
          return res;
        });
        return;
      } catch {
        if (answered) {
          // The upstream died mid-answer: the client sees a cut connection, as behind any balancer.
          res.destroy();
          return;
        }
        // No answer came: the upstream is gone or going. Out of rotation until its /readyz says otherwise.
        upstream.healthy = false;
        if (!repeatable) {
          stats.failed++;
          res.writeHead(502, { "content-type": "text/plain" }).end("upstream failed");
          return;
        }
        stats.retried++;
      } finally {
        upstream.inFlight--;
      }
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    upstreams,
    stats,
    checkNow,
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}
