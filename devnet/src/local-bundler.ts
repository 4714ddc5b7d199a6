/**
 * A local ANS-104 bundler node: the stand-in for Irys/Turbo upload services in dev, tests and
 * benchmarks. It behaves like them where OneKey depends on it:
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
 * Every item's signature is verified with arbundles (an implementation independent of web's
 * ans104.ts) before anything is written; a bad item gets a 400 that says why and is not kept.
 * Items are persisted (write then rename) under `dataDir`, so they survive a restart. Resending
 * the same item is answered with the same receipt and stores nothing twice. Binds 127.0.0.1.
 *
 * With `settleTo`, it also does what Turbo does after answering: it posts every stored item to
 * Arweave (here arlocal) inside an ANS-104 bundle, one at a time in the background, retrying with
 * backoff while arlocal is down. Items not yet settled are found again on restart (an item counts
 * as settled once its `.settled` marker exists), so a crash loses none; arlocal dedupes by id.
 * (arlocal never indexes a bundle whose data repeats one 256 KiB chunk, such as a run of zeros;
 * an envelope is ciphertext, so it never does.)
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DataItem } from "arbundles";
import Arweave from "arweave";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import { buildSchema, graphql } from "graphql";
import { bytesToHex } from "viem";
import { fromBase64Url } from "../../web/src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../web/src/privacy/storage/arlocal-storage.js";

export interface LocalBundlerReceipt {
  id: string;
  owner: string;
  timestamp: number;
  dataCaches: string[];
  fastFinalityIndexes: string[];
  winc: string;
}

export interface LocalBundlerOptions {
  port?: number;
  dataDir: string;
  /** Bytes per chunk of a chunked upload; 1 MiB by default. */
  chunkSize?: number;
  /** Settle stored items to this arlocal, as Turbo settles to Arweave. */
  settleTo?: { arlocalUrl: string };
  /** Where settlement failures are reported (they are retried). */
  log?: (line: string) => void;
}

