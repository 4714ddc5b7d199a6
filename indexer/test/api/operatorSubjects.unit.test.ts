/**
 * The sessions section of an operator's subject lookup (routes/operatorSubjects.ts) when the
 * issuer's database is not configured or not answering: the section says so (the rest of the
 * lookup is still answered), without the database's URL; a bad cursor is a 400 either way.
 */
import { describe, expect, it } from "vitest";
import { openIssuerSource } from "../../analytics/rebuild.js";
import { ApiError } from "../../src/api/http/errors.js";
import { readSessions } from "../../src/api/routes/operatorSubjects.js";

const subject = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as const;

describe("an operator's subject lookup, sessions section", () => {
  it("says the issuer's database is not configured", async () => {
    expect(await readSessions(undefined, subject, 10, undefined)).toEqual({
      available: false,
      reason: "issuer_database_not_configured",
    });
  });

  it("says the issuer's database is unavailable, naming nothing of its URL", async () => {
    const down = openIssuerSource("postgres://reader:SECRET-PW@127.0.0.1:1/issuer", "onekey_issuer");
    try {
      const section = await readSessions(down, subject, 10, undefined);
      expect(section).toEqual({ available: false, reason: "issuer_database_unavailable" });
      expect(JSON.stringify(section)).not.toContain("SECRET-PW");
    } finally {
      await down.destroy();
    }
  });

  it("refuses a cursor it did not issue, configured or not", async () => {
    for (const cursor of ["bm90LWEtY3Vyc29y", "!!", Buffer.from("1|not-a-uuid").toString("base64url")]) {
      const error = await readSessions(undefined, subject, 10, cursor).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, code: "invalid_request", field: "cursor" });
    }
  });
});
