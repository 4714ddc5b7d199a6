import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages load from source: "@onekey/source" is the export condition that points at a
  // workspace's TypeScript (@onekey/sdk's exports map; dist/ only exists once built for npm).
  // Vitest also hands these conditions to its workers (`--conditions`).
  ssr: { resolve: { conditions: ["@onekey/source", ...defaultServerConditions.filter((c) => c !== "module")] } },
  test: {
    include: ["test/**/*.test.ts"],
    // The suites start chains, Ponder and databases: one file at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    globalSetup: ["test/global-setup.ts"],
  },
});
