/**
 * docs/errors.md is where every problem's `type` points: each error code the services' sources
 * throw has its entry (an anchor named by the code), so no client follows a `type` to nothing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "@onekey/devnet/processes";

/** `new ApiError(409, "code", …)` and the shorthands that take the code first. */
const THROWN = /(?:ApiError\(\s*\d+(?:\s+as\s+\d+)?,|unauthorized\(|forbidden\(|conflict\()\s*"([a-z_]+)"/g;

function thrownCodes(): Set<string> {
  const files = execFileSync("git", ["ls-files", "indexer/src", "issuer/src"], { cwd: repoRoot, encoding: "utf8" })
    .split("\n")
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  const codes = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(repoRoot, file), "utf8").matchAll(THROWN)) codes.add(match[1] as string);
  }
  return codes;
}

/** The string members of `export type <name> = | "a" | "b" ...;` in a source file. */
function unionMembers(file: string, name: string): string[] {
  const source = readFileSync(join(repoRoot, file), "utf8");
  const block = new RegExp(`export type ${name} =([^;]*);`).exec(source)?.[1];
  assert.ok(block, `${file} no longer declares ${name}`);
  return [...block.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] as string);
}

/** The keys of `export const <name> ... = { key: ..., ... }` in a source file. */
function objectKeys(file: string, name: string): string[] {
  const source = readFileSync(join(repoRoot, file), "utf8");
  const block = new RegExp(`export const ${name}[^=]*= \\{([^}]*)\\}`).exec(source)?.[1];
  assert.ok(block, `${file} no longer declares ${name}`);
  return [...block.matchAll(/^\s*([A-Za-z_]+):/gm)].map((m) => m[1] as string);
}

describe("the error catalogue", () => {
  it("has an entry for every code built from a rejection: sign-in, API key, key service", () => {
    const catalogue = readFileSync(join(repoRoot, "docs", "errors.md"), "utf8");
    const codes = [
      ...unionMembers("indexer/src/api/auth/siwe.ts", "LoginRejection").map((r) => `siwe_${r}`),
      ...objectKeys("issuer/src/auth/subject-auth.ts", "SIGN_IN_REJECTIONS").map((r) => `siwe_${r}`),
      ...unionMembers("indexer/src/api/auth/apiKeys.ts", "KeyRejection").map((r) => `api_key_${r}`),
      ...objectKeys("keyservice-protocol/src/protocol.ts", "KEY_SERVICE_ERRORS"),
    ];
    assert.ok(codes.length > 25, `found only ${codes.length} codes: the patterns no longer match the sources`);
    const missing = [...new Set(codes)].filter((code) => !catalogue.includes(`id="${code}"`));
    assert.deepEqual(missing, [], `docs/errors.md lacks ${missing.join(", ")}`);
  });

  it("has an entry for every code the tenant API and the issuer throw", () => {
    const catalogue = readFileSync(join(repoRoot, "docs", "errors.md"), "utf8");
    const codes = thrownCodes();
    assert.ok(codes.size > 20, `found only ${codes.size} codes: the pattern no longer matches the sources`);
    const missing = [...codes].filter((code) => !catalogue.includes(`id="${code}"`));
    assert.deepEqual(missing, [], `docs/errors.md lacks ${missing.join(", ")}`);
  });
});
