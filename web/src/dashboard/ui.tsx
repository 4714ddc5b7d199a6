/** Small pieces the dashboard's screens share: a secret shown once with a copy button, times, a query's failure. */
import { useState } from "react";
import type { UserError } from "../clients/errors.js";
import { ErrorPanel } from "../ui/ErrorPanel.js";
import { type DashboardError, dashboardError } from "./errors.js";
import { useDashboard } from "./session.js";

/** A secret the API shows once: the value, a copy button, and the warning that it will not come back. */
export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  return (
    <div className="notice ok" role="status" data-testid="secret-once">
      <h2>{label}</h2>
      <p>Copy it now and store it safely: it is shown this once, and nobody (not even OneKey) can show it again.</p>
      <div className="secret">
        <code data-testid="secret-value">{secret}</code>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            navigator.clipboard.writeText(secret).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            );
          }}
        >
          Copy
        </button>
        <span aria-live="polite" className="small">
          {copied === "yes"
            ? "Copied."
            : copied === "failed"
              ? "The browser refused: select the text and copy it."
              : ""}
        </span>
      </div>
      <button type="button" className="button" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

export function timeOf(iso: string | null | undefined): string {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A failed query or action, with the way forward (a 401 signs out, so the sign-in comes back). */
export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { signOut } = useDashboard();
  return <DashboardErrorPanel error={dashboardError(error)} onRetry={onRetry} onSignIn={() => void signOut()} />;
}

/** The error table's panel for a dashboard failure; `signIn` ends the session, the rest retry. */
export function DashboardErrorPanel({
  error,
  onRetry,
  onSignIn,
}: {
  error: DashboardError;
  onRetry?: () => void;
  onSignIn?: () => void;
}) {
  return (
    <ErrorPanel
      error={error as UserError}
      available={(a) => (a === "retry" && Boolean(onRetry)) || (a === "signIn" && Boolean(onSignIn)) || a === "home"}
      onAction={(a) => {
        if (a === "retry") onRetry?.();
        else if (a === "signIn") onSignIn?.();
        else if (a === "home") location.assign("/");
      }}
    />
  );
}
