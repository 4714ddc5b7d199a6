import { defineConfig } from "vitest/config";

// The dApp end to end, as people use it: Playwright (playwright-core + Debian's Chromium) against
// the stack `npm run dev` starts (e2e/support/stack.ts, once for every file). Files run one after
// another: they share the stack, and the machine has two cores.
export default defineConfig({
  test: {
    name: "e2e",
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    globalSetup: ["e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 480_000,
  },
});
