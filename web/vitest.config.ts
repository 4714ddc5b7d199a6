import react from "@vitejs/plugin-react";
import { playwright } from "@vitest/browser-playwright";
import { nodePolyfills } from "vite-plugin-node-polyfills";
import { defineConfig } from "vitest/config";
import { assertChromiumInstalled, chromiumArgs, chromiumPath } from "./test/support/chromium.js";

// One run covers the client-side privacy code of three workspaces, so CI reads one summary:
// - web `*.node.test.ts`: Node only (servers, node:crypto, child processes);
// - web `*.browser.test.ts`: Chromium only (IndexedDB; arlocal started on the Node side);
// - web `*.polyfilled.browser.test.ts`: Chromium with Node polyfills (the browser Irys SDK);
// - web `*.test.ts`: in Node and again, unchanged, in headless Chromium;
// - the app (`src/**/*.test.ts`): Node; its components (`src/**/*.browser.test.tsx`): Chromium;
// - lit-access and keyservice: Node (the key service tests start a hardhat node).
const wantsBrowser = !process.argv.includes("--project") || process.argv.some((arg) => arg.startsWith("chromium"));
if (wantsBrowser) assertChromiumInstalled();

// A fresh object per project: Vitest names each project's browser instances in place.
const browserTest = () => ({
  testTimeout: 120_000,
  browser: {
    enabled: true,
    headless: true,
    provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
    instances: [{ browser: "chromium" as const }],
  },
});

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
          exclude: ["test/**/*.node.test.ts", "test/**/*.polyfilled.browser.test.ts"],
          globalSetup: ["test/support/browser-global-setup.ts"],
          ...browserTest(),
        },
      },
      {
        // The browser Irys client (@irys/web-upload) uses Node's Buffer, crypto and stream, as bare
        // imports and globals; a Vite app that loads it polyfills them the same way. Only its tests
        // run with the polyfills, so the chromium project still proves our own code needs none.
        // `protocolImports: false`: the aliases also reach the Node-side global setup, whose
        // `node:` imports (all ours) must stay Node's.
        plugins: [nodePolyfills({ protocolImports: false })],
        optimizeDeps: {
          include: [
            "viem",
            "viem/accounts",
            "@irys/web-upload",
            "@irys/web-upload-ethereum",
            "@irys/web-upload-ethereum-viem-v2",
            // What the polyfill plugin injects into modules that name Buffer, process or global.
            "vite-plugin-node-polyfills/shims/buffer",
            "vite-plugin-node-polyfills/shims/global",
            "vite-plugin-node-polyfills/shims/process",
          ],
        },
        test: {
          name: "chromium-polyfilled",
          include: ["test/**/*.polyfilled.browser.test.ts"],
          globalSetup: ["test/support/fake-http-global-setup.ts"],
          ...browserTest(),
        },
      },
      {
        // The app's own logic (state machine, error table, clients) beside the code it tests.
        test: {
          name: "app",
          include: ["src/**/*.test.ts"],
          exclude: ["src/**/*.browser.test.ts", "src/**/*.browser.test.tsx"],
          environment: "node",
        },
      },
      {
        // The app's components, rendered in headless Chromium.
        plugins: [react()],
        resolve: { dedupe: ["react", "react-dom"] },
        optimizeDeps: { include: ["react", "react-dom/client", "react/jsx-dev-runtime", "viem", "zod"] },
        test: {
          name: "app-browser",
          include: ["src/**/*.browser.test.ts", "src/**/*.browser.test.tsx"],
          ...browserTest(),
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
