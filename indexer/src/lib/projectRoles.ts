/** ProjectRoles bits, as in an account's role bitmap (`project_roles.roles`). */
export const ROLE_ADMIN = 1;
export const ROLE_READER = 2;
export const ROLE_SPONSOR_MANAGER = 4;
