/**
 * Liveness (GET /health, /livez) and readiness (GET /readyz) of the key service, without a chain:
 * a stand-in JSON-RPC server answers eth_chainId; "down" is that server stopped, or the data
 * directory gone. Readiness names the failed check without the RPC URL; liveness stays 200.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChainIdRpc } from "@onekey/devnet/chain-id-rpc";
import { waitFor } from "@onekey/devnet/processes";
import type { Readiness } from "@onekey/service-kit/health";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { type RunningKeyService, startKeyService } from "../src/server.js";

const SECRET = "SECRET-RPC-KEY-42";
const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const scratch = mkdtempSync(join(tmpdir(), "onekey-keyservice-health-"));
const cleanup: (() => Promise<unknown>)[] = [];

/** A chain-id RPC, stopped after the file. */
async function startRpc(chainId: number) {
  const rpc = await startChainIdRpc(chainId, SECRET);
  cleanup.push(rpc.stop);
  return rpc;
}
afterAll(async () => {
  for (const step of cleanup) await step();
  rmSync(scratch, { recursive: true, force: true });
});

async function start(rpcUrl: string, dataDir: string): Promise<RunningKeyService> {
  const service = await startKeyService({
    config: parseConfig({ chains: { "31337": { rpcUrl, registry } }, dataDir }),
    log: () => undefined,
  });
  cleanup.unshift(() => service.close());
  return service;
}

async function probe(service: RunningKeyService) {
  const ready = await fetch(`${service.url}/readyz`);
  const text = await ready.text();
  return {
    status: ready.status,
    body: JSON.parse(text) as Readiness,
    text,
    live: (await fetch(`${service.url}/livez`)).status,
    health: (await fetch(`${service.url}/health`)).status,
  };
}

describe("readiness", () => {
  it("is 200 ready while the key store, the master key and the chain's RPC answer", async () => {
    const rpc = await startRpc(31337);
    const result = await probe(await start(rpc.url, join(scratch, "ready")));
    expect(result).toMatchObject({ status: 200, live: 200, health: 200, body: { status: "ready" } });
    expect(Object.keys(result.body.checks).sort()).toEqual(["chain:31337", "keyStore", "masterKey"]);
    for (const check of Object.values(result.body.checks)) expect(check).toMatchObject({ ok: true });
  });

  it("is 503 naming the chain once its RPC stops, or when it serves another chain; liveness stays 200", async () => {
    const rpc = await startRpc(31337);
    const service = await start(rpc.url, join(scratch, "rpc-down"));
    expect((await probe(service)).status).toBe(200);
    await rpc.stop();
    // Readiness answers from its last run for up to a second: wait for the next run to see it.
    const down = await waitFor("readiness to see the RPC gone", async () => {
      const r = await probe(service);
      return r.status === 503 ? r : undefined;
    });
    expect(down).toMatchObject({ status: 503, live: 200, health: 200, body: { status: "not_ready" } });
    expect(down.body.checks["chain:31337"]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^HttpRequestError/),
    });
    expect(down.body.checks.keyStore?.ok).toBe(true);
    expect(down.text).not.toContain(SECRET);

    const other = await startRpc(8453);
    const wrong = await probe(await start(other.url, join(scratch, "wrong-chain")));
    expect(wrong.status).toBe(503);
    expect(wrong.body.checks["chain:31337"]).toMatchObject({
      ok: false,
      error: "the RPC serves chain 8453, not 31337",
    });
  });

  it("is 503 naming the key store when its directory is gone", async () => {
    const rpc = await startRpc(31337);
    const dataDir = join(scratch, "store-gone");
    const service = await start(rpc.url, dataDir);
    expect((await probe(service)).status).toBe(200);
    rmSync(join(dataDir, "keys"), { recursive: true, force: true });
    const gone = await waitFor("readiness to see the store gone", async () => {
      const r = await probe(service);
      return r.status === 503 ? r : undefined;
    });
    expect(gone).toMatchObject({ status: 503, live: 200, health: 200 });
    expect(gone.body.checks.keyStore).toMatchObject({ ok: false, error: "Error (ENOENT)" });
    expect(gone.body.checks["chain:31337"]?.ok).toBe(true);
    expect(gone.text).not.toContain(scratch);
  });
});
