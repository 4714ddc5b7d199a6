/**
 * The upload queue's state in files (Node): what a browser keeps in IndexedDB. Writes go to a
 * temporary file and are renamed into place, so a process killed mid-write leaves the last
 * complete state behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import type { UploadJob, UploadStateStore } from "../../src/privacy/storage/upload-state.js";

export class FileUploadStateStore implements UploadStateStore {
  constructor(private readonly dir: string) {
    mkdirSync(join(dir, "jobs"), { recursive: true });
    mkdirSync(join(dir, "items"), { recursive: true });
  }
  private write(path: string, data: string | Uint8Array) {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  }
  async create(job: UploadJob, item: Uint8Array) {
    this.write(join(this.dir, "items", `${job.id}.bin`), item);
    this.write(join(this.dir, "jobs", `${job.id}.json`), JSON.stringify(job));
  }
  async update(job: UploadJob) {
    this.write(join(this.dir, "jobs", `${job.id}.json`), JSON.stringify(job));
  }
  async get(id: Hex) {
    const path = join(this.dir, "jobs", `${id}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as UploadJob) : undefined;
  }
  async item(id: Hex) {
    const path = join(this.dir, "items", `${id}.bin`);
    return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
  }
  async list() {
    return readdirSync(join(this.dir, "jobs"))
      .filter((name) => name.endsWith(".json"))
      .map((name) => JSON.parse(readFileSync(join(this.dir, "jobs", name), "utf8")) as UploadJob);
  }
  async forgetItem(id: Hex) {
    rmSync(join(this.dir, "items", `${id}.bin`), { force: true });
  }
}
