/** ProjectRoles bits, as in an account's role bitmap (`project_roles.roles`). */
import { PROJECT_ROLES } from "@onekey/deploy";

export const ROLE_ADMIN = PROJECT_ROLES.ADMIN;
export const ROLE_READER = PROJECT_ROLES.READER;
export const ROLE_SPONSOR_MANAGER = PROJECT_ROLES.SPONSOR_MANAGER;
