/**
 * How tests and benchmarks launch Chromium here: Debian's build (no browser download) with
 * network isolation. Every non-loopback request goes to a dead proxy on 127.0.0.1:9; Chromium
 * bypasses proxies for loopback itself, so only local servers are reachable.
 */
import { existsSync } from "node:fs";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--proxy-server=http://127.0.0.1:9",
];

export function assertChromiumInstalled(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: the browser tests need Debian's build ` +
        "(apt-get install -y chromium), or set CHROMIUM_PATH to another Chromium binary.",
    );
  }
}

/** True for URLs a browser test may reach: loopback only. */
export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:") return true;
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}
