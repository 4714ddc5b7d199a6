/**
 * Project role bits by name. Mirrors contracts/libraries/ProjectRoles.sol: its constants are
 * `internal`, so they are not in the ABI (the integration tests check the two agree on-chain).
 */
export const projectRoles = { admin: 1, reader: 2, "sponsor-manager": 4 } as const;

export type ProjectRoleName = keyof typeof projectRoles;

export const projectRoleNames = Object.keys(projectRoles) as ProjectRoleName[];

/** The names of the roles set in an on-chain role bitmap. */
export function roleNamesOf(bitmap: number): ProjectRoleName[] {
  return projectRoleNames.filter((name) => (bitmap & projectRoles[name]) !== 0);
}
