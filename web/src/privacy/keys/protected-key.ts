/**
 * The protected-key blob: UTF-8 JSON of a ProtectedKey, validated on the way in, so that a blob
 * read from storage is never trusted blindly. Small enough for an ANS-104 tag value (3 KiB).
 */
import { isAddress, isHex } from "viem";
import { ProtectedKeyInvalidError } from "./errors.js";
import type { DecryptCondition, ProtectedKey } from "./key-access.js";

export function encodeProtectedKey(protectedKey: ProtectedKey): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(protectedKey));
}

export function decodeProtectedKey(bytes: Uint8Array): ProtectedKey {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ProtectedKeyInvalidError("the protected key is not UTF-8 JSON");
  }
  const blob = value as Partial<Record<string, unknown>>;
  if (typeof blob !== "object" || blob === null || blob.v !== 1) {
    throw new ProtectedKeyInvalidError(`unsupported protected key version ${String(blob?.v)}`);
  }
  assertCondition(blob.condition);
  if (blob.scheme === "lit") {
    const lit = blob.lit as Record<string, unknown> | undefined;
    for (const field of ["network", "chain", "ciphertext", "dataToEncryptHash", "conditionsHash"]) {
      if (typeof lit?.[field] !== "string") throw new ProtectedKeyInvalidError(`lit.${field} is missing`);
    }
    return value as ProtectedKey;
  }
  if (blob.scheme === "keyservice") {
    const keyservice = blob.keyservice as Record<string, unknown> | undefined;
    if (typeof keyservice?.url !== "string" || !/^[0-9a-f]{32}$/.test(String(keyservice.keyId))) {
      throw new ProtectedKeyInvalidError("keyservice.url or keyservice.keyId is missing or malformed");
    }
    return value as ProtectedKey;
  }
  throw new ProtectedKeyInvalidError(`unknown protected key scheme ${String(blob.scheme)}`);
}

/** Whether a blob was made for exactly this condition (case-insensitive on hex). */
export function sameCondition(a: DecryptCondition, b: DecryptCondition): boolean {
  return (
    a.chainId === b.chainId &&
    a.registry.toLowerCase() === b.registry.toLowerCase() &&
    a.uid.toLowerCase() === b.uid.toLowerCase()
  );
}

function assertCondition(value: unknown): asserts value is DecryptCondition {
  const condition = value as Partial<DecryptCondition> | undefined;
  if (
    !condition ||
    !Number.isSafeInteger(condition.chainId) ||
    !isAddress(String(condition.registry), { strict: false }) ||
    !isHex(condition.uid, { strict: true }) ||
    condition.uid.length !== 66
  ) {
    throw new ProtectedKeyInvalidError("the protected key's condition is malformed");
  }
}
