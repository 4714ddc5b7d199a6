/**
 * Where protected keys live: each data key wrapped (AES-256-GCM) under the service's master key,
 * with its key id and condition as AAD, so a stored record cannot be re-pointed at another
 * condition. In memory by default; one JSON file per key when a data dir is configured.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DecryptCondition } from "./protocol.js";

export interface StoredKey {
  keyId: string;
  condition: DecryptCondition;
  /** base64 of iv (12) || ciphertext (32) || tag (16). */
  wrappedKey: string;
  createdAt: string;
}

export interface KeyStore {
  put(record: StoredKey): Promise<void>;
  get(keyId: string): Promise<StoredKey | undefined>;
}

export class MemoryKeyStore implements KeyStore {
  private readonly records = new Map<string, StoredKey>();
  async put(record: StoredKey): Promise<void> {
    this.records.set(record.keyId, record);
  }
  async get(keyId: string): Promise<StoredKey | undefined> {
    return this.records.get(keyId);
  }
}

export class FileKeyStore implements KeyStore {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, "keys");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }
  async put(record: StoredKey): Promise<void> {
    // Write then rename: a crash never leaves a half-written record behind.
    const path = join(this.dir, `${record.keyId}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
  async get(keyId: string): Promise<StoredKey | undefined> {
    const path = join(this.dir, `${keyId}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as StoredKey) : undefined;
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
