/**
 * Runs web/test/privacy/storage/upload-child.ts (the upload queue in its own process, which
 * SIGKILLs itself at a planned resume point) and resolves once it died as planned.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export async function runUploadUntilKilled(env: Record<string, string>): Promise<void> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild process.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const script = join(import.meta.dirname, "..", "privacy", "storage", "upload-child.ts");
  const child = spawn(process.execPath, ["--import", tsx, script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
  if (signal !== "SIGKILL") throw new Error(`the upload process was not killed as planned:\n${output}`);
}
