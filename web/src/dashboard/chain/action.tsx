/**
 * A chain action's life on screen, as in the dApp: a progress bar that names the phase (checking
 * with the chain, confirming in the wallet, waiting for the block), the error table's panel when
 * it fails, and a confirmation with the transaction when it lands. Buttons that the signed-in
 * account may not use are greyed out with the reason beside them.
 */
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useId, useState } from "react";
import type { Hash } from "viem";
import type { UserError } from "../../clients/errors.js";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { Progress } from "../../ui/Progress.js";
import { chainUserError } from "./chain-errors.js";
import { useChainEnv } from "./env.js";
import { combine, type Gate } from "./permissions.js";
import { type ChainCall, type SendPhase, type SentAction, sendChainCall } from "./send.js";

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

/** Every chain query of the screens starts with this key: a landed transaction refreshes them all. */
export const CHAIN_QUERY = "dashboard-chain";

export function useChainAction() {
  const env = useChainEnv();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ActionState>({ phase: "idle" });
  const busy = state.phase === "simulating" || state.phase === "wallet" || state.phase === "confirming";

  const run = useCallback(
    async (call: ChainCall, label: string, onDone?: (sent: SentAction) => void) => {
      if (!env.wallet.allowed || !env.sender) {
        setState({
          phase: "failed",
          label,
          error: {
            code: "wallet_unavailable",
            title: "The wallet cannot send this",
            message: env.wallet.allowed ? "The wallet did not answer. Check that it is unlocked." : env.wallet.reason,
            actions: ["retry"],
          },
        });
        return;
      }
      try {
        const sent = await sendChainCall(
          call,
          { reader: env.reader, sender: env.sender, account: env.account },
          (phase, hash) => setState({ phase, label, ...(hash ? { hash } : {}) }),
        );
        onDone?.(sent);
        // "Done" once the screen reads the chain after the transaction, never beside stale facts.
        await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
        setState({ phase: "done", label, hash: sent.hash });
        // The shell's project list comes from the indexer, which follows a moment later.
        void env.session.refresh().catch(() => undefined);
      } catch (error) {
        setState({ phase: "failed", label, error: chainUserError(error) });
        // A refusal usually means the page's facts are stale: read the chain again.
        void queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
      }
    },
    [env.wallet, env.sender, env.reader, env.account, env.session, queryClient],
  );
  const reset = useCallback(() => {
    setState({ phase: "idle" });
    void queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
  }, [queryClient]);
  return { state, busy, run, reset, walletGate: env.wallet };
}

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
