/**
 * The dApp's Vite build (`npm run dev -w @onekey/web`, `npm run build -w @onekey/web`). Tests use
 * vitest.config.ts. The app reads its network's deployment from the deployment book here, on
 * the Node side, and receives it as `virtual:onekey-deployment`; the book's browser entry
 * (@onekey/deploy's `browser` condition) brings the ABIs, typed data and error messages.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deploymentsDir, isNetworkName, readDeployment } from "@onekey/deploy";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv, type Plugin } from "vite";
import { nodePolyfills } from "vite-plugin-node-polyfills";
import { appConfigFromEnv, ConfigError } from "./src/clients/config.js";

const here = dirname(fileURLToPath(import.meta.url));
/** `.env` lives at the repository root, beside `.env.example` (Vite exposes only VITE_*). */
const envDir = join(here, "..");
const VIRTUAL_ID = "virtual:onekey-deployment";

const bookDir = () => process.env.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir;

/** The network's entry of the deployment book, or why there is none. */
function deploymentSource(network: string) {
  if (!isNetworkName(network)) return { deployment: null, problem: `unknown network "${network}"` };
  try {
    return { deployment: readDeployment(network, bookDir()) };
  } catch (error) {
    return { deployment: null, problem: (error as Error).message };
  }
}

/** The network's entry of the deployment book, as a module; a missing book becomes a clear start-up error. */
function deploymentBook(network: string): Plugin {
  const resolved = `\0${VIRTUAL_ID}`;
  const dir = bookDir();
  const source = () => deploymentSource(network);
  return {
    name: "onekey-deployment-book",
    resolveId: (id) => (id === VIRTUAL_ID ? resolved : undefined),
    load: (id) => (id === resolved ? `export default ${JSON.stringify(source())};` : undefined),
    configureServer(server) {
      // `npm run dev` rewrites the local book on every start: reload the app with the new addresses.
      const file = join(dir, `${network}.json`);
      server.watcher.add(file);
      server.watcher.on("change", (changed) => {
        if (changed !== file) return;
        const module = server.moduleGraph.getModuleById(resolved);
        if (module) server.moduleGraph.invalidateModule(module);
        server.ws.send({ type: "full-reload" });
      });
    },
  };
}

export default defineConfig(({ command, mode }) => {
  const env = loadEnv(mode, envDir, "VITE_");
  const network = env.VITE_ONEKEY_NETWORK || "local";
  if (command === "build") {
    // The check the app runs at start (src/clients/config.ts), run before building: a bad or missing
    // variable stops `npm run build:web` naming it, instead of shipping an app that says so in the browser.
    try {
      appConfigFromEnv({ ...env, PROD: mode === "production" }, deploymentSource(network));
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
      throw new Error(`onekey web build: configuration invalid\n  ${problems.join("\n  ")}`);
    }
  }
  return {
    envDir,
    plugins: [
      react(),
      deploymentBook(network),
      // The browser Irys client needs Node's Buffer, crypto and stream; only a build that stores on
      // Irys carries the shims.
      ...(env.VITE_ONEKEY_STORAGE === "irys" ? [nodePolyfills({ protocolImports: false })] : []),
    ],
    // One React: other workspaces' dependencies keep an older copy at the repository root.
    resolve: { dedupe: ["react", "react-dom", "@tanstack/react-query", "wagmi"] },
    server: { host: "127.0.0.1", port: 5173, strictPort: true },
    preview: { host: "127.0.0.1", port: 4173, strictPort: true },
    build: {
      target: "es2022",
      sourcemap: true,
      rollupOptions: {
        // Privy imports optional Solana peers that this app never installs or calls (Ethereum
        // only): their missing exports become undefined instead of failing the build.
        shimMissingExports: true,
      },
    },
  };
});