export interface RunningLocalBundler {
  url: string;
  /** Resolves once the item (base64url id) is settled to arlocal; only with `settleTo`. */
  settled(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** Bigger than any OneKey record (a 50 MB document scan plus envelope overhead). */
const MAX_ITEM_BYTES = 64 * 2 ** 20;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const UPLOAD_ID_PATTERN = /^[0-9a-f]{32}$/;
const SETTLE_ATTEMPTS = 6;
/** Chunked uploads untouched this long are removed when the node starts. */
const UPLOAD_MAX_AGE_MS = 24 * 3600 * 1000;

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

export async function startLocalBundler(options: LocalBundlerOptions): Promise<RunningLocalBundler> {
  mkdirSync(options.dataDir, { recursive: true });
  const itemPath = (id: string) => join(options.dataDir, `${id}.item`);
  const dataPath = (id: string) => join(options.dataDir, `${id}.data`);
  const receiptPath = (id: string) => join(options.dataDir, `${id}.json`);
  const settledPath = (id: string) => join(options.dataDir, `${id}.settled`);
  const tagsPath = (id: string) => join(options.dataDir, `${id}.tags.json`);
  const writeAtomically = (path: string, bytes: Uint8Array | string) => {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  };
  const settlement = options.settleTo ? await startSettlement(options.settleTo.arlocalUrl) : undefined;

  /** One item at a time, in the order stored; each retried until it lands or the node stops. */
  async function startSettlement(arlocalUrl: string) {
    const walletPath = join(options.dataDir, "settlement-wallet.json");
    if (!existsSync(walletPath)) {
      const ArweaveClass = ((Arweave as unknown as { default?: typeof Arweave }).default ?? Arweave) as typeof Arweave;
      writeAtomically(walletPath, JSON.stringify(await ArweaveClass.init({}).wallets.generate()));
    }
    const jwk = JSON.parse(readFileSync(walletPath, "utf8")) as JWKInterface;
    const arlocal = new ArlocalStorage({ url: arlocalUrl, jwk });
    const stopping = new AbortController();
    const waiters = new Map<string, { resolve(): void; reject(error: Error): void }[]>();
    let funded = false;
    let queue = Promise.resolve();

    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        stopping.signal.addEventListener("abort", wake, { once: true });
      });

    const release = (id: string, error?: Error) => {
      for (const waiter of waiters.get(id) ?? []) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      waiters.delete(id);
    };

    // An item that keeps failing is set aside after a few tries (until the next start), so it
    // cannot hold up the items stored after it.
    async function settle(id: string): Promise<void> {
      for (let attempt = 1; !stopping.signal.aborted && !existsSync(settledPath(id)); attempt++) {
        try {
          if (!funded) await ArlocalStorage.fund(arlocalUrl, jwk);
          funded = true;
          const item = { bytes: readFileSync(itemPath(id)), id: bytesToHex(fromBase64Url(id)), idBase64Url: id };
          await arlocal.upload(item, { signal: stopping.signal });
          writeAtomically(settledPath(id), String(Date.now()));
          release(id);
        } catch (error) {
          if (stopping.signal.aborted) return;
          funded = false; // arlocal may have restarted with a fresh database
          const reason = (error as Error).message;
          if (attempt >= SETTLE_ATTEMPTS) {
            options.log?.(
              `settling ${id} to ${arlocalUrl} failed ${attempt} times (${reason}); set aside until restart`,
            );
            release(id, new Error(`settling ${id} failed: ${reason}`));
            return;
          }
          const delay = Math.min(30_000, 250 * 2 ** attempt);
          options.log?.(`settling ${id} to ${arlocalUrl} failed (${reason}); retry in ${delay} ms`);
          await pause(delay);
        }
      }
    }

    const settlementApi = {
      schedule(id: string) {
        queue = queue.then(() => settle(id));
      },
      settled(id: string): Promise<void> {
        if (existsSync(settledPath(id))) return Promise.resolve();
        if (!existsSync(receiptPath(id))) return Promise.reject(new Error(`no stored item ${id}`));
        return new Promise((resolve, reject) => waiters.set(id, [...(waiters.get(id) ?? []), { resolve, reject }]));
      },
      async stop() {
        stopping.abort();
        await queue;
        for (const id of [...waiters.keys()]) release(id, new Error("the bundler node stopped before settling"));
      },
    };
    // Stored before a crash or restart, not settled yet: oldest first.
    const pending = readdirSync(options.dataDir)
      .filter((name) => /^[A-Za-z0-9_-]{43}\.json$/.test(name))
      .map((name) => name.slice(0, 43))
      .filter((id) => !existsSync(settledPath(id)))
      .sort((a, b) => statSync(receiptPath(a)).mtimeMs - statSync(receiptPath(b)).mtimeMs);
    for (const id of pending) settlementApi.schedule(id);
    return settlementApi;
  }

  async function accept(binary: Buffer): Promise<LocalBundlerReceipt> {
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
    writeAtomically(tagsPath(id), JSON.stringify(item.tags));
    writeAtomically(receiptPath(id), JSON.stringify(receipt));
    settlement?.schedule(id);
    return receipt;
  }

  /** The verified item's tags, saved beside it at upload (items stored before that: parsed). */
  function tagsOf(id: string): { name: string; value: string }[] {
    if (existsSync(tagsPath(id))) return JSON.parse(readFileSync(tagsPath(id), "utf8"));
    return new DataItem(readFileSync(itemPath(id))).tags;
  }

  function contentTypeOf(id: string): string {
    try {
      return tagsOf(id).find((tag) => tag.name.toLowerCase() === "content-type")?.value ?? "application/octet-stream";
    } catch {
      return "application/octet-stream";
    }
  }

