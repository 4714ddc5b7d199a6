/**
 * Where protected keys live: each data key wrapped (AES-256-GCM) under the service's master key,
 * with its key id and condition as AAD, so a stored record cannot be re-pointed at another
 * condition. One key per condition (chain, registry, uid): a second one is refused, never
 * written over the first. In memory by default; one JSON file per key when a data dir is
 * configured, plus one index file per condition that claims it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DecryptCondition } from "@onekey/keyservice-protocol";

export interface StoredKey {
  keyId: string;
  condition: DecryptCondition;
  /** base64 of iv (12) || ciphertext (32) || tag (16). */
  wrappedKey: string;
  createdAt: string;
}

export interface KeyStore {
  /** Stores the record unless its condition already has a key; false (and nothing written) then. */
  putNew(record: StoredKey): Promise<boolean>;
  get(keyId: string): Promise<StoredKey | undefined>;
  /** The key id stored for this condition, if any. */
  keyIdFor(condition: DecryptCondition): Promise<string | undefined>;
  /** Throws unless a record could be written and read back now (GET /readyz). */
  probe(): Promise<void>;
}

/** The identity of a condition: chain, registry and uid, case-folded. */
export function conditionKey(condition: DecryptCondition): string {
  return `${condition.chainId}|${condition.registry.toLowerCase()}|${condition.uid.toLowerCase()}`;
}

export class MemoryKeyStore implements KeyStore {
  private readonly records = new Map<string, StoredKey>();
  private readonly byCondition = new Map<string, string>();
  async putNew(record: StoredKey): Promise<boolean> {
    const claim = conditionKey(record.condition);
    if (this.byCondition.has(claim)) return false;
    this.byCondition.set(claim, record.keyId);
    this.records.set(record.keyId, record);
    return true;
  }
  async get(keyId: string): Promise<StoredKey | undefined> {
    return this.records.get(keyId);
  }
  async keyIdFor(condition: DecryptCondition): Promise<string | undefined> {
    return this.byCondition.get(conditionKey(condition));
  }
  async probe(): Promise<void> {}
}

export class FileKeyStore implements KeyStore {
  private readonly dir: string;
  private readonly indexDir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, "keys");
    this.indexDir = join(dataDir, "conditions");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    mkdirSync(this.indexDir, { recursive: true, mode: 0o700 });
  }
  async putNew(record: StoredKey): Promise<boolean> {
    // The record first (write then rename: never half-written), under a random id nobody knows
    // yet; then the condition's index file, created exclusively: of two racing stores only one
    // claims the uid, and the loser's record is removed. A crash in between leaves an orphan
    // record that no index names, never a claimed uid without its key.
    const path = join(this.dir, `${record.keyId}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    try {
      writeFileSync(this.indexPath(record.condition), record.keyId, { mode: 0o600, flag: "wx" });
      return true;
    } catch (error) {
      rmSync(path, { force: true });
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  }
  async get(keyId: string): Promise<StoredKey | undefined> {
    const path = join(this.dir, `${keyId}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as StoredKey) : undefined;
  }
  async keyIdFor(condition: DecryptCondition): Promise<string | undefined> {
    const path = this.indexPath(condition);
    return existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
  }
  async probe(): Promise<void> {
    // A file no key id can name (ids are hex; a dot first), one per probe so that two at once do
    // not read each other's: written, read back and removed, as a store would.
    const written = randomBytes(8).toString("hex");
    const path = join(this.dir, `.probe-${written}`);
    writeFileSync(path, written, { mode: 0o600 });
    try {
      if (readFileSync(path, "utf8") !== written) throw new Error("the key directory gave back another probe");
    } finally {
      rmSync(path, { force: true });
    }
  }
  private indexPath(condition: DecryptCondition): string {
    return join(this.indexDir, createHash("sha256").update(conditionKey(condition)).digest("hex"));
  }
}

function aad(keyId: string, condition: DecryptCondition): Buffer {
  return Buffer.from(
    `${keyId}|${condition.chainId}|${condition.registry.toLowerCase()}|${condition.uid.toLowerCase()}`,
  );
}

export class KeyWrapper {
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes");
  }

  wrap(keyId: string, condition: DecryptCondition, dataKey: Uint8Array): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.masterKey, iv);
    cipher.setAAD(aad(keyId, condition));
    const sealed = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString("base64");
  }

  unwrap(record: StoredKey): Buffer {
    const sealed = Buffer.from(record.wrappedKey, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.masterKey, sealed.subarray(0, 12));
    decipher.setAAD(aad(record.keyId, record.condition));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  }
}

/** The configured master key, else the one kept in the data dir (created once), else a fresh one. */
export function loadMasterKey(options: { masterKey?: string; dataDir?: string }): Buffer {
  if (options.masterKey) return Buffer.from(options.masterKey.replace(/^0x/, ""), "hex");
  if (!options.dataDir) return randomBytes(32);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, "master.key");
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  chmodSync(path, 0o600);
  return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
}
