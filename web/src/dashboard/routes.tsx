/**
 * The dashboard's screens, in the order its navigation shows them. A plain array: the shell
 * (DashboardRoutes.tsx) turns each entry into a route under /dashboard/<path> and a nav link.
 *
 * Other parts of the dashboard add their screens by appending entries here (the chain-transaction
 * screens: organizations, projects, roles, sponsorship, under ./chain/). Load a screen with
 * `lazy` so it is fetched only when opened. `requires` names what the signed-in account must hold
 * on the chosen project; without it the link is greyed out and says why.
 */
import type { ComponentType } from "react";

/** What a screen needs on the chosen project (read from the indexed chain by GET /v1/admin/projects). */
export type Requirement =
  /** Any signed-in account (no project needed). */
  | "none"
  /** A chosen project the account has any role in. */
  | "project"
  /** Project admin, or owner / admin of the project's organization. */
  | "admin"
  /** The reader role (or admin). */
  | "reader"
  /** The sponsor-manager role (or admin). */
  | "sponsor"
  /** Any role held (admin, reader or sponsor manager), not only offered. */
  | "anyRole";

export interface DashboardNavEntry {
  /** Relative to /dashboard, e.g. "api-keys". */
  path: string;
  label: string;
  requires: Requirement;
  /** The screen, loaded when first opened. */
  lazy: () => Promise<{ default: ComponentType }>;
}

export const dashboardNav: DashboardNavEntry[] = [
  { path: "overview", label: "Overview", requires: "project", lazy: () => import("./screens/OverviewScreen.js") },
  { path: "api-keys", label: "API keys", requires: "admin", lazy: () => import("./screens/ApiKeysScreen.js") },
  { path: "webhooks", label: "Webhooks", requires: "admin", lazy: () => import("./screens/WebhooksScreen.js") },
  { path: "users", label: "Users", requires: "reader", lazy: () => import("./screens/UsersScreen.js") },
  { path: "audit-log", label: "Audit log", requires: "admin", lazy: () => import("./screens/AuditLogScreen.js") },
  { path: "usage", label: "Usage", requires: "anyRole", lazy: () => import("./screens/UsageScreen.js") },
  {
    path: "analytics",
    label: "Analytics",
    requires: "anyRole",
    lazy: () => import("./screens/AnalyticsScreen.js"),
  },
  // Any project member may open it: the screen tells a non-admin who can read the organization's statements.
  { path: "billing", label: "Billing", requires: "project", lazy: () => import("./screens/BillingScreen.js") },
  // Chain screens (organizations, projects, roles, sponsorship) are appended below.
  {
    path: "organizations",
    label: "Organizations",
    requires: "none",
    lazy: () => import("./chain/OrganizationsScreen.js"),
  },
  { path: "projects", label: "Projects and roles", requires: "none", lazy: () => import("./chain/ProjectsScreen.js") },
  { path: "sponsorship", label: "Sponsorship", requires: "none", lazy: () => import("./chain/SponsorshipScreen.js") },
];
