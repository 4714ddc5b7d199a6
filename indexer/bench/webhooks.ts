/**
 * `npm run bench:webhooks`: webhook delivery on this machine, against the local PostgreSQL, with
 * Ponder, the worker(s) and a receiver all on loopback. Two measurements on one local chain:
 *
 *  1. latency: BENCH_LATENCY_EVENTS role grants sent one at a time, each timed from its block
 *     mined (receipt) to the webhook arriving at the receiver (local mode, zero confirmations);
 *  2. throughput: a burst of BENCH_BURST events (blocks of 100) is indexed while no worker runs;
 *     then one worker (for a second burst, two) starts and delivers it. Deliveries/s counts the
 *     arrivals after every worker is up. Each worker has BENCH_CONCURRENCY (16) requests in flight
 *     at most. The receiver answers after BENCH_RECEIVER_LATENCY_MS (default 20 ms), a
 *     remote endpoint's round trip; 0 measures the pure CPU bound of this 2-core machine.
 *
 * `lost` counts burst events never received; `dup_ids` counts webhook-ids received more than
 * once. Ends with one JSON line:
 * {"deliver_p50_ms":N,"deliver_p95_ms":N,"throughput_1w":N,"throughput_2w":N,"lost":N,"dup_ids":N}
 */
import { projectRegistryAbi } from "@onekey/deploy";
import { createWalletClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { ApiClient } from "../harness/api.js";
import { startPonder } from "../harness/ponder.js";
import { createTestDatabase } from "../harness/postgres.js";
import { startReceiver } from "../harness/receiver.js";
import { newEncryptionKey, startWorker, type WorkerProcess } from "../harness/worker.js";
import { startChainStack } from "../test/support/stack.js";

const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 5_000);
const RECEIVER_LATENCY_MS = Number(process.env.BENCH_RECEIVER_LATENCY_MS ?? 20);
/** Requests in flight per worker: what bounds one worker, so that a second one adds capacity. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const log = (message: string) => console.error(`[bench] ${message}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stack = await startChainStack();
const database = await createTestDatabase("onekey_bench_webhooks");
const receiver = await startReceiver({ latencyMs: 0 });
const encryptionKey = newEncryptionKey();
const workers: WorkerProcess[] = [];
let stopPonder: (() => Promise<void>) | undefined;
const workerEnv = { ONEKEY_WEBHOOK_POLL_MS: "20", ONEKEY_WEBHOOK_CONCURRENCY: String(CONCURRENCY) };
try {
  const { onekey } = stack;
  const owner = onekey.account(2);
  const org = await onekey.createOrganization(owner);
  const project = await onekey.createProject(owner, org, "bench-hooks");
  const ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema: "bench_hooks",
    viewsSchema: "onekey",
    env: { ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey, ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000" },
  });
  stopPonder = () => ponder.stop();
  const api = new ApiClient(ponder.url);
  await ponder.waitForBlock(await onekey.blockNumber());
  const key = (await api.createKey(await api.login(owner), project, { scopes: ["webhooks:manage"] })).key;
  await api.request("PUT", "/v1/webhooks/settings", { token: key, body: { confirmations: 0 } });
  const created = await api.post(
    "/v1/webhooks/endpoints",
    { url: receiver.url("/hook"), rateLimitPerSecond: 10_000 },
    key,
  );
  if (created.status !== 201) throw new Error(`endpoint refused: ${JSON.stringify(created.body)}`);
  const wallet = createWalletClient({ account: owner, chain: hardhat, transport: http(stack.chain.rpcUrl) });
  const grant = () =>
    wallet.writeContract({
      address: onekey.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "grantRole",
      // Sponsor manager: granted at once, so each grant is one project.role_granted.
      args: [project, privateKeyToAccount(generatePrivateKey()).address, 4],
      gas: 200_000n,
    });

  // ---------------------------------------------------------------- latency
  workers.push(await startWorker({ databaseUrl: database.url, encryptionKey, env: workerEnv }));
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const before = receiver.received.length;
    const hash = await grant();
    await onekey.client.waitForTransactionReceipt({ hash, pollingInterval: 2 });
    const mined = performance.now();
    await until("a latency webhook", () => receiver.received.length > before, 10_000);
    latencies.push((receiver.received[before]?.at as number) - mined);
  }
  latencies.sort((a, b) => a - b);
  log(
    `latency over ${LATENCY_EVENTS}: p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms`,
  );
  await workers.pop()?.stop();

  // ---------------------------------------------------------------- throughput
  receiver.latencyMs = RECEIVER_LATENCY_MS;
  const burst = async () => {
    await onekey.grantRolesInBlocks(owner, project, Math.ceil(BURST / 100), 100);
    await ponder.waitForBlock(await onekey.blockNumber(), 300_000);
  };

  const deliver = async (count: number) => {
    const start = receiver.received.length;
    await burst();
    workers.push(
      ...(await Promise.all(
        Array.from({ length: count }, () => startWorker({ databaseUrl: database.url, encryptionKey, env: workerEnv })),
      )),
    );
    // Steady state only: the arrivals once every worker is up (the first starts a moment earlier).
    const allUp = performance.now();
    await until(
      `${BURST} deliveries with ${count} worker(s)`,
      () => receiver.received.length - start >= BURST,
      600_000,
    );
    const arrivals = receiver.received
      .slice(start, start + BURST)
      .map((r) => r.at)
      .filter((at) => at >= allUp);
    if (arrivals.length < BURST / 2) throw new Error("the burst was mostly delivered before every worker was up");
    const rate = (arrivals.length - 1) / ((Math.max(...arrivals) - Math.min(...arrivals)) / 1000);
    log(
      `${count} worker(s): ${Math.round(rate)} deliveries/s (${CONCURRENCY} in flight per worker, receiver answers after ${RECEIVER_LATENCY_MS} ms)`,
    );
    while (workers.length) await workers.pop()?.stop();
    return Math.round(rate);
  };
  const throughput1 = await deliver(1);
  const throughput2 = await deliver(2);

  // Every role grant the bench sent must arrive; any id that arrives twice is a duplicate.
  const counts = new Map<string, number>();
  for (const r of receiver.received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  const dupIds = [...counts.values()].filter((n) => n > 1).length;
  const grants = new Set(
    receiver.received
      .filter((r) => (JSON.parse(r.body) as { type: string }).type === "project.role_granted")
      .map((r) => r.id),
  );
  const lost = LATENCY_EVENTS + 2 * BURST - grants.size;
  console.log(
    JSON.stringify({
      deliver_p50_ms: round(percentile(latencies, 50)),
      deliver_p95_ms: round(percentile(latencies, 95)),
      throughput_1w: throughput1,
      throughput_2w: throughput2,
      lost,
      dup_ids: dupIds,
    }),
  );
} finally {
  for (const w of workers) await w.stop();
  await stopPonder?.();
  await receiver.close();
  await database.drop();
  await stack.stop();
}