  const graphqlRoot = {
    transactions({ ids, first }: { ids?: string[]; first?: number }) {
      if (!ids) throw new Error("this node answers transactions(ids: [...]) only");
      const limit = Math.min(100, Math.max(1, first ?? 100));
      const found = [...new Set(ids)].filter((id) => ID_PATTERN.test(id) && existsSync(receiptPath(id)));
      return { edges: found.slice(0, limit).map((id) => ({ cursor: id, node: { id, tags: tagsOf(id) } })) };
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

  // Chunked uploads: each chunk a file named by its offset under uploads/<upload id>/, so what
  // was received survives a restart of the node as well as of the client.
  // Each upload keeps the chunk size it started with, so a node restarted with another size still
  // finishes it. Uploads abandoned for a day are removed at start.
  const chunkSize = options.chunkSize ?? 2 ** 20;
  const uploadsDir = join(options.dataDir, "uploads");
  const uploadDir = (upload: string) => join(uploadsDir, upload);
  const chunkSizeOf = (upload: string) => Number(readFileSync(join(uploadDir(upload), "chunk-size"), "utf8"));
  mkdirSync(uploadsDir, { recursive: true });
  for (const upload of readdirSync(uploadsDir)) {
    if (Date.now() - statSync(uploadDir(upload)).mtimeMs > UPLOAD_MAX_AGE_MS) {
      rmSync(uploadDir(upload), { recursive: true, force: true });
    }
  }

  function chunksOf(upload: string): { offset: number; path: string; size: number }[] {
    if (!existsSync(uploadDir(upload))) throw new BadRequest(404, `no chunked upload ${upload}`);
    return readdirSync(uploadDir(upload))
      .filter((name) => /^\d+$/.test(name))
      .map((name) => ({ offset: Number(name), path: join(uploadDir(upload), name) }))
      .map((chunk) => ({ ...chunk, size: statSync(chunk.path).size }))
      .sort((a, b) => a.offset - b.offset);
  }

  /** The chunks from offset 0 with no gap: what the client need not send again. */
  function contiguous(upload: string) {
    const size = chunkSizeOf(upload);
    const chunks: ReturnType<typeof chunksOf> = [];
    let received = 0;
    for (const chunk of chunksOf(upload)) {
      if (chunk.offset !== received) break;
      chunks.push(chunk);
      received += chunk.size;
      if (chunk.size < size) break; // a short chunk is the last one
    }
    return { chunks, received, size };
  }

  async function chunked(request: IncomingMessage, path: string): Promise<unknown> {
    const [upload, step] = path.slice("/chunks/arweave/".length).split("/");
    if (request.method === "POST" && upload === "-1" && step === "-1") {
      const id = randomBytes(16).toString("hex");
      mkdirSync(uploadDir(id), { recursive: true });
      writeAtomically(join(uploadDir(id), "chunk-size"), String(chunkSize));
      return { id, chunkSize };
    }
    if (!upload || !UPLOAD_ID_PATTERN.test(upload)) throw new BadRequest(404, `no chunked upload ${upload}`);
    if (request.method === "GET" && step === "status") {
      const { received, size } = contiguous(upload);
      return { id: upload, received, chunkSize: size };
    }
    if (request.method === "POST" && step === "finalize") {
      const { chunks } = contiguous(upload);
      const receipt = await accept(Buffer.concat(chunks.map((chunk) => readFileSync(chunk.path))));
      rmSync(uploadDir(upload), { recursive: true, force: true });
      return receipt;
    }
    if (request.method === "POST" && step !== undefined && /^\d+$/.test(step)) {
      const offset = Number(step);
      chunksOf(upload); // 404 for an unknown upload
      const size = chunkSizeOf(upload);
      if (offset % size !== 0) throw new BadRequest(400, `offset ${offset} is not a multiple of ${size}`);
      const body = await readBody(request, size);
      if (body.length === 0) throw new BadRequest(400, `a chunk has 1..${size} bytes, not 0`);
      if (offset + body.length > MAX_ITEM_BYTES)
        throw new BadRequest(413, `a data item may have at most ${MAX_ITEM_BYTES} bytes`);
      writeAtomically(join(uploadDir(upload), String(offset)), body);
      return { id: upload, received: contiguous(upload).received };
    }
    throw new BadRequest(404, `no route ${request.method} ${path}`);
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
      if (request.method === "POST" && path === "/tx")
        return send(response, 200, await accept(await readBody(request)));
      if (path.startsWith("/chunks/arweave/")) return send(response, 200, await chunked(request, path));
      if (request.method === "POST" && path === "/graphql") return send(response, 200, await answerGraphql(request));
      if (request.method === "GET" && path === "/health") return send(response, 200, { ok: true });
      const status = /^\/tx\/([^/]+)\/status$/.exec(path);
      const id = status ? status[1] : path.slice(1);
      if ((request.method === "GET" || request.method === "HEAD") && id && ID_PATTERN.test(id)) {
        if (!existsSync(receiptPath(id))) return send(response, 404, { error: `no data item ${id}` });
        if (status) return send(response, 200, { id, status: existsSync(settledPath(id)) ? "FINALIZED" : "CONFIRMED" });
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
