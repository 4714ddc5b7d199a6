import { defineConfig } from "vitest/config";

const timeouts = { testTimeout: 120_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    // The chain files share one chain and bundler, and this machine has two cores: one file at a time.
    fileParallelism: false,
    projects: [
      { test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.chain.test.ts"], ...timeouts } },
      {
        test: {
          name: "chain",
          include: ["test/**/*.chain.test.ts"],
          // One local chain and Alto for every chain file (test/global-setup.ts).
          globalSetup: ["test/global-setup.ts"],
          ...timeouts,
        },
      },
    ],
  },
});
