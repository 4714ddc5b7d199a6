/**
 * A failure, in the error table's words, with the ways forward as buttons. Focus moves here when
 * it appears, so keyboard and screen-reader users meet it first.
 */
import { useEffect, useRef } from "react";
import type { NextAction, UserError } from "../clients/errors.js";

const actionLabels: Record<NextAction, string> = {
  retry: "Try again",
  fallback: "Use another provider",
  resubmit: "Go through the provider's step again",
  restart: "Start again",
  signIn: "Sign in again",
  reconnect: "Connect a wallet",
  home: "Go to the start page",
};

export function ErrorPanel({
  error,
  onAction,
  available,
}: {
  error: UserError;
  onAction(action: NextAction): void;
  /** Actions the screen can offer right now (e.g. "fallback" only when the issuer has another provider). */
  available?: (action: NextAction) => boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const actions = error.actions.filter((action) => available?.(action) ?? true);
  return (
    <div className="notice error" role="alert" tabIndex={-1} ref={ref} data-error-code={error.code}>
      <h2>{error.title}</h2>
      <p>{error.message}</p>
      {error.detail ? <p className="small">Details: {error.detail}</p> : null}
      <div className="actions">
        {actions.map((action, index) => (
          <button
            key={action}
            type="button"
            className={`button${index === 0 ? "" : " secondary"}`}
            onClick={() => onAction(action)}
          >
            {actionLabels[action]}
          </button>
        ))}
      </div>
    </div>
  );
}
