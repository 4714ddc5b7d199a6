/**
 * What the signed-in account may do on the chosen project, from its roles on the indexed chain
 * (GET /v1/admin/projects), and, when it may not, the reason in words, so a greyed-out link or
 * button can say it.
 */
import type { ProjectMembership, RoleName } from "./api.js";
import type { Requirement } from "./routes.js";

export type Access = { allowed: true } | { allowed: false; reason: string };

const ROLE_WORDS: Record<RoleName, string> = {
  admin: "admin",
  reader: "reader",
  sponsor_manager: "sponsor manager",
};

export function roleWords(membership: ProjectMembership): string {
  const held = membership.roles.map((r) => ROLE_WORDS[r]);
  if (membership.organizationRole) held.unshift(`organization ${membership.organizationRole}`);
  const offered = membership.offeredRoles.filter((r) => !membership.roles.includes(r)).map((r) => ROLE_WORDS[r]);
  const words = held.length > 0 ? held.join(", ") : "no role yet";
  return offered.length > 0 ? `${words} (offered: ${offered.join(", ")}, not accepted yet)` : words;
}

export function accessTo(requirement: Requirement, membership: ProjectMembership | undefined): Access {
  if (requirement === "none") return { allowed: true };
  if (!membership) return { allowed: false, reason: "Choose a project first." };
  if (requirement === "project") return { allowed: true };
  if (membership.administers) return { allowed: true };
  const slug = membership.slug;
  switch (requirement) {
    case "admin":
      return { allowed: false, reason: `Needs the admin role on ${slug}; you hold ${roleWords(membership)}.` };
    case "reader":
      if (membership.roles.includes("reader")) return { allowed: true };
      return {
        allowed: false,
        reason: membership.offeredRoles.includes("reader")
          ? `The reader role on ${slug} was offered to you: accept it on the chain first.`
          : `Needs the reader role on ${slug}; you hold ${roleWords(membership)}.`,
      };
    case "anyRole":
      if (membership.roles.length > 0) return { allowed: true };
      return {
        allowed: false,
        reason: `Needs a role on ${slug} (admin, reader or sponsor manager); you hold ${roleWords(membership)}.`,
      };
    case "sponsor":
      if (membership.roles.includes("sponsor_manager")) return { allowed: true };
      return {
        allowed: false,
        reason: `Needs the sponsor manager role on ${slug}; you hold ${roleWords(membership)}.`,
      };
  }
}

/** Why the signed-in account cannot open records of this project, or undefined when it can. */
export function openRecordBlocked(roles: readonly string[] | undefined, walletReady: boolean): string | undefined {
  if (!roles?.includes("reader"))
    return "Only the project's readers can open records. An admin offers you the reader role; accept it on the Projects screen.";
  if (!walletReady) return "Connect the wallet you signed in with: it signs for the record's key.";
  return undefined;
}
