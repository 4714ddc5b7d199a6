import { describe, expect, it } from "vitest";
import { accessTo, openRecordBlocked, roleWords } from "./access.js";
import type { ProjectMembership } from "./api.js";

const base: ProjectMembership = {
  projectId: "3",
  orgId: "1",
  slug: "acme",
  status: "active",
  requiredLevel: 1,
  roles: [],
  offeredRoles: [],
  organizationRole: null,
  administers: false,
};

describe("what the account may do on a project", () => {
  it("allows everything to an admin, by role or through the organization", () => {
    for (const m of [
      { ...base, roles: ["admin" as const], administers: true },
      { ...base, organizationRole: "owner" as const, administers: true },
    ]) {
      for (const r of ["admin", "reader", "sponsor", "project"] as const) expect(accessTo(r, m).allowed).toBe(true);
    }
  });

  it("greys out admin screens for a reader, saying which role is needed and which it holds", () => {
    const reader = { ...base, roles: ["reader" as const] };
    expect(accessTo("reader", reader).allowed).toBe(true);
    expect(accessTo("admin", reader)).toEqual({
      allowed: false,
      reason: "Needs the admin role on acme; you hold reader.",
    });
    expect(accessTo("sponsor", reader)).toMatchObject({ allowed: false });
  });

  it("tells an offered reader to accept the role first", () => {
    const offered = { ...base, offeredRoles: ["reader" as const] };
    expect(accessTo("reader", offered)).toEqual({
      allowed: false,
      reason: "The reader role on acme was offered to you: accept it on the chain first.",
    });
    expect(roleWords(offered)).toBe("no role yet (offered: reader, not accepted yet)");
  });

  it("lets any held role see usage, but not an offer alone", () => {
    expect(accessTo("anyRole", { ...base, roles: ["sponsor_manager"] }).allowed).toBe(true);
    expect(accessTo("anyRole", { ...base, offeredRoles: ["reader"] })).toMatchObject({ allowed: false });
  });

  it("asks for a project when none is chosen", () => {
    expect(accessTo("project", undefined)).toEqual({ allowed: false, reason: "Choose a project first." });
    expect(accessTo("none", undefined).allowed).toBe(true);
  });
});

describe("openRecordBlocked", () => {
  it("lets a reader with its wallet open records, and says what is missing otherwise", () => {
    expect(openRecordBlocked(["reader"], true)).toBeUndefined();
    expect(openRecordBlocked(["admin"], true)).toMatch(/Only the project's readers/);
    expect(openRecordBlocked(undefined, true)).toMatch(/accept it on the Projects screen/);
    expect(openRecordBlocked(["reader", "admin"], false)).toMatch(/Connect the wallet you signed in with/);
  });
});
