import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A provider API stand-in on a free loopback port: it records every request exactly as it
 * arrived (method, path with query, headers, raw body) and answers from routes the test sets.
 * The adapters talk to it with the real fetch, so encoding, signing, aborts and refused
 * connections behave as they would against the provider.
 */
export interface RecordedRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Accept the request and never answer (for timeouts). */
  | "hang";

export interface FakeProvider {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers `METHOD /path?query` (exact) with the reply, or a function of the request. */
  on(route: string, reply: Reply | ((request: RecordedRequest) => Reply)): void;
  /** Answers every request not routed otherwise. */
  otherwise(reply: Reply | ((request: RecordedRequest) => Reply)): void;
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Reply | ((request: RecordedRequest) => Reply)>();
  let fallback: Reply | ((request: RecordedRequest) => Reply) = { status: 404, json: { description: "not routed" } };

  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const route = routes.get(`${recorded.method} ${recorded.url}`) ?? fallback;
      const reply = typeof route === "function" ? route(recorded) : route;
      if (reply === "hang") return;
      const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
      const type = reply.json === undefined ? {} : { "content-type": "application/json" };
      res.writeHead(reply.status, { ...type, ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    on: (route, reply) => routes.set(route, reply),
    otherwise: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback origin where nothing listens (a port we held, then released). */
export async function refusingOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
