/**
 * `npm run bench:issuer`: the issuer's KYC sessions against the sandbox provider, on this
 * machine. One issuer process (src/main.ts, as production runs it) on a fresh database of the
 * local PostgreSQL and the local Redis; the sandbox providers, the local bundler node and the load
 * generator in this process; a local chain with OneKey deployed.
 *
 *  1. sessions_per_s: session starts per second (a new signed-in subject each, so each one
 *     creates an applicant and a hosted-flow link at the provider), sustained for BENCH_SECONDS
 *     with BENCH_CONCURRENCY requests in flight, after a warm-up;
 *  2. sign_p50_ms / sign_p99_ms: POST /v1/sessions/<id>/attestation for BENCH_SIGNS approved
 *     sessions, one at a time as the client sees it (the storage check reads the item back from
 *     the bundler node and hashes it; nonce and chain time come from the chain);
 *  3. failover_ms: with session starts flowing (about 100/s), the first provider goes down;
 *     the time from that moment to the first new session served by the second provider. Run
 *     twice, the provider refusing connections and the provider hanging (then the provider
 *     timeout, ONEKEY_ISSUER_PROVIDER_TIMEOUT_MS = BENCH_PROVIDER_TIMEOUT_MS, decides); the
 *     JSON reports the slower.
 *
 * References measured in the same run (stderr): the provider alone (applicant + launch link,
 * straight to the sandbox at the same concurrency), and the signing path's I/O floor (the item
 * read back from the bundler node and one nonceOf call, one at a time).
 *
 * Ends with one JSON line: {"sessions_per_s":N,"sign_p50_ms":N,"sign_p99_ms":N,"failover_ms":N}
 * (targets: sessions_per_s >= 300, sign_p99_ms <= 20, failover_ms <= 2000; stderr says which hold).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kycRegistryAbi } from "@onekey/deploy";
import { startLocalBundler } from "@onekey/devnet/local-bundler";
import { startLocalChain } from "@onekey/devnet/local-chain";
import { OneKeyChain } from "@onekey/devnet/onekey-chain";
import { freePort, repoRoot, startProcess, waitFor } from "@onekey/devnet/processes";
import { createTestDatabase } from "@onekey/indexer/harness/postgres";
import { BundlerStorage, createDataItem } from "@onekey/web/privacy";
import { createPublicClient, type Hex, http, keccak256, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { createSandboxProvider, sandboxSettingsSchema } from "../src/kyc/providers/sandbox/sandbox-provider.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SIGNS = Number(process.env.BENCH_SIGNS ?? 200);
const PROVIDER_TIMEOUT_MS = Number(process.env.BENCH_PROVIDER_TIMEOUT_MS ?? 1500);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 6000);

const log = (message: string) => console.error(`[bench] ${message}`);

interface Sandbox {
  url: string;
  appToken: string;
  secretKey: string;
  webhookSecret: string;
  adminToken: string;
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), "onekey-issuer-bench-"));
const cleanups: (() => Promise<unknown>)[] = [];
let issuerOutput: () => string = () => "";
async function cleanup() {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}

try {
  log("starting a local chain with OneKey deployed...");
  const chain = await startLocalChain({ deployBookDir: scratch });
  cleanups.push(() => chain.stop());
  if (!chain.deployment) throw new Error("no deployment");
  const onekey = new OneKeyChain(chain.rpcUrl, chain.deployment);
  const orgOwner = onekey.account(2);
  const org = await onekey.createOrganization(orgOwner);
  const projectId = await onekey.createProject(orgOwner, org, "bench-kyc", { requiredLevel: 1 });

  const database = await createTestDatabase("onekey_issuer_bench");
  cleanups.push(() => database.drop());
  const bundler = await startLocalBundler({ dataDir: join(scratch, "bundler") });
  cleanups.push(() => bundler.stop());
  const port = await freePort();
  const issuerUrl = `http://127.0.0.1:${port}`;
  // The providers run as processes of their own (a real provider's work is not the issuer's).
  const sandboxes: Sandbox[] = [];
  for (const name of ["sandbox", "sandbox-b"]) {
    const child = startProcess(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "devnet/src/kyc-sandbox/main.ts"),
        "--webhook-url",
        `${issuerUrl}/v1/providers/${name}/webhook`,
      ],
      {},
    );
    cleanups.push(() => child.stop());
    const line = await waitFor(`the ${name} provider`, async () => {
      if (child.child.exitCode !== null) throw new Error(`${name} exited:\n${child.output()}`);
      return child
        .output()
        .split("\n")
        .find((l) => l.startsWith("{"));
    });
    sandboxes.push(JSON.parse(line) as Sandbox);
  }
  const [a, b] = sandboxes as [Sandbox, Sandbox];
  const setFault = async (box: Sandbox, mode: string) => {
    const answer = await fetch(`${box.url}/admin/fault`, {
      method: "PUT",
      headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ mode }),
    });
    if (!answer.ok) throw new Error(`the sandbox refused the fault ${mode}: ${answer.status}`);
  };
  const providerEnv = (prefix: string, box: Sandbox) => ({
    [`${prefix}URL`]: box.url,
    [`${prefix}APP_TOKEN`]: box.appToken,
    [`${prefix}SECRET_KEY`]: box.secretKey,
    [`${prefix}WEBHOOK_SECRET`]: box.webhookSecret,
  });

  log("starting the issuer (src/main.ts)...");
  // BENCH_PROFILE=<dir> writes the issuer's CPU profile there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] : [];
  const issuer = startProcess(process.execPath, [...profile, "--import", "tsx", "src/main.ts"], {
    cwd: join(repoRoot, "issuer"),
    env: {
      ONEKEY_NETWORK: "local",
      ONEKEY_RPC_URL: chain.rpcUrl,
      ONEKEY_DEPLOY_BOOK_DIR: scratch,
      ONEKEY_ISSUER_PORT: String(port),
      ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: generatePrivateKey(),
      ONEKEY_ISSUER_KYC_SIGNER_KEY: generatePrivateKey(),
      ONEKEY_ISSUER_DATABASE_URL: database.url,
      ONEKEY_ISSUER_REDIS_KEY_PREFIX: `onekey:issuer:bench:${Date.now()}`,
      ONEKEY_ISSUER_PROVIDERS: "sandbox,sandbox-b",
      ...providerEnv("ONEKEY_ISSUER_SANDBOX_", a),
      ...providerEnv("ONEKEY_ISSUER_SANDBOX_B_", b),
      ONEKEY_ISSUER_ARWEAVE_GATEWAY_URL: bundler.url,
      ONEKEY_ISSUER_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
      ONEKEY_ISSUER_BREAKER_HALF_OPEN_MS: "1000",
      ONEKEY_ISSUER_SESSION_PROJECT_RATE_PER_MINUTE: "1000000",
      ONEKEY_ISSUER_AUTH_RATE_PER_MINUTE: "1000",
      ONEKEY_ISSUER_CHAIN_POLL_MS: "1000",
      ONEKEY_ISSUER_LOG_LEVEL: process.env.BENCH_ISSUER_LOG_LEVEL ?? "info",
    },
  });
  cleanups.push(() => issuer.stop());
  issuerOutput = issuer.output;
  await waitFor("the issuer", async () => {
    if (issuer.child.exitCode !== null) throw new Error(`issuer exited:\n${issuer.output()}`);
    return (await fetch(`${issuerUrl}/health`)).ok;
  });

  log(`signing in ${SUBJECTS} subjects...`);
  const nonce = await call<{ domain: string; uri: string; chainId: number }>(issuerUrl, "POST", "/v1/auth/nonce", {
    body: { address: privateKeyToAccount(generatePrivateKey()).address },
  });
  const signIn = async (account: LocalAccount) => {
    const issued = await call<{ nonce: string }>(issuerUrl, "POST", "/v1/auth/nonce", {
      body: { address: account.address },
    });
    const message = createSiweMessage({
      address: account.address,
      chainId: nonce.body.chainId,
      domain: nonce.body.domain,
      uri: nonce.body.uri,
      nonce: issued.body.nonce,
      version: "1",
      issuedAt: new Date(),
    });
    const verified = await call<{ token: string }>(issuerUrl, "POST", "/v1/auth/verify", {
      body: { message, signature: await account.signMessage({ message }) },
    });
    if (verified.status !== 200) throw new Error(`sign-in refused: ${JSON.stringify(verified.body)}`);
    return { account, token: verified.body.token };
  };
  const accounts = Array.from({ length: SUBJECTS }, () => privateKeyToAccount(generatePrivateKey()));
  const subjects = await pool(accounts, 16, signIn);
  let used = 0;
  const nextSubject = () => {
    const subject = subjects[used++];
    if (!subject) throw new Error("out of signed-in subjects (raise BENCH_SUBJECTS)");
    return subject;
  };
  const startSession = (token: string) =>
    call<{ id: string; provider: string; launch?: { url: string } }>(issuerUrl, "POST", "/v1/sessions", {
      token,
      body: { project: projectId.toString() },
    });

  // 1. Sessions per second.
  log("warming up...");
  await pool(Array.from({ length: 300 }), CONCURRENCY, () => startSession(nextSubject().token));
  log(`measuring session starts for ${SECONDS} s at ${CONCURRENCY} in flight...`);
  let started = 0;
  let refused = 0;
  const stopAt = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < stopAt) {
        const answer = await startSession(nextSubject().token);
        if (answer.status === 201) started++;
        else refused++;
      }
    }),
  );
  const sessionsPerSecond = started / ((performance.now() - t0) / 1000);
  log(`${started} sessions started (${refused} refused): ${round(sessionsPerSecond)} /s`);

  // Reference: the provider alone, the same two calls per session at the same concurrency.
  const direct = createSandboxProvider(
    "sandbox",
    sandboxSettingsSchema.parse({
      URL: a.url,
      APP_TOKEN: a.appToken,
      SECRET_KEY: a.secretKey,
      WEBHOOK_SECRET: a.webhookSecret,
    }),
  );
  let directCount = 0;
  const directStop = performance.now() + (SECONDS * 1000) / 2;
  const d0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < directStop) {
        const input = {
          sessionId: crypto.randomUUID(),
          subject: accounts[0]?.address ?? "0x0000000000000000000000000000000000000001",
          projectId,
          checks: ["document" as const],
        };
        const { applicantId } = await direct.createApplicant(input, AbortSignal.timeout(5_000));
        await direct.launch(applicantId, input, AbortSignal.timeout(5_000));
        directCount++;
      }
    }),
  );
  log(`reference, the provider alone: ${round(directCount / ((performance.now() - d0) / 1000))} applicants+links /s`);

  // 2. Attestation signing latency.
  log(`preparing ${SIGNS} approved sessions with stored records...`);
  const signer = privateKeyToAccount(generatePrivateKey());
  const ready = await pool(Array.from({ length: SIGNS }), 8, async () => {
    const { token } = nextSubject();
    const session = await startSession(token);
    const url = session.body.launch?.url;
    if (session.status !== 201 || !url) throw new Error(`session refused: ${JSON.stringify(session.body)}`);
    const form = new URLSearchParams({
      firstName: "Bench",
      lastName: "Person",
      dateOfBirth: "1990-01-01",
      country: "DE",
      documentType: "PASSPORT",
      documentNumber: "C01X00T47",
    });
    await fetch(url, { method: "POST", body: form, redirect: "manual" });
    await waitFor("a decision", async () => {
      const s = await call<{ status: string }>(issuerUrl, "GET", `/v1/sessions/${session.body.id}`, { token });
      return s.body.status === "decided" ? true : undefined;
    });
    const pulled = await call(issuerUrl, "POST", `/v1/sessions/${session.body.id}/result`, { token });
    if (pulled.status !== 200) throw new Error(`result refused: ${JSON.stringify(pulled.body)}`);
    const bytes = new TextEncoder().encode(`sealed record of ${session.body.id}`);
    const item = await createDataItem({ data: bytes, tags: [], signer });
    await new BundlerStorage({ url: bundler.url }).upload(item);
    return { id: session.body.id, token, storageId: item.id, ciphertextHash: keccak256(bytes) as Hex };
  });
  log("measuring attestation signing, one at a time...");
  const signMs: number[] = [];
  for (const [index, s] of ready.entries()) {
    const began = performance.now();
    const signed = await call(issuerUrl, "POST", `/v1/sessions/${s.id}/attestation`, {
      token: s.token,
      body: { storageNetwork: 1, storageId: s.storageId, ciphertextHash: s.ciphertextHash },
    });
    const elapsed = performance.now() - began;
    if (signed.status !== 200) throw new Error(`signing refused: ${JSON.stringify(signed.body)}`);
    if (index >= 10) signMs.push(elapsed); // the first few warm the path up
  }
  signMs.sort((x, y) => x - y);
  // Reference: the I/O the signing path cannot avoid, one at a time.
  const floorMs: number[] = [];
  const rpc = createPublicClient({ transport: http(chain.rpcUrl) });
  const kycRegistry = chain.deployment.contracts.KycRegistry?.address as Hex;
  for (const s of ready.slice(10)) {
    const began = performance.now();
    await Promise.all([
      fetch(`${bundler.url}/${Buffer.from(s.storageId.slice(2), "hex").toString("base64url")}`).then((r) =>
        r.arrayBuffer(),
      ),
      rpc.readContract({ address: kycRegistry, abi: kycRegistryAbi, functionName: "nonceOf", args: [signer.address] }),
    ]);
    floorMs.push(performance.now() - began);
  }
  floorMs.sort((x, y) => x - y);
  log(
    `reference, storage read + nonceOf alone: p50 ${round(percentile(floorMs, 50))} ms, p99 ${round(percentile(floorMs, 99))} ms`,
  );
  const signP50 = percentile(signMs, 50);
  const signP99 = percentile(signMs, 99);
  log(`signing p50 ${round(signP50)} ms, p99 ${round(signP99)} ms over ${signMs.length}`);

  // 3. Failover, with sessions flowing.
  async function failover(mode: "down" | "timeout"): Promise<number> {
    await setFault(a, "none");
    await setFault(b, "none");
    await waitFor("the first provider to serve again", async () => {
      const s = await startSession(nextSubject().token);
      return s.body.provider === "sandbox" ? true : undefined;
    });
    let wentDown = 0;
    let servedAt = 0;
    const inFlight: Promise<unknown>[] = [];
    const loadStart = performance.now();
    while (servedAt === 0 && performance.now() - loadStart < 15_000) {
      if (wentDown === 0 && performance.now() - loadStart > 1_000) {
        wentDown = performance.now();
        void setFault(a, mode);
      }
      const sentAt = performance.now();
      const { token } = nextSubject();
      inFlight.push(
        startSession(token).then((s) => {
          if (
            wentDown > 0 &&
            sentAt >= wentDown &&
            s.status === 201 &&
            s.body.provider === "sandbox-b" &&
            servedAt === 0
          ) {
            servedAt = performance.now();
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    await setFault(a, "none"); // release hung requests so they finish
    await Promise.allSettled(inFlight);
    if (servedAt === 0) throw new Error(`no session reached the second provider after "${mode}"`);
    return servedAt - wentDown;
  }
  const refusedMs = await failover("down");
  log(`failover when the provider refuses connections: ${round(refusedMs)} ms`);
  const hangMs = await failover("timeout");
  log(`failover when the provider hangs (timeout ${PROVIDER_TIMEOUT_MS} ms): ${round(hangMs)} ms`);
  const failoverMs = Math.max(refusedMs, hangMs);

  const result = {
    sessions_per_s: round(sessionsPerSecond),
    sign_p50_ms: round(signP50),
    sign_p99_ms: round(signP99),
    failover_ms: round(failoverMs, 0),
  };
  log(
    `targets: sessions_per_s >= 300 ${result.sessions_per_s >= 300 ? "met" : "MISSED"}, sign_p99_ms <= 20 ${
      result.sign_p99_ms <= 20 ? "met" : "MISSED"
    }, failover_ms <= 2000 ${result.failover_ms <= 2000 ? "met" : "MISSED"}`,
  );
  await cleanup();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  console.error(error);
  console.error(`issuer output (tail):\n${issuerOutput().slice(-3000)}`);
  await cleanup();
  process.exit(1);
}
