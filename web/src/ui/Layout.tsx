import { Link, Outlet, useRouteError } from "react-router";
import { shortAddress } from "./format.js";
import { useWallet } from "./wallet/WalletProvider.js";

export function Layout() {
  const { wallet } = useWallet();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="inner">
          <Link className="brand" to="/">
            One<span>Key</span>
          </Link>
          <span className="wallet-badge" aria-live="polite">
            {wallet ? `Connected: ${shortAddress(wallet.subject)}` : "Not connected"}
          </span>
          <nav aria-label="Main">
            <Link to="/account">Your account</Link>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function NotFound() {
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>
        This address does not exist. A project's verify link looks like <code>/verify/project-name</code>.
      </p>
      <Link className="button" to="/">
        Go to the start page
      </Link>
    </div>
  );
}

export function RouteError() {
  const error = useRouteError();
  return (
    <main className="page narrow">
      <h1>This page failed to load</h1>
      <p>Reload to try again; your progress is kept in this browser.</p>
      <p className="muted small">{error instanceof Error ? error.name : "Unknown error"}</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        Reload
      </button>
    </main>
  );
}
