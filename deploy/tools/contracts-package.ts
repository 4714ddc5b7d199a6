import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { getAddress } from "viem";
import { type Deployment, deploymentsDir, readDeployment } from "../deployment.js";
import { type NetworkName, networks } from "../networks.js";

/**
 * `@onekey/contracts` (contracts-package/) publishes Solidity that lives in contracts/, never a
 * second copy: at pack time these sources, and every source they import by a relative path, are
 * copied into the package under the same relative paths (so their imports keep working), and
 * OneKeyAddresses.sol and deployments/<network>.json are generated from the deployment book.
 */
export const PACKAGE_SOURCES = [
  "interfaces/IKycRegistry.sol",
  "interfaces/IProjectRegistry.sol",
  "interfaces/IOneKeyPaymaster.sol",
  "interfaces/OneKeyErrors.sol",
  "consumer/OneKeyGated.sol",
  "examples/VerifiedVault.sol",
] as const;

/**
 * Imports of other packages the published sources may keep, and how they are spelled for
 * consumers. The repo installs EntryPoint v0.7's contracts under an alias; a consumer installs
 * the real name (an optional peer dependency, needed only for IOneKeyPaymaster).
 */
export const PACKAGE_IMPORTS: Record<string, string> = {
  "@account-abstraction/contracts-v07/": "@account-abstraction/contracts/",
};

/** What prepack writes into the package directory (and postpack removes). */
export const GENERATED = ["interfaces", "consumer", "examples", "deployments", "OneKeyAddresses.sol", "LICENSE"];

const root = join(dirname(new URL(import.meta.url).pathname), "..", "..");
export const contractsDir = join(root, "contracts");
export const packageDir = join(root, "contracts-package");

const IMPORT = /^import\s+(?:\{[^}]*\}\s+from\s+)?"([^"]+)";/gm;

/**
 * The package's Solidity files (path inside the package -> text): PACKAGE_SOURCES and, transitively,
 * what they import by relative path. Fails on an import of another package it cannot map, and on a
 * relative import that leaves contracts/.
 */
export function collectSources(dir = contractsDir): Map<string, string> {
  const files = new Map<string, string>();
  const pending: string[] = [...PACKAGE_SOURCES];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (files.has(path)) continue;
    let text = readFileSync(join(dir, path), "utf8");
    for (const [, target = ""] of text.matchAll(IMPORT)) {
      if (target.startsWith(".")) {
        const resolved = normalize(join(dirname(path), target));
        if (resolved.startsWith("..")) throw new Error(`${path} imports ${target}, outside contracts/`);
        pending.push(resolved);
        continue;
      }
      const prefix = Object.keys(PACKAGE_IMPORTS).find((p) => target.startsWith(p));
      if (prefix === undefined) throw new Error(`${path} imports ${target}: add it to PACKAGE_IMPORTS or drop it`);
    }
    for (const [from, to] of Object.entries(PACKAGE_IMPORTS)) text = text.replaceAll(`"${from}`, `"${to}`);
    files.set(path, text);
  }
  return files;
}

/** The networks the package publishes addresses for: every public network the book has. */
export function publishedDeployments(dir = process.env.ONEKEY_DEPLOY_BOOK_DIR ?? deploymentsDir): Deployment[] {
  const names = (Object.keys(networks) as NetworkName[]).filter((n) => n !== "local");
  return names.filter((n) => existsSync(join(dir, `${n}.json`))).map((n) => readDeployment(n, dir));
}

/** The contracts OneKeyAddresses names, its function for each and the type that function returns. */
const ADDRESS_FUNCTIONS = [
  { contract: "KycRegistry", fn: "kycRegistry", type: "IKycRegistry" },
  { contract: "ProjectRegistry", fn: "projectRegistry", type: "IProjectRegistry" },
  // An address, so that using the library never needs the EntryPoint's interfaces.
  { contract: "OneKeyPaymaster", fn: "oneKeyPaymaster", type: "address" },
] as const;

/** The text of OneKeyAddresses.sol for these deployments. */
export function renderAddresses(deployments: Deployment[], version: string): string {
  const lines = [
    "// SPDX-License-Identifier: MIT",
    "pragma solidity ^0.8.28;",
    "",
    `// Generated when @onekey/contracts ${version} was packed, from OneKey's deployment book. Do not edit.`,
    "",
    'import {IKycRegistry} from "./interfaces/IKycRegistry.sol";',
    'import {IProjectRegistry} from "./interfaces/IProjectRegistry.sol";',
    "",
    "/// @title OneKeyAddresses",
    "/// @notice Where OneKey is deployed, by chain id" +
      (deployments.length === 0
        ? ". This version was packed before any public deployment: every function reverts."
        : `: ${deployments.map((d) => `${d.network} (${d.chainId})`).join(", ")}.`),
    "/// Pass `block.chainid` to use the chain the contract runs on.",
    "library OneKeyAddresses {",
    "    /// @notice OneKey is not deployed on `chainId` (as far as this version of the package knows).",
    "    error OneKeyNotDeployed(uint256 chainId);",
    "",
    "    /// @notice Whether this version of the package knows OneKey's addresses on `chainId`.",
    ...(deployments.length === 0
      ? ["    function isDeployed(uint256 /* chainId */) internal pure returns (bool) {", "        return false;"]
      : [
          "    function isDeployed(uint256 chainId) internal pure returns (bool) {",
          `        return ${deployments.map((d) => `chainId == ${d.chainId}`).join(" || ")};`,
        ]),
    "    }",
  ];
  for (const { contract, fn, type } of ADDRESS_FUNCTIONS) {
    lines.push("", `    /// @notice The ${contract} on \`chainId\`; reverts with \`OneKeyNotDeployed\` elsewhere.`);
    lines.push(`    function ${fn}(uint256 chainId) internal pure returns (${type}) {`);
    for (const d of deployments) {
      const entry = d.contracts[contract];
      if (!entry) throw new Error(`${contract} is missing from the ${d.network} deployment`);
      const address = getAddress(entry.address);
      lines.push(
        `        if (chainId == ${d.chainId}) return ${type === "address" ? address : `${type}(${address})`};`,
      );
    }
    lines.push("        revert OneKeyNotDeployed(chainId);", "    }");
  }
  lines.push("}", "");
  return lines.join("\n");
}

/** Writes everything the package publishes besides its README and package.json into `dir`. */
export function preparePackage(dir = packageDir): string[] {
  clearPackage(dir);
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  const written: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    written.push(path);
  };
  for (const [path, text] of collectSources()) write(path, text);
  const deployments = publishedDeployments();
  for (const d of deployments) write(`deployments/${d.network}.json`, `${JSON.stringify(d, null, 2)}\n`);
  write("OneKeyAddresses.sol", renderAddresses(deployments, version));
  copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  written.push("LICENSE");
  return written.map((p) => relative(dir, join(dir, p))).sort();
}

/** Removes what `preparePackage` wrote, leaving the checked-in package.json and README. */
export function clearPackage(dir = packageDir): void {
  for (const path of GENERATED) rmSync(join(dir, path), { recursive: true, force: true });
}
