import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { assertChromiumInstalled, chromiumArgs, chromiumPath } from "./test/support/chromium.js";

// One run covers the client-side privacy code of three workspaces, so CI reads one summary:
// - web `*.node.test.ts`: Node only (servers, node:crypto, child processes);
// - web `*.browser.test.ts`: Chromium only (IndexedDB; arlocal started on the Node side);
// - web `*.test.ts`: in Node and again, unchanged, in headless Chromium;
// - lit-access and keyservice: Node (the key service tests start a hardhat node).
const wantsBrowser = !process.argv.includes("--project") || process.argv.includes("chromium");
if (wantsBrowser) assertChromiumInstalled();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.browser.test.ts"],
          environment: "node",
          // arlocal uploads of 10+ MB take tens of seconds on a loaded 2-core machine.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        // Pre-bundled up front: a dependency Vite discovers mid-run makes it reload the page and
        // kill the test iframes that are running.
        optimizeDeps: { include: ["arweave", "fast-check", "hash-wasm", "viem", "viem/accounts", "viem/siwe"] },
        test: {
          name: "chromium",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.node.test.ts"],
          globalSetup: ["test/support/browser-global-setup.ts"],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
      { test: { name: "lit-access", root: "../lit-access", include: ["test/**/*.test.ts"], environment: "node" } },
      {
        test: {
          name: "keyservice",
          root: "../keyservice",
          include: ["test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
