/**
 * `npm test`: every check and test suite of the repository, in order, then one closing line
 * `N passed, N failed` (what CI reads). A suite counts its own tests; a check (lint, types,
 * deployment book, gas snapshots, coverage gate) counts as one.
 *
 *   npm test                 # everything
 *   npm test -- lint sol     # only the steps whose names start with these words
 */
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { repoRoot } from "@onekey/devnet/processes";

interface Step {
  name: string;
  command: string;
  /** Reads passed/failed counts from the step's output; a check without one counts as 1. */
  counts?: (output: string) => { passed: number; failed: number } | undefined;
}

/** Hardhat's test runners close with `N passing` and, when any failed, `N failing`. */
const hardhatCounts = (output: string) => {
  const passing = [...output.matchAll(/(\d+) passing/g)].at(-1);
  if (!passing) return undefined;
  const failing = [...output.matchAll(/(\d+) failing/g)].at(-1);
  return { passed: Number(passing[1]), failed: Number(failing?.[1] ?? 0) };
};

/** Vitest closes with `Tests  N passed | M failed (T)`. */
const vitestCounts = (output: string) => {
  const clean = stripVTControlCharacters(output)
    .split("\n")
    .findLast((l) => /^\s*Tests\s+\d/.test(l));
  if (!clean) return undefined;
  return {
    passed: Number(/(\d+) passed/.exec(clean)?.[1] ?? 0),
    failed: Number(/(\d+) failed/.exec(clean)?.[1] ?? 0),
  };
};

const steps: Step[] = [
  { name: "lint:ts", command: "biome check ." },
  { name: "lint:sol", command: "solhint --max-warnings 0 'contracts/**/*.sol'" },
  { name: "compile", command: "hardhat compile --quiet" },
  {
    name: "types",
    command:
      "tsc -p . && tsc -p devnet && tsc -p service-kit && tsc -p keyservice-protocol && tsc -p keyservice && tsc -p lit-access && tsc -p issuer && tsc -p indexer && tsc -p sdk && npm run -s typecheck:web",
  },
  { name: "deploy-book", command: "tsx scripts/deploy-book.ts --check" },
  { name: "sdk-types", command: "tsx scripts/sdk-types.ts --check" },
  { name: "layers", command: "tsx scripts/check-layers.ts" },
  { name: "sol", command: "hardhat test solidity --no-compile --snapshot-check", counts: hardhatCounts },
  { name: "integration", command: "hardhat test nodejs --no-compile", counts: hardhatCounts },
  { name: "issuer", command: "npm run -s test:issuer", counts: vitestCounts },
  { name: "web", command: "npm run -s test:web", counts: vitestCounts },
  // The dApp end to end in Chromium against the stack `npm run dev` starts (about 5 minutes).
  { name: "web-e2e", command: "npm run -s test:web-e2e", counts: vitestCounts },
  { name: "indexer", command: "npm run -s test:indexer", counts: vitestCounts },
  { name: "sdk", command: "npm run -s test -w @onekey/sdk", counts: vitestCounts },
  { name: "coverage", command: "npm run -s coverage" },
];

function run(step: Step): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(step.command, { cwd: repoRoot, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const tee = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on("data", tee(process.stdout));
    child.stderr.on("data", tee(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const only = process.argv.slice(2);
const selected = only.length ? steps.filter((s) => only.some((o) => s.name.startsWith(o))) : steps;
const results: { name: string; passed: number; failed: number; seconds: number }[] = [];

for (const step of selected) {
  console.log(`\n=== ${step.name}: ${step.command}`);
  const started = Date.now();
  const { code, output } = await run(step);
  let counts = step.counts?.(output) ?? (code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  // A runner that failed without reporting a failing test still fails the step.
  if (code !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 };
  results.push({ name: step.name, ...counts, seconds: Math.round((Date.now() - started) / 1000) });
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log("\nstep            passed  failed  seconds");
for (const r of results) {
  console.log(
    `${r.name.padEnd(16)}${String(r.passed).padStart(6)}${String(r.failed).padStart(8)}${String(r.seconds).padStart(9)}`,
  );
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
