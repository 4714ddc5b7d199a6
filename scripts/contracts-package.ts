/**
 * Fills contracts-package/ (`@onekey/contracts`) before `npm pack` or `npm publish` (its prepack):
 * the interfaces, OneKeyGated and VerifiedVault copied from contracts/, and OneKeyAddresses.sol
 * with deployments/<network>.json from the deployment book (public networks only).
 * `--clean` (its postpack) removes them again, so contracts/ stays the one copy in the tree.
 *
 *   npx tsx scripts/contracts-package.ts           # prepare
 *   npx tsx scripts/contracts-package.ts --clean   # remove what it wrote
 *   cd contracts-package && npm pack               # both, around the tarball
 */
import { clearPackage, preparePackage } from "@onekey/deploy/tools/contracts-package";

if (process.argv.includes("--clean")) {
  clearPackage();
} else {
  const written = preparePackage();
  console.log(`@onekey/contracts: ${written.length} files from contracts/ and the deployment book`);
  for (const path of written) console.log(`  ${path}`);
}
