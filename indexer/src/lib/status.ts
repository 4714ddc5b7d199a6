/** Names for the Solidity enums, as stored in the tables and returned by the API. */

/** IProjectRegistry.ProjectStatus (0 None, 1 Active, 2 Suspended). */
export function projectStatusName(status: number): "none" | "active" | "suspended" {
  return status === 1 ? "active" : status === 2 ? "suspended" : "none";
}

/** ProjectRoles bits. */
export const ROLE_ADMIN = 1;
export const ROLE_READER = 2;
export const ROLE_SPONSOR_MANAGER = 4;
