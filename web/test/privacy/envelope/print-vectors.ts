// Prints the known-answer vector file from the node:crypto reference. Regenerate only when the
// format version changes: `npx tsx test/privacy/envelope/print-vectors.ts > src/privacy/envelope/test-vectors.json`
import { keccak256 } from "viem";
import { buildVectorFile } from "./reference-node.js";

console.log(JSON.stringify(await buildVectorFile(keccak256), null, 2));
