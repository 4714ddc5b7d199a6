/** A scripted HTTP server on 127.0.0.1 that records every request: a stand-in for a remote API. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Reply = { status: number; json?: unknown; body?: Uint8Array | string; headers?: Record<string, string> };

export async function startFakeHttp(handler: (request: RecordedRequest) => Reply) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const reply = handler(request);
      const headers = { ...(reply.json !== undefined ? { "content-type": "application/json" } : {}), ...reply.headers };
      res.writeHead(reply.status, headers);
      res.end(reply.json !== undefined ? JSON.stringify(reply.json) : reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
