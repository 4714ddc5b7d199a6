import { PROJECT_STATUS_NAMES, type ProjectStatusName } from "@onekey/deploy";

/** IProjectRegistry.ProjectStatus as stored in the tables and returned by the API ("none" for an unknown value). */
export function projectStatusName(status: number): ProjectStatusName {
  return PROJECT_STATUS_NAMES[status] ?? "none";
}
