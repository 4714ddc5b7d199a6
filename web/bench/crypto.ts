/**
 * `npm run bench:crypto`: client-side crypto and storage figures, measured in headless Chromium
 * on this machine, beside the machine's raw AES-256-GCM speed from openssl.
 *
 *   - encrypt / decrypt throughput for 1 MiB and 50 MiB records (streamed in the default 256 KiB
 *     chunks; the envelope read and dropped as an upload would consume it), and, for comparison,
 *     encryption into a Blob (what Blob assembly costs on top);
 *   - peak JS heap (V8 heap + ArrayBuffer backing stores, sampled over CDP) while encrypting 50 MiB
 *     into a Blob;
 *   - 10 MiB end to end: encrypt, keccak256, sign as ANS-104, upload to the local ANS-104 bundler
 *     node (binary POST /tx, signature verified with arbundles, persisted) until it reports it stored;
 *   - `openssl speed -evp aes-256-gcm` (16 KiB blocks).
 *
 * MB/s are decimal (10^6 bytes per second). Ends with one JSON line.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalBundler } from "@onekey/devnet/local-bundler";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { assertChromiumInstalled, chromiumArgs, chromiumPath, isLoopbackUrl } from "../test/support/chromium.js";

const MiB = 2 ** 20;
const here = dirname(fileURLToPath(import.meta.url));
// Hardhat's public test key #1: signs bench uploads to the local bundler, never anything real.
const BENCH_SIGNER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

type Bench = {
  rawWebCrypto(size: number, calls: number): Promise<number>;
  encrypt(size: number, sink: "drain" | "blob" | "memory"): Promise<number>;
  decrypt(): Promise<number>;
  release(): void;
  endToEnd(params: {
    size: number;
    bundlerUrl: string;
    signerKey: string;
  }): Promise<{ ms: number; phases: Record<string, number> }>;
};

const mbps = (bytes: number, ms: number) => Math.round(bytes / 1e6 / (ms / 1000));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function opensslMbps(): number {
  const output = execFileSync("openssl", ["speed", "-evp", "aes-256-gcm", "-seconds", "2"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const row = output.split("\n").find((line) => /^AES-256-GCM\s/i.test(line));
  const last = row?.trim().split(/\s+/).at(-1);
  if (!last?.endsWith("k")) throw new Error(`cannot read openssl speed output:\n${output}`);
  return Math.round(Number.parseFloat(last) / 1000); // 1000s of bytes/s -> MB/s
}

async function main() {
  assertChromiumInstalled();
  console.log(
    `load average (1 min) at the start: ${loadavg()[0]?.toFixed(2)} on ${navigator.hardwareConcurrency} cores`,
  );
  const bundle = await build({
    entryPoints: [join(here, "page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const site = createServer((request, response) => {
    if (request.url === "/bench.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" });
      response.end('<!doctype html><script type="module" src="/bench.js"></script>');
    }
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;

  const bundlerDir = mkdtempSync(join(tmpdir(), "onekey-bench-bundler-"));
  const bundler = await startLocalBundler({ dataDir: bundlerDir });

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    const page = await browser.newPage();
    await page.route("**/*", (route) => (isLoopbackUrl(route.request().url()) ? route.continue() : route.abort()));
    await page.goto(siteUrl);
    await page.waitForFunction(() => "onekeyBench" in window);
    const run = <T>(fn: (bench: Bench, arg: never) => Promise<T>, arg?: unknown) =>
      page.evaluate(
        ([source, value]) =>
          new Function("bench", "arg", `return (${source})(bench, arg)`)(
            (window as never as { onekeyBench: Bench }).onekeyBench,
            value,
          ),
        [fn.toString(), arg] as const,
      ) as Promise<T>;

    const figures: Record<string, number> = {};
    // The same 10 MiB as one call and as forty 256 KiB calls: the chunk size is chosen by this.
    for (const [size, calls] of [
      [10 * MiB, 1],
      [256 * 1024, 40],
    ] as const) {
      const raw: number[] = [];
      for (let i = 0; i < 5; i++) {
        raw.push(await run((bench, a: [number, number]) => bench.rawWebCrypto(a[0], a[1]), [size, calls]));
      }
      console.log(
        `reference: raw WebCrypto AES-256-GCM, ${calls} call(s) of ${size / 1024} KiB: ${mbps(size * calls, median(raw))} MB/s (median of 5)`,
      );
    }
    for (const size of [1 * MiB, 50 * MiB]) {
      const label = `${size / MiB}mb`;
      const encMs: number[] = [];
      const decMs: number[] = [];
      const blobMs: number[] = [];
      const rounds = size === MiB ? 9 : 3;
      await run((bench, s: number) => bench.encrypt(s, "drain"), size); // warm-up
      for (let i = 0; i < rounds; i++) {
        encMs.push(await run((bench, s: number) => bench.encrypt(s, "drain"), size));
        blobMs.push(await run((bench, s: number) => bench.encrypt(s, "blob"), size));
        await run((bench, s: number) => bench.encrypt(s, "memory"), size);
        decMs.push(await run((bench) => bench.decrypt()));
      }
      figures[`enc_${label}`] = mbps(size, median(encMs));
      figures[`dec_${label}`] = mbps(size, median(decMs));
      console.log(
        `encrypt ${label}: ${figures[`enc_${label}`]} MB/s   decrypt ${label}: ${figures[`dec_${label}`]} MB/s   ` +
          `encrypt into a Blob: ${mbps(size, median(blobMs))} MB/s   (median of ${rounds})`,
      );
    }

    await run(async (bench) => bench.release());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    const sample = async () => {
      const usage = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
      return usage.usedSize + (usage.backingStorageSize ?? 0);
    };
    const baseline = await sample();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await sample());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await run((bench, s: number) => bench.encrypt(s, "blob"), 50 * MiB);
    sampling = false;
    await sampler;
    const heapMb = Math.round((peak / MiB) * 10) / 10;
    console.log(
      `peak JS heap while encrypting 50 MiB into a Blob: ${heapMb} MiB (baseline ${(baseline / MiB).toFixed(1)} MiB)`,
    );

    const e2e: { ms: number; phases: Record<string, number> }[] = [];
    for (let i = 0; i < 3; i++) {
      e2e.push(
        await run((bench, params: never) => bench.endToEnd(params), {
          size: 10 * MiB,
          bundlerUrl: bundler.url,
          signerKey: BENCH_SIGNER_KEY,
        }),
      );
    }
    const e2eMedian = [...e2e].sort((a, b) => a.ms - b.ms)[1] as (typeof e2e)[number];
    const e2eMs = Math.round(e2eMedian.ms);
    const phases = Object.entries(e2eMedian.phases).map(([phase, ms]) => `${phase} ${Math.round(ms)}`);
    console.log(
      `10 MiB end to end (encrypt + keccak + ANS-104 sign + upload to the local bundler): ${e2eMs} ms, median of 3 (${phases.join(", ")} ms)`,
    );

    const openssl = opensslMbps();
    console.log(`openssl speed -evp aes-256-gcm (16 KiB blocks): ${openssl} MB/s`);
    console.log(
      `load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${navigator.hardwareConcurrency} cores`,
    );
    console.log(
      `browser encryption is ${Math.round((100 * (figures.enc_50mb ?? 0)) / openssl)}% of openssl (target >= 20%); ` +
        `heap ${heapMb} MiB (target <= 64); end to end ${e2eMs} ms (target <= 3000)`,
    );
    console.log(
      JSON.stringify({
        enc_mbps: figures.enc_50mb,
        dec_mbps: figures.dec_50mb,
        openssl_mbps: openssl,
        heap_50mb_mb: heapMb,
        e2e_10mb_ms: e2eMs,
      }),
    );
  } finally {
    await browser.close();
    await bundler.stop();
    rmSync(bundlerDir, { recursive: true, force: true });
    site.close();
  }
}

await main();
process.exit(0);
