/**
 * A local ANS-104 bundler node: the stand-in for Irys/Turbo upload services in dev, tests and
 * benchmarks. It behaves like them where OneKey depends on it:
 *
 *   POST /tx            binary signed data item (application/octet-stream) -> 200 receipt JSON
 *   GET|HEAD /tx/:id/status                                               -> 200 | 404
 *   GET|HEAD /:id       the item's data (what a gateway serves)            -> 200 | 404
 *   POST /graphql       `transactions(ids: [...]) { edges { node { id tags { name value } } } }`,
 *                       the subset of the Arweave/Irys GraphQL schema that readers use for tags
 *
 * Every item's signature is verified with arbundles (an implementation independent of web's
 * ans104.ts) before anything is written; a bad item gets a 400 that says why and is not kept.
 * Items are persisted (write then rename) under `dataDir`, so they survive a restart. Resending
 * the same item is answered with the same receipt and stores nothing twice. Binds 127.0.0.1.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DataItem } from "arbundles";
import { buildSchema, graphql } from "graphql";

export interface LocalBundlerReceipt {
  id: string;
  owner: string;
  timestamp: number;
  dataCaches: string[];
  fastFinalityIndexes: string[];
  winc: string;
}

export interface RunningLocalBundler {
  url: string;
  stop(): Promise<void>;
}

/** Bigger than any OneKey record (a 50 MB document scan plus envelope overhead). */
const MAX_ITEM_BYTES = 64 * 2 ** 20;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The part of the Arweave gateway / Irys GraphQL schema this node serves (graphql-js executes it). */
const graphqlSchema = buildSchema(`
  type Tag { name: String! value: String! }
  type Transaction { id: ID! tags: [Tag!]! }
  type TransactionEdge { cursor: String! node: Transaction! }
  type TransactionConnection { edges: [TransactionEdge!]! }
  type Query { transactions(ids: [ID!], first: Int): TransactionConnection! }
`);

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_ITEM_BYTES) throw new BadRequest(413, `a data item may have at most ${MAX_ITEM_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_ITEM_BYTES) throw new BadRequest(413, `a data item may have at most ${MAX_ITEM_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export async function startLocalBundler(options: { port?: number; dataDir: string }): Promise<RunningLocalBundler> {
  mkdirSync(options.dataDir, { recursive: true });
  const itemPath = (id: string) => join(options.dataDir, `${id}.item`);
  const dataPath = (id: string) => join(options.dataDir, `${id}.data`);
  const receiptPath = (id: string) => join(options.dataDir, `${id}.json`);
  const writeAtomically = (path: string, bytes: Uint8Array | string) => {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  };

  async function accept(request: IncomingMessage): Promise<LocalBundlerReceipt> {
    const binary = await readBody(request);
    if (binary.length === 0) throw new BadRequest(400, "the body is empty: send the signed data item's bytes");
    let item: DataItem;
    let valid = false;
    try {
      item = new DataItem(binary);
      valid = await DataItem.verify(binary);
    } catch {
      valid = false;
    }
    if (!valid) throw new BadRequest(400, "the body is not a validly signed ANS-104 data item");
    item = new DataItem(binary);
    const id = item.id;
    if (existsSync(receiptPath(id))) return JSON.parse(readFileSync(receiptPath(id), "utf8")) as LocalBundlerReceipt;
    const receipt: LocalBundlerReceipt = {
      id,
      owner: item.owner,
      timestamp: Date.now(),
      dataCaches: ["local"],
      fastFinalityIndexes: ["local"],
      winc: "0",
    };
    // Item and data first, the receipt last: an item counts as stored once its receipt exists.
    writeAtomically(itemPath(id), binary);
    writeAtomically(dataPath(id), item.rawData);
    writeAtomically(receiptPath(id), JSON.stringify(receipt));
    return receipt;
  }

  function contentTypeOf(id: string): string {
    try {
      const item = new DataItem(readFileSync(itemPath(id)));
      return item.tags.find((tag) => tag.name.toLowerCase() === "content-type")?.value ?? "application/octet-stream";
    } catch {
      return "application/octet-stream";
    }
  }

  // Tags are read from the stored item itself, so they are exactly what its signature covers.
  const graphqlRoot = {
    transactions({ ids, first }: { ids?: string[]; first?: number }) {
      if (!ids) throw new Error("this node answers transactions(ids: [...]) only");
      const found = ids.filter((id) => ID_PATTERN.test(id) && existsSync(receiptPath(id))).slice(0, first ?? 100);
      return {
        edges: found.map((id) => {
          const item = new DataItem(readFileSync(itemPath(id)));
          return { cursor: id, node: { id, tags: item.tags } };
        }),
      };
    },
  };

  async function answerGraphql(request: IncomingMessage): Promise<unknown> {
    let body: { query?: unknown; variables?: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString("utf8")) as typeof body;
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

  function send(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
    response.end(JSON.stringify(body));
  }

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    try {
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, HEAD, POST",
          "access-control-allow-headers": "content-type",
          "access-control-max-age": "600",
        });
        return response.end();
      }
      if (request.method === "POST" && path === "/tx") return send(response, 200, await accept(request));
      if (request.method === "POST" && path === "/graphql") return send(response, 200, await answerGraphql(request));
      if (request.method === "GET" && path === "/health") return send(response, 200, { ok: true });
      const status = /^\/tx\/([^/]+)\/status$/.exec(path);
      const id = status ? status[1] : path.slice(1);
      if ((request.method === "GET" || request.method === "HEAD") && id && ID_PATTERN.test(id)) {
        if (!existsSync(receiptPath(id))) return send(response, 404, { error: `no data item ${id}` });
        if (status) return send(response, 200, { id, status: "CONFIRMED" });
        response.writeHead(200, {
          "content-type": contentTypeOf(id),
          "content-length": String(statSync(dataPath(id)).size),
          "access-control-allow-origin": "*",
        });
        if (request.method === "HEAD") return response.end();
        return response.end(readFileSync(dataPath(id)));
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
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
