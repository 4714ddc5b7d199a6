/**
 * The layout check behind the README's picture (scripts/check-layers.ts): the picture itself has
 * no circle, an import the picture does not allow is reported with its file, and the repo as it
 * stands has none.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { repoRoot } from "@onekey/devnet/processes";
import { LAYERS, layerCycle, layerViolations } from "../../scripts/check-layers.js";

describe("layout check", () => {
  it("the allowed imports form no circle", () => {
    assert.equal(layerCycle(), undefined);
    assert.deepEqual(layerCycle({ a: ["b"], b: ["c"], c: ["a"] }), ["a", "b", "c", "a"]);
  });

  it("reports an import from a lower part into a higher one, by relative path or package name", () => {
    // Built at run time, so this file's own source holds no such import for the real check to see.
    const importOf = (specifier: string) => `import { x } from "${specifier}";`;
    const violations = layerViolations([
      { path: "devnet/src/x.ts", source: importOf("../../web/src/privacy/record.js") },
      { path: "indexer/src/z.ts", source: importOf("@onekey/issuer") },
      { path: "web/src/ok.ts", source: `${importOf("@onekey/deploy")}\n${importOf("./local.js")}` },
      { path: "web/test/ok.ts", source: importOf("@onekey/devnet/local-chain") },
      { path: "issuer/src/shipped.ts", source: importOf("@onekey/devnet/local-chain") },
    ]);
    assert.equal(violations.length, 3);
    assert.match(violations[0] ?? "", /devnet\/src\/x\.ts: devnet\/ imports web\//);
    assert.match(violations[1] ?? "", /indexer\/src\/z\.ts: indexer\/ \(shipped code\) imports issuer\//);
    // Tests may use the local world; what ships may not.
    assert.match(violations[2] ?? "", /issuer\/src\/shipped\.ts: issuer\/ \(shipped code\) imports devnet\//);
  });

  it("every part with TypeScript is in the picture, and the repo keeps to it", () => {
    const tops = new Set(
      execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { cwd: repoRoot, encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map((path) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : ".")),
    );
    for (const top of tops) assert.ok(top in LAYERS, `${top}/ has TypeScript but no place in LAYERS`);
    const output = execFileSync("npx", ["tsx", "scripts/check-layers.ts"], { cwd: repoRoot, encoding: "utf8" });
    assert.match(output, /0 imports against the layout/);
  });
});
