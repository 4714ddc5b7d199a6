/**
 * A chain action's life, as in the dApp: simulate, send, wait, then re-read the chain; its state
 * is what ActionStatus (controls.tsx) shows.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { chainUserError } from "./chain-errors.js";
import type { ActionState } from "./controls.js";
import { useChainEnv } from "./env.js";
import { type ChainCall, type SentAction, sendChainCall } from "./send.js";

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
      let sentHash: `0x${string}` | undefined;
      try {
        const sent = await sendChainCall(
          call,
          { reader: env.reader, sender: env.sender, account: env.account },
          (phase, hash) => {
            if (hash) sentHash = hash;
            setState({ phase, label, ...(hash ? { hash } : {}) });
          },
        );
        onDone?.(sent);
        // "Done" once the screen reads the chain after the transaction, never beside stale facts.
        await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
        setState({ phase: "done", label, hash: sent.hash });
        // The shell's project list comes from the indexer, which follows a moment later.
        void env.session.refresh().catch(() => undefined);
      } catch (error) {
        setState({
          phase: "failed",
          label,
          error: chainUserError(error, "send", { account: env.account, ...(sentHash ? { sentHash } : {}) }),
        });
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
