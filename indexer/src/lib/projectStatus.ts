/** IProjectRegistry.ProjectStatus (0 None, 1 Active, 2 Suspended) as stored in the tables and returned by the API. */
export function projectStatusName(status: number): "none" | "active" | "suspended" {
  return status === 1 ? "active" : status === 2 ? "suspended" : "none";
}
