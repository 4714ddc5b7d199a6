/**
 * The scale test's and the benchmark's balancer (harness/balancer.ts) does what a production
 * balancer in front of the replicas must: round robin over ready upstreams, out of rotation on a
 * failed /readyz or a connection error, and a request sent again elsewhere only when that is safe.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Balancer, startBalancer } from "../harness/balancer.js";

interface Upstream {
  url: string;
  ready: boolean;
  /** Requests other than /readyz, with the X-Forwarded-For they carried. */
  seen: { method: string; path: string; forwardedFor: string | undefined }[];
  /** Destroys the next request's socket without answering (a replica dying mid-request). */
  dropNext: boolean;
  close: () => Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const state: Omit<Upstream, "url" | "close"> = { ready: true, seen: [], dropNext: false };
  const server: Server = createServer((req, res) => {
    if (req.url === "/readyz") {
      res.writeHead(state.ready ? 200 : 503).end();
      return;
    }
    req.resume();
    req.on("end", () => {
      state.seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        forwardedFor: req.headers["x-forwarded-for"] as string,
      });
      if (state.dropNext) {
        state.dropNext = false;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "x-upstream": name }).end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(): Promise<{ a: Upstream; b: Upstream; balancer: Balancer }> {
  const a = await upstream("a");
  const b = await upstream("b");
  const balancer = await startBalancer({ upstreams: [a.url, b.url], checkMs: 60_000 });
  open.push(a, b, balancer);
  return { a, b, balancer };
}

const call = async (balancer: Balancer, init: RequestInit & { path?: string } = {}) => {
  const res = await fetch(`${balancer.url}${init.path ?? "/v1/project"}`, init);
  return { status: res.status, from: res.headers.get("x-upstream"), body: await res.text() };
};

describe("the test balancer", () => {
  it("alternates between ready upstreams and appends the client to X-Forwarded-For", async () => {
    const { a, b, balancer } = await setup();
    const from = [];
    for (let i = 0; i < 4; i++)
      from.push((await call(balancer, { headers: { "x-forwarded-for": "203.0.113.9" } })).from);
    expect(from).toEqual(["a", "b", "a", "b"]);
    expect(a.seen[0]?.forwardedFor).toBe("203.0.113.9, 127.0.0.1");
    expect(b.seen).toHaveLength(2);
  });

  it("leaves out an upstream whose /readyz fails, and takes it back when it passes", async () => {
    const { b, balancer } = await setup();
    b.ready = false;
    await balancer.checkNow();
    expect(new Set([(await call(balancer)).from, (await call(balancer)).from])).toEqual(new Set(["a"]));
    b.ready = true;
    await balancer.checkNow();
    expect(new Set([(await call(balancer)).from, (await call(balancer)).from])).toEqual(new Set(["a", "b"]));
  });

  it("sends a read that met a dead connection to the other upstream, and stops choosing the dead one", async () => {
    const { a, b, balancer } = await setup();
    a.dropNext = true;
    expect(await call(balancer)).toMatchObject({ status: 200, from: "b" });
    expect(balancer.stats).toEqual({ retried: 1, failed: 0 });
    expect(balancer.upstreams.map((u) => u.healthy)).toEqual([false, true]);
    expect((await call(balancer)).from).toBe("b");
    await b.close();
    // Nobody left: the balancer answers itself, and says so.
    expect((await call(balancer)).status).toBe(502);
    expect((await call(balancer)).status).toBe(503);
  });

  it("repeats a POST elsewhere only when it carries an Idempotency-Key", async () => {
    const { a, b, balancer } = await setup();
    a.dropNext = true;
    expect(await call(balancer, { method: "POST", body: "{}" })).toMatchObject({ status: 502 });
    expect(b.seen).toHaveLength(0);

    await balancer.checkNow(); // a is back in rotation (it answers /readyz)
    const next = balancer.upstreams.findIndex((u) => u.healthy);
    const target = next === 0 ? a : b;
    target.dropNext = true;
    const retried = await call(balancer, { method: "POST", body: "{}", headers: { "idempotency-key": "k-1" } });
    expect(retried.status).toBe(200);
    expect(retried.from).toBe(target === a ? "b" : "a");
  });
});
