/**
 * Scripted HTTP servers for browser tests. A browser test cannot listen on a port, so the Chromium
 * project's global setup runs this control server in Node: a test posts a script (replies by
 * method and path), gets a fresh server on 127.0.0.1 that follows it, and reads back what that
 * server received, bodies included. Each test gets its own server, so tests running at once do
 * not see each other's requests. Every server answers CORS preflights, as a public API does,
 * since the page's origin is the Vitest server.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type RecordedRequest, type Reply, startFakeHttp } from "./fake-http.js";

/** One rule of a script: the first rule whose method and path match answers. */
export interface ScriptedRoute {
  method?: string;
  path: string;
  reply: { status: number; json?: unknown; body?: string; headers?: Record<string, string> };
}

/** A request as the control server reports it (JSON, so the body is base64). */
export interface ReportedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBase64: string;
}

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "*",
};

function follow(script: ScriptedRoute[]) {
  return (request: RecordedRequest): Reply => {
    if (request.method === "OPTIONS") return { status: 204, headers: cors };
    const route = script.find((r) => (r.method ?? request.method) === request.method && r.path === request.path);
    const reply = route?.reply ?? { status: 404, body: `no scripted reply for ${request.method} ${request.path}` };
    return { ...reply, headers: { ...cors, ...reply.headers } };
  };
}

export async function startFakeHttpControl() {
  const servers = new Map<string, Awaited<ReturnType<typeof startFakeHttp>>>();
  let next = 0;
  const control = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { ...cors, ...(json !== undefined ? { "content-type": "application/json" } : {}) });
        res.end(json !== undefined ? JSON.stringify(json) : undefined);
      };
      try {
        const [, collection, id, sub] = (req.url ?? "").split("/");
        if (req.method === "OPTIONS") return send(204);
        if (collection !== "servers") return send(404, { error: "unknown route" });
        if (req.method === "POST" && !id) {
          const script = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ScriptedRoute[];
          const server = await startFakeHttp(follow(script));
          const key = String(++next);
          servers.set(key, server);
          return send(200, { id: key, url: server.url });
        }
        const server = id ? servers.get(id) : undefined;
        if (!server || !id) return send(404, { error: `no server ${id}` });
        if (req.method === "GET" && sub === "requests") {
          const reported: ReportedRequest[] = server.requests.map((r) => ({
            method: r.method,
            path: r.path,
            headers: r.headers,
            bodyBase64: r.body.toString("base64"),
          }));
          return send(200, reported);
        }
        if (req.method === "DELETE" && !sub) {
          servers.delete(id);
          await server.close();
          return send(204);
        }
        return send(404, { error: "unknown route" });
      } catch (error) {
        return send(500, { error: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    async close() {
      await Promise.all([...servers.values()].map((server) => server.close()));
      servers.clear();
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}
