/**
 * The bundler node's HTTP surface, modeled on Irys/Turbo upload services and an Arweave gateway:
 *
 *   POST /tx            binary signed data item (application/octet-stream) -> 200 receipt JSON
 *   GET|HEAD /tx/:id/status  { status: "CONFIRMED" } once stored, "FINALIZED" once settled -> 200 | 404
 *   GET|HEAD /:id       the item's data (what a gateway serves)            -> 200 | 404
 *   POST /chunks/arweave/-1/-1                 start a chunked upload -> { id, chunkSize }
 *   POST /chunks/arweave/:upload/:offset       one chunk (offset a multiple of chunkSize) -> { received }
 *   GET  /chunks/arweave/:upload/status        contiguous bytes received -> { received, chunkSize } | 404
 *   POST /chunks/arweave/:upload/finalize      the chunks, joined, taken as POST /tx takes an item
 *                       (modeled on Turbo's chunked uploads: progress per chunk, and an upload cut
 *                       off by a reload or crash continues from the last chunk received)
 *   POST /graphql       `transactions(ids: [...]) { edges { node { id tags { name value } } } }`,
 *                       the subset of the Arweave/Irys GraphQL schema that readers use for tags
 *
 * A refused request gets a JSON `{ error }` that says why, and changes nothing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { buildSchema, graphql } from "graphql";
import { BadRequest, type ChunkedUploads, ID_PATTERN, type ItemStore, MAX_ITEM_BYTES } from "./store.js";

/** The part of the Arweave gateway / Irys GraphQL schema this node serves (graphql-js executes it). */
const graphqlSchema = buildSchema(`
  type Tag { name: String! value: String! }
  type Transaction { id: ID! tags: [Tag!]! }
  type TransactionEdge { cursor: String! node: Transaction! }
  type TransactionConnection { edges: [TransactionEdge!]! }
  type Query { transactions(ids: [ID!], first: Int): TransactionConnection! }
`);

async function readBody(request: IncomingMessage, limit = MAX_ITEM_BYTES): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > limit) throw new BadRequest(413, `this body may have at most ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequest(413, `this body may have at most ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
  response.end(JSON.stringify(body));
}

export function bundlerRoutes(store: ItemStore, uploads: ChunkedUploads, isSettled: (id: string) => boolean) {
  const graphqlRoot = {
    transactions({ ids, first }: { ids?: string[]; first?: number }) {
      if (!ids) throw new Error("this node answers transactions(ids: [...]) only");
      const limit = Math.min(100, Math.max(1, first ?? 100));
      const found = [...new Set(ids)].filter((id) => store.has(id));
      return { edges: found.slice(0, limit).map((id) => ({ cursor: id, node: { id, tags: store.tags(id) } })) };
    },
  };

  async function answerGraphql(request: IncomingMessage): Promise<unknown> {
    let body: { query?: unknown; variables?: unknown };
    try {
      body = JSON.parse((await readBody(request, 64 * 1024)).toString("utf8")) as typeof body;
    } catch {
      throw new BadRequest(400, "the body is not JSON: send { query, variables }");
    }
    if (typeof body.query !== "string") throw new BadRequest(400, "the body has no query");
    return graphql({
      schema: graphqlSchema,
      source: body.query,
      rootValue: graphqlRoot,
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
    });
  }

  async function chunked(request: IncomingMessage, path: string): Promise<unknown> {
    const [upload, step] = path.slice("/chunks/arweave/".length).split("/");
    if (request.method === "POST" && upload === "-1" && step === "-1") return uploads.start();
    if (!upload) throw new BadRequest(404, "no chunked upload given");
    if (request.method === "GET" && step === "status") {
      const { received, size } = uploads.contiguous(upload);
      return { id: upload, received, chunkSize: size };
    }
    if (request.method === "POST" && step === "finalize") {
      const receipt = await store.accept(uploads.joined(upload));
      uploads.remove(upload);
      return receipt;
    }
    if (request.method === "POST" && step !== undefined && /^\d+$/.test(step)) {
      const offset = Number(step);
      const body = await readBody(request, uploads.expectChunk(upload, offset));
      return { id: upload, received: uploads.writeChunk(upload, offset, body) };
    }
    throw new BadRequest(404, `no route ${request.method} ${path}`);
  }

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    try {
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, HEAD, POST",
          "access-control-allow-headers": "content-type",
          "access-control-max-age": "600",
        });
        return void response.end();
      }
      if (request.method === "POST" && path === "/tx")
        return send(response, 200, await store.accept(await readBody(request)));
      if (path.startsWith("/chunks/arweave/")) return send(response, 200, await chunked(request, path));
      if (request.method === "POST" && path === "/graphql") return send(response, 200, await answerGraphql(request));
      if (request.method === "GET" && path === "/health") return send(response, 200, { ok: true });
      const status = /^\/tx\/([^/]+)\/status$/.exec(path);
      const id = status ? status[1] : path.slice(1);
      if ((request.method === "GET" || request.method === "HEAD") && id && ID_PATTERN.test(id)) {
        if (!store.has(id)) return send(response, 404, { error: `no data item ${id}` });
        if (status) return send(response, 200, { id, status: isSettled(id) ? "FINALIZED" : "CONFIRMED" });
        response.writeHead(200, {
          "content-type": store.contentType(id),
          "content-length": String(store.dataSize(id)),
          "access-control-allow-origin": "*",
        });
        if (request.method === "HEAD") return void response.end();
        return void response.end(store.data(id));
      }
      send(response, 404, { error: `no route ${request.method} ${path}` });
    } catch (error) {
      if (error instanceof BadRequest) {
        // Drain what the client still sends, so it reads the answer instead of a reset.
        request.resume();
        return send(response, error.status, { error: error.message });
      }
      send(response, 500, { error: "internal error" });
    }
  };
}
