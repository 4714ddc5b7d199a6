/**
 * Runs the upload queue in a separate process that kills itself (SIGKILL: no cleanup, no
 * flush) right after the queue saved a resume point at chunk KILL_AT_CHUNK. The parent test
 * then resumes from what this process left on disk.
 */
import { readFileSync } from "node:fs";
import { ArlocalStorage } from "../../../src/privacy/storage/arlocal-storage.js";
import { UploadQueue } from "../../../src/privacy/storage/upload-queue.js";
import type { UploadJob } from "../../../src/privacy/storage/upload-state.js";
import { FileUploadStateStore } from "../../support/file-upload-state.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
const [ARLOCAL_URL, STATE_DIR, JWK_FILE, KILL_AT_CHUNK] = ["ARLOCAL_URL", "STATE_DIR", "JWK_FILE", "KILL_AT_CHUNK"].map(
  env,
) as [string, string, string, string];
const killAt = Number(KILL_AT_CHUNK);

class DyingStateStore extends FileUploadStateStore {
  override async update(job: UploadJob) {
    await super.update(job);
    const nextChunk = (job.resumeState as { nextChunk?: number } | undefined)?.nextChunk ?? 0;
    if (nextChunk >= killAt) process.kill(process.pid, "SIGKILL");
  }
}

const storage = new ArlocalStorage({
  url: ARLOCAL_URL,
  jwk: JSON.parse(readFileSync(JWK_FILE, "utf8")),
  inlineMaxBytes: 0,
});
await new UploadQueue({ storage, state: new DyingStateStore(STATE_DIR) }).resumeAll();
console.log("the upload finished before the planned kill");
