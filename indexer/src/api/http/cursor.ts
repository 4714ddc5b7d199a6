/**
 * Opaque keyset cursors: base64url of the sort key of the last row returned. A cursor that does
 * not decode to the expected shape is a 400 on `cursor`, never a 500.
 */
import { badRequest } from "./errors.js";

export function encodeCursor(parts: (string | number | bigint)[]): string {
  return Buffer.from(parts.join("|")).toString("base64url");
}

/** What one part of a cursor must be: a pattern, or a check for what a pattern cannot say. */
export type CursorPart = RegExp | ((part: string) => boolean);

/** Decodes a cursor whose parts must each pass `checks`, one check per part. */
export function decodeCursor(cursor: string, checks: CursorPart[]): string[] {
  const bad = () => badRequest("cursor", "is not a cursor returned by this endpoint");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (parts.length !== checks.length) throw bad();
  parts.forEach((part, i) => {
    const check = checks[i];
    const ok = check instanceof RegExp ? check.test(part) : check?.(part) === true;
    if (!ok) throw bad();
  });
  return parts;
}

export const UINT = /^[0-9]{1,78}$/;
/** A bigserial id of the API's own tables: compared with a larger number, PostgreSQL fails the query. */
export const INT64_ID = (part: string): boolean => /^[0-9]{1,19}$/.test(part) && BigInt(part) <= 2n ** 63n - 1n;
export const HEX_ADDRESS = /^0x[0-9a-f]{40}$/;
export const HEX_32 = /^0x[0-9a-f]{64}$/;
