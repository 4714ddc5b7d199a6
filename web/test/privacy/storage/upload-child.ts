/**
 * Runs the upload queue in a separate process that kills itself (SIGKILL: no cleanup, no
 * flush) right after the queue saved a resume point at or past KILL_AT: chunk number KILL_AT
 * for arlocal (STORAGE=arlocal, ARLOCAL_URL, JWK_FILE), bytes confirmed for the bundler node
 * (STORAGE=bundler, BUNDLER_URL). The parent test then resumes from what this process left on disk.
 */
import { readFileSync } from "node:fs";
import { ArlocalStorage } from "../../../src/privacy/storage/arlocal-storage.js";
import { BundlerStorage } from "../../../src/privacy/storage/bundler-storage.js";
import type { StorageAdapter } from "../../../src/privacy/storage/storage.js";
import { UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import type { UploadJob } from "../../../src/privacy/storage/upload-state.js";
import { FileUploadStateStore } from "../../support/file-upload-state.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
const kind = env("STORAGE");
const killAt = Number(env("KILL_AT"));

class DyingStateStore extends FileUploadStateStore {
  override async update(job: UploadJob) {
    await super.update(job);
    const resume = job.resumeState as { nextChunk?: number; sent?: number } | undefined;
    const reached = kind === "arlocal" ? resume?.nextChunk : resume?.sent;
    if ((reached ?? 0) >= killAt) process.kill(process.pid, "SIGKILL");
  }
}

const storage: StorageAdapter =
  kind === "arlocal"
    ? new ArlocalStorage({
        url: env("ARLOCAL_URL"),
        jwk: JSON.parse(readFileSync(env("JWK_FILE"), "utf8")),
        inlineMaxBytes: 0,
      })
    : new BundlerStorage({ url: env("BUNDLER_URL") });
await new UploadQueue({ storage, state: new DyingStateStore(env("STATE_DIR")) }).resumeAll();
console.log("the upload finished before the planned kill");
