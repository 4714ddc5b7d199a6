/**
 * A chain action on screen, as in the dApp: a progress bar that names the phase (checking with
 * the chain, confirming in the wallet, waiting for the block), the error table's panel when it
 * fails, and a confirmation with the transaction when it lands. Buttons that the signed-in account
 * may not use are greyed out with the reason beside them.
 */
import { type ReactNode, useId } from "react";
import type { Hash } from "viem";
import type { UserError } from "../../clients/errors.js";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { Progress } from "../../ui/Progress.js";
import { combine, type Gate } from "./permissions.js";
import type { SendPhase } from "./send.js";

export type ActionState =
  | { phase: "idle" }
  | { phase: SendPhase; label: string; hash?: Hash }
  | { phase: "done"; label: string; hash: Hash }
  | { phase: "failed"; label: string; error: UserError };

const phaseWords: Record<SendPhase, string> = {
  simulating: "Checking with the chain first (nothing is sent yet)",
  wallet: "Confirm the transaction in your wallet",
  confirming: "Waiting for the transaction to be included",
};

export function ActionStatus({ state, onReset }: { state: ActionState; onReset(): void }) {
  if (state.phase === "idle") return null;
  if (state.phase === "failed") {
    return <ErrorPanel error={state.error} onAction={onReset} available={(a) => a === "retry"} />;
  }
  if (state.phase === "done") {
    return (
      <p className="notice ok" role="status" data-tx={state.hash}>
        Done: {state.label}. Transaction <code>{state.hash.slice(0, 10)}…</code> is included.
      </p>
    );
  }
  return (
    <div aria-live="polite">
      <Progress label={state.label} text={phaseWords[state.phase]} />
      {state.hash ? (
        <p className="small muted">
          Transaction <code>{state.hash}</code>
        </p>
      ) : null}
    </div>
  );
}

/** A submit or action button, greyed out with the reason when the account may not use it. */
export function GatedButton({
  gate,
  walletGate,
  busy,
  children,
  onClick,
  type = "button",
  variant = "",
  label,
}: {
  gate: Gate;
  walletGate: Gate;
  busy: boolean;
  children: ReactNode;
  onClick?: () => void;
  type?: "button" | "submit";
  variant?: "" | "secondary" | "danger";
  /** An accessible name when the visible text is not enough (e.g. in a table row). */
  label?: string;
}) {
  const reasonId = useId();
  const combined = combine(walletGate, gate);
  return (
    <span className="gated">
      <button
        type={type}
        className={`button${variant ? ` ${variant}` : ""}`}
        disabled={!combined.allowed || busy}
        aria-describedby={combined.allowed ? undefined : reasonId}
        aria-label={label}
        onClick={onClick}
      >
        {children}
      </button>
      {combined.allowed ? null : (
        <span id={reasonId} className="small muted gate-reason" data-testid="gate-reason">
          {combined.reason}
        </span>
      )}
    </span>
  );
}

/** A field with its label and, when it is wrong, its message (tied with aria-describedby). */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const describedBy = `${id}-note`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(error), ...(error || hint ? { "aria-describedby": describedBy } : {}) })}
      {error ? (
        <span id={describedBy} className="field-error small">
          {error}
        </span>
      ) : hint ? (
        <span id={describedBy} className="small muted">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
