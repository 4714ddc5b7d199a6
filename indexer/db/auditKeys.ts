/**
 * The keys that seal the audit chain (format v2, db/auditHash.ts). With them, someone who can
 * write to the database but does not hold a key cannot rewrite an entry and recompute the chain.
 *
 *   ONEKEY_AUDIT_CHAIN_KEYS    {"<kid>": "<secret>", ...} or [{"kid": "<kid>", "key": "<secret>"}, ...]
 *                              secrets of at least 32 bytes, hex or base64
 *   ONEKEY_AUDIT_CHAIN_KEY_ID  the kid new entries are sealed with
 *   ONEKEY_AUDIT_CHAIN_KEYED_AFTER  optional: the last unkeyed (v1) entry id; every later entry must
 *                              be keyed. Overrides the sealed record the first keyed writer leaves
 *                              (db/auditKeying.ts), e.g. where unkeyed writers ran on during a rollout.
 *
 * Rotation: add the new key, point the key id at it, keep the old ones for as long as entries
 * sealed with them are kept (the verifier needs them). Unset, writers seal format v1 (local
 * development and tests); the start-up check requires a key outside the local network.
 * One reader for every process that writes or verifies entries; its errors never quote a value.
 */
import { withoutEmpty } from "../lib/env.js";

export interface AuditKeyRing {
  /** The key id new entries are sealed with (safe to log). */
  currentKid: string;
  /** Every configured key by id, the current one included. Secrets: never logged. */
  keys: ReadonlyMap<string, Buffer>;
  /** ONEKEY_AUDIT_CHAIN_KEYED_AFTER: entries past this id must be keyed (the verifier's cut-over). */
  keyedAfter?: bigint;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodeSecret(kid: string, secret: unknown): Buffer {
  if (typeof secret !== "string") throw new Error(`ONEKEY_AUDIT_CHAIN_KEYS key "${kid}" must be a string`);
  const key = HEX.test(secret)
    ? Buffer.from(secret, "hex")
    : BASE64.test(secret)
      ? Buffer.from(secret, "base64")
      : BASE64URL.test(secret)
        ? Buffer.from(secret, "base64url")
        : undefined;
  if (!key) throw new Error(`ONEKEY_AUDIT_CHAIN_KEYS key "${kid}" must be hex or base64`);
  if (key.length < 32) {
    throw new Error(`ONEKEY_AUDIT_CHAIN_KEYS key "${kid}" must be at least 32 bytes (it has ${key.length})`);
  }
  return key;
}

/** Parses the two variables; undefined when neither is set. Throws naming the variable, never quoting a secret. */
export function readAuditChainKeys(source: Record<string, string | undefined> = process.env): AuditKeyRing | undefined {
  const env = withoutEmpty(source);
  const raw = env.ONEKEY_AUDIT_CHAIN_KEYS;
  const currentKid = env.ONEKEY_AUDIT_CHAIN_KEY_ID;
  const keyedAfter = env.ONEKEY_AUDIT_CHAIN_KEYED_AFTER;
  if (keyedAfter !== undefined && !/^\d{1,19}$/.test(keyedAfter)) {
    throw new Error("ONEKEY_AUDIT_CHAIN_KEYED_AFTER must be an audit entry id (digits)");
  }
  if (raw === undefined && currentKid === undefined) {
    if (keyedAfter !== undefined) {
      throw new Error("ONEKEY_AUDIT_CHAIN_KEYED_AFTER needs ONEKEY_AUDIT_CHAIN_KEYS (keyed entries to require)");
    }
    return undefined;
  }
  if (raw === undefined) throw new Error("ONEKEY_AUDIT_CHAIN_KEYS is required when ONEKEY_AUDIT_CHAIN_KEY_ID is set");
  if (currentKid === undefined) {
    throw new Error("ONEKEY_AUDIT_CHAIN_KEY_ID is required when ONEKEY_AUDIT_CHAIN_KEYS is set (the key to seal with)");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not the parser's message: it quotes the text around the error, i.e. part of a secret.
    throw new Error("ONEKEY_AUDIT_CHAIN_KEYS must be JSON: a map of key id to secret, or a list of {kid, key}");
  }
  const entries: [unknown, unknown][] = Array.isArray(parsed)
    ? parsed.map((item) => [(item as { kid?: unknown })?.kid, (item as { key?: unknown })?.key])
    : parsed !== null && typeof parsed === "object"
      ? Object.entries(parsed)
      : [];
  if (entries.length === 0) {
    throw new Error(
      "ONEKEY_AUDIT_CHAIN_KEYS must name at least one key: a map of key id to secret, or a list of {kid, key}",
    );
  }
  const keys = new Map<string, Buffer>();
  for (const [kid, secret] of entries) {
    if (typeof kid !== "string" || !KID.test(kid)) {
      throw new Error("ONEKEY_AUDIT_CHAIN_KEYS key ids must be 1-64 letters, digits, '.', '_' or '-'");
    }
    if (keys.has(kid)) throw new Error(`ONEKEY_AUDIT_CHAIN_KEYS names key "${kid}" twice`);
    keys.set(kid, decodeSecret(kid, secret));
  }
  if (!keys.has(currentKid)) {
    throw new Error("ONEKEY_AUDIT_CHAIN_KEY_ID must name one of the keys in ONEKEY_AUDIT_CHAIN_KEYS");
  }
  return { currentKid, keys, ...(keyedAfter === undefined ? {} : { keyedAfter: BigInt(keyedAfter) }) };
}

let installed: { ring: AuditKeyRing | undefined } | undefined;

/** This process's keys: read from its environment once, on first use (unless set below). */
export function processAuditChainKeys(): AuditKeyRing | undefined {
  installed ??= { ring: readAuditChainKeys(process.env) };
  return installed.ring;
}

/** Replaces this process's keys (tests; undefined = unkeyed, v1). `reset` re-reads the environment next time. */
export function setProcessAuditChainKeys(ring: AuditKeyRing | undefined | "reset"): void {
  installed = ring === "reset" ? undefined : { ring };
}
