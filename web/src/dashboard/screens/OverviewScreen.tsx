/** The chosen project at a glance: what it is, the account's roles on it, and what those roles allow here. */
import { accessTo, roleWords } from "../access.js";
import { dashboardNav } from "../routes.js";
import { useDashboard } from "../session.js";

export default function OverviewScreen() {
  const { project } = useDashboard();
  if (!project) return null;
  return (
    <section className="card" aria-labelledby="overview-title" data-screen="overview">
      <h1 id="overview-title">{project.slug}</h1>
      <dl className="facts">
        <dt>Project</dt>
        <dd>#{project.projectId}</dd>
        <dt>Organization</dt>
        <dd>#{project.orgId}</dd>
        <dt>Status</dt>
        <dd>{project.status === "active" ? "Active" : project.status === "suspended" ? "Suspended" : "Unknown"}</dd>
        <dt>Required level</dt>
        <dd>Level {project.requiredLevel}</dd>
        <dt>Your roles</dt>
        <dd>{roleWords(project)}</dd>
      </dl>
      <h2>What you can do here</h2>
      <ul>
        {dashboardNav
          .filter((entry) => entry.path !== "overview")
          .map((entry) => {
            const access = accessTo(entry.requires, project);
            return (
              <li key={entry.path}>
                <strong>{entry.label}</strong>: {access.allowed ? "allowed" : access.reason}
              </li>
            );
          })}
      </ul>
      <p className="small muted">
        Roles are read from the chain as indexed now; a change shows after its block is indexed.
      </p>
    </section>
  );
}
