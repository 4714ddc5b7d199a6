/**
 * Opaque keyset cursors: base64url of the sort key of the last row returned. A cursor that does
 * not decode to the expected shape is a 400 on `cursor`, never a 500.
 */
import { badRequest } from "./errors.js";

export function encodeCursor(parts: (string | number | bigint)[]): string {
  return Buffer.from(parts.join("|")).toString("base64url");
}

/** Decodes a cursor whose parts must match `patterns`, one regex per part. */
export function decodeCursor(cursor: string, patterns: RegExp[]): string[] {
  const bad = () => badRequest("cursor", "is not a cursor returned by this endpoint");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (parts.length !== patterns.length) throw bad();
  parts.forEach((part, i) => {
    if (!patterns[i]?.test(part)) throw bad();
  });
  return parts;
}

export const UINT = /^[0-9]{1,78}$/;
export const HEX_ADDRESS = /^0x[0-9a-f]{40}$/;
export const HEX_32 = /^0x[0-9a-f]{64}$/;
