/**
 * Checks the layout the README draws: which part may import which. A part imports only the parts
 * listed for it (through their package names or, inside the repo's tooling, relative paths), so the
 * arrows all point down and no two folders import each other. `npm test` runs it; it prints each
 * import that breaks the picture, with its file, and exits 1.
 *
 *   npx tsx scripts/check-layers.ts
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { repoRoot } from "@onekey/devnet/processes";

/** Each part and the parts it may import: the README's picture, lowest first. */
export const LAYERS: Record<string, readonly string[]> = {
  deploy: [],
  sdk: [],
  "service-kit": [],
  "keyservice-protocol": [],
  devnet: ["deploy"],
  "lit-access": ["deploy"],
  keyservice: ["deploy", "service-kit", "keyservice-protocol", "devnet"],
  ignition: ["deploy", "devnet"],
  indexer: ["deploy", "sdk", "service-kit", "devnet"],
  web: ["deploy", "lit-access", "keyservice-protocol", "keyservice", "devnet", "indexer"],
  issuer: ["deploy", "sdk", "service-kit", "devnet", "keyservice", "indexer", "web"],
  scripts: ["deploy", "sdk", "devnet", "ignition", "indexer", "web"],
  // The top: the repo's own tests may drive any part.
  test: [
    "deploy",
    "sdk",
    "service-kit",
    "devnet",
    "lit-access",
    "keyservice-protocol",
    "keyservice",
    "ignition",
    "indexer",
    "web",
    "issuer",
    "scripts",
  ],
  ".": ["scripts"],
};

const partOf = (path: string) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : ".");

/**
 * What ships (a service's src/, the indexer's webhooks/) imports less than its tests may: never
 * devnet/ (the local world) and never another service.
 */
export const SHIPPED: Record<string, readonly string[]> = {
  sdk: [],
  "lit-access": ["deploy"],
  keyservice: ["deploy", "service-kit", "keyservice-protocol"],
  "service-kit": [],
  indexer: ["deploy", "sdk", "service-kit"],
  // The browser app speaks the key service's protocol; the service itself is a dev stand-in.
  web: ["deploy", "lit-access", "keyservice-protocol"],
  issuer: ["deploy", "sdk", "service-kit"],
};

const isShipped = (path: string) =>
  /^[a-z-]+\/(src|webhooks)\//.test(path) && !/\.test\.tsx?$/.test(path) && partOf(path) in SHIPPED;

const PACKAGES: Record<string, string> = {
  "@onekey/deploy": "deploy",
  "@onekey/devnet": "devnet",
  "@onekey/sdk": "sdk",
  "@onekey/service-kit": "service-kit",
  "@onekey/lit-access": "lit-access",
  "@onekey/keyservice": "keyservice",
  "@onekey/keyservice-protocol": "keyservice-protocol",
  "@onekey/indexer": "indexer",
  "@onekey/web": "web",
  "@onekey/issuer": "issuer",
};

/** A circle in LAYERS (each part leading back to the first), or undefined when there is none. */
export function layerCycle(layers: Record<string, readonly string[]> = LAYERS): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const walk = (part: string, path: string[]): string[] | undefined => {
    if (state.get(part) === "done") return undefined;
    if (state.get(part) === "visiting") return [...path.slice(path.indexOf(part)), part];
    state.set(part, "visiting");
    for (const next of layers[part] ?? []) {
      const cycle = walk(next, [...path, part]);
      if (cycle) return cycle;
    }
    state.set(part, "done");
    return undefined;
  };
  for (const part of Object.keys(layers)) {
    const cycle = walk(part, []);
    if (cycle) return cycle;
  }
  return undefined;
}

export function layerViolations(files: readonly { path: string; source: string }[]): string[] {
  const violations: string[] = [];
  for (const { path, source } of files) {
    const from = partOf(path);
    const allowed = isShipped(path) ? SHIPPED[from] : LAYERS[from];
    if (!allowed) continue; // not a part of the picture (e.g. contracts/ has no TypeScript)
    for (const match of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']/g)) {
      const specifier = match[1] as string;
      let to: string | undefined;
      if (specifier.startsWith(".")) to = partOf(normalize(join(dirname(path), specifier)));
      else to = PACKAGES[specifier.split("/").slice(0, 2).join("/")];
      if (!to || to === from || allowed.includes(to)) continue;
      const what = isShipped(path) ? `${from}/ (shipped code)` : `${from}/`;
      violations.push(`${path}: ${what} imports ${to}/ ("${specifier}"), which the layout does not allow`);
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\n")
    .filter((path) => path && !path.includes("node_modules/"));
  const files = paths.map((path) => ({ path, source: readFileSync(join(repoRoot, path), "utf8") }));
  const cycle = layerCycle();
  if (cycle) {
    console.error(`the layout itself has a circle: ${cycle.join(" -> ")}`);
    process.exit(1);
  }
  const violations = layerViolations(files);
  for (const line of violations) console.error(line);
  console.log(`layers: ${files.length} files, ${violations.length} imports against the layout`);
  process.exit(violations.length === 0 ? 0 : 1);
}
