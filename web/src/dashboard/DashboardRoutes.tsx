/**
 * `/dashboard/*`: the tenant dashboard, one lazy route tree (the verify and account routes never
 * load it). Connect a wallet, sign in with it (EIP-4361, the API's own session), choose a project,
 * then the screens of routes.tsx, each greyed out with the reason when the account's roles on
 * the chain do not allow it.
 */
import "./dashboard.css";
import { type ComponentType, lazy, type ReactNode, Suspense, useMemo, useState } from "react";
import { Link, Navigate, NavLink, Route, Routes } from "react-router";
import { shortAddress } from "../ui/format.js";
import { Progress } from "../ui/Progress.js";
import { WalletPicker } from "../ui/wallet/WalletPicker.js";
import { useWallet } from "../ui/wallet/WalletProvider.js";
import { accessTo, roleWords } from "./access.js";
import { type DashboardError, dashboardError } from "./errors.js";
import { type DashboardNavEntry, dashboardNav } from "./routes.js";
import { DashboardSessionProvider, useDashboard, useDashboardSession } from "./session.js";
import { DashboardErrorPanel } from "./ui.js";

export function DashboardRoutes() {
  const { wallet } = useWallet();
  const { api, session, signIn, signOut, forget } = useDashboardSession(wallet);
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState<DashboardError | undefined>();

  if (!wallet) {
    return (
      <div className="page narrow" data-screen="dashboard-connect">
        <h1>Tenant dashboard</h1>
        <p>
          Manage your projects' API keys, webhooks and audit log. First connect the wallet you administer them with.
        </p>
        <div className="card">
          <WalletPicker />
        </div>
      </div>
    );
  }

  if (!session || !api) {
    const start = async () => {
      setError(undefined);
      setSigningIn(true);
      try {
        await signIn();
      } catch (failure) {
        setError(dashboardError(failure));
      } finally {
        setSigningIn(false);
      }
    };
    return (
      <div className="page narrow" data-screen="dashboard-sign-in">
        <h1>Tenant dashboard</h1>
        <section className="card" aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">Sign in with your wallet</h2>
          <p>
            Your wallet signs a sign-in message (EIP-4361) for account <code>{wallet.subject}</code>. It costs nothing
            and sends no transaction. What you may do comes from your roles on the chain.
          </p>
          {error ? (
            <DashboardErrorPanel error={error} onRetry={() => void start()} onSignIn={() => void start()} />
          ) : null}
          <button type="button" className="button" disabled={signingIn} onClick={() => void start()}>
            {signingIn ? "Waiting for your wallet…" : "Sign in with your wallet"}
          </button>
        </section>
      </div>
    );
  }

  return (
    <DashboardSessionProvider
      api={api}
      address={session.address}
      signOut={signOut}
      onSessionEnded={forget}
      fallback={({ pending, error: failure, retry }) => (
        <div className="page narrow">
          <h1>Tenant dashboard</h1>
          {pending ? (
            <Progress label="Reading your projects and roles from the chain" />
          ) : (
            <DashboardErrorPanel error={dashboardError(failure)} onRetry={retry} onSignIn={forget} />
          )}
        </div>
      )}
    >
      <Shell />
    </DashboardSessionProvider>
  );
}

/** One React.lazy per entry, made once (a new one per render would remount the screen). */
function useLazyScreens(entries: DashboardNavEntry[]) {
  return useMemo(() => new Map<string, ComponentType>(entries.map((e) => [e.path, lazy(e.lazy)])), [entries]);
}

function Shell() {
  const { address, projects, project, signOut } = useDashboard();
  const screens = useLazyScreens(dashboardNav);
  const first = dashboardNav.find((e) => accessTo(e.requires, project).allowed) ?? dashboardNav[0];
  return (
    <div className="dashboard">
      <aside className="dashboard-side" aria-label="Dashboard">
        <p className="dashboard-account">
          Signed in as <code title={address}>{shortAddress(address as `0x${string}`)}</code>
        </p>
        <ProjectPicker />
        <nav aria-label="Dashboard sections">
          <ul>
            {dashboardNav.map((entry) => {
              const access = accessTo(entry.requires, project);
              return (
                <li key={entry.path}>
                  {access.allowed ? (
                    <NavLink to={`/dashboard/${entry.path}`}>{entry.label}</NavLink>
                  ) : (
                    <span className="nav-disabled" aria-disabled="true" title={access.reason}>
                      {entry.label}
                      <span className="small">{access.reason}</span>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </nav>
        <button type="button" className="button secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </aside>
      <div className="dashboard-main">
        {/* A new tenant has no project yet, but may still open the screens that need none
            (Organizations, Projects): that is where its first organization and project come from. */}
        <Routes>
          <Route
            index
            element={
              projects.length === 0 ? (
                <NoProjects />
              ) : first ? (
                <Navigate to={`/dashboard/${first.path}`} replace />
              ) : null
            }
          />
          {dashboardNav.map((entry) => {
            const Screen = screens.get(entry.path) as ComponentType;
            return (
              <Route
                key={entry.path}
                path={`${entry.path}/*`}
                element={
                  <Guarded entry={entry}>
                    <Suspense fallback={<Progress label={`Opening ${entry.label}`} />}>
                      <Screen />
                    </Suspense>
                  </Guarded>
                }
              />
            );
          })}
          <Route path="*" element={<p>This dashboard page does not exist. Choose a section on the left.</p>} />
        </Routes>
      </div>
    </div>
  );
}

function Guarded({ entry, children }: { entry: DashboardNavEntry; children: ReactNode }) {
  const { project } = useDashboard();
  const access = accessTo(entry.requires, project);
  if (!access.allowed) {
    return (
      <section className="card" aria-labelledby="guard-title">
        <h1 id="guard-title">{entry.label}</h1>
        <p className="notice">{access.reason}</p>
      </section>
    );
  }
  return <>{children}</>;
}

function ProjectPicker() {
  const { projects, projectId, setProjectId, project } = useDashboard();
  if (projects.length === 0) return null;
  return (
    <div className="project-picker">
      <label htmlFor="dashboard-project">Project</label>
      <select id="dashboard-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
        {projects.map((p) => (
          <option key={p.projectId} value={p.projectId}>
            {p.slug} (#{p.projectId})
          </option>
        ))}
      </select>
      {project ? <p className="small muted">Your roles: {roleWords(project)}</p> : null}
    </div>
  );
}

function NoProjects() {
  const { address, refreshProjects } = useDashboard();
  return (
    <section className="card" aria-labelledby="no-projects-title">
      <h1 id="no-projects-title">No projects yet</h1>
      <p>
        Account <code>{address}</code> has no role in any project, and owns or administers no organization, on the
        indexed chain. Ask a project's admin to grant you a role, or create your own organization and its first project.
      </p>
      <p>
        <Link className="button" to="/dashboard/organizations">
          Create an organization
        </Link>{" "}
        <button type="button" className="button secondary" onClick={() => void refreshProjects()}>
          Check again
        </button>
      </p>
    </section>
  );
}
