/**
 * The emitted JavaScript works in plain Node, outside vitest's transform: ESM output, the named
 * import from the CommonJS `standardwebhooks`, and a real verification.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { envelope, SAMPLE_DATA } from "./support/fixtures.js";
import { newSecret, signedHeaders } from "./support/sign.js";

const run = promisify(execFile);
const sdkDir = join(dirname(fileURLToPath(import.meta.url)), "..");
let outDir: string | undefined;

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

it("builds with tsconfig.build.json into ESM that plain Node runs", async () => {
  // Inside sdk/ so that the output resolves standardwebhooks from node_modules.
  outDir = await mkdtemp(join(sdkDir, ".build-test-"));
  const tsc = join(sdkDir, "..", "node_modules", "typescript", "bin", "tsc");
  await run(process.execPath, [tsc, "-p", join(sdkDir, "tsconfig.build.json"), "--outDir", outDir]);

  const secret = newSecret();
  const id = "evt_00112233445566778899aabbccddeeff";
  const body = JSON.stringify(envelope("webhook.test", SAMPLE_DATA["webhook.test"], id));
  const timestamp = Math.floor(Date.now() / 1000);
  const script = join(outDir, "smoke.mjs");
  await writeFile(
    script,
    `import { verifyWebhook, WebhookVerificationError } from "./index.js";
const [body, headers, secret] = JSON.parse(process.argv[2]);
const event = verifyWebhook(body, new Headers(headers), secret);
let reason;
try { verifyWebhook(body + " ", headers, secret); } catch (e) { reason = e instanceof WebhookVerificationError && e.reason; }
console.log(JSON.stringify({ type: event.type, message: event.data.message, reason }));
`,
  );
  const args = JSON.stringify([body, signedHeaders([secret], id, timestamp, body), secret]);
  const { stdout } = await run(process.execPath, [script, args]);
  expect(JSON.parse(stdout)).toEqual({ type: "webhook.test", message: "Hello from OneKey", reason: "bad_signature" });
});
