/**
 * A reader opens a consenting person's record: the opening goes to the project's audit log first
 * (the API refuses anyone but the project's readers, and subjects who do not consent), then the
 * record is downloaded, checked against the chain and decrypted in this browser with the reader's
 * own signature to the key network (the key service locally, Lit in production). The plaintext is
 * shown here only: it is not saved and never sent anywhere.
 */
import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import type { Address } from "viem";
import { openMyRecord } from "../../app/account/open-record.js";
import { useServices } from "../../app/services.js";
import { Registry } from "../../clients/registry.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { openRecordBlocked } from "../access.js";
import { useDashboard } from "../session.js";
import { Failure } from "../ui.js";

/** The id of the one sentence (above the list) that says why the buttons are off. */
export const OPEN_BLOCKED_ID = "open-record-blocked";

export function OpenRecord({ subject }: { subject: Address }) {
  const { api, projectId, project, address } = useDashboard();
  const { config, reader } = useServices();
  const { wallet } = useWallet();
  const registry = useRef(new Registry(reader, config)).current;
  const walletReady = Boolean(wallet && wallet.subject.toLowerCase() === address.toLowerCase());
  const blocked = openRecordBlocked(project?.roles, walletReady);
  const open = useMutation({
    mutationFn: async () => {
      if (!wallet || !projectId) throw new Error("no wallet or project");
      // The audit entry comes first: no key is asked for an opening the project has no record of.
      await api.request("POST", `/v1/admin/projects/${projectId}/records/${subject}/openings`);
      const attestation = await registry.attestation(subject);
      if (!attestation) throw new Error("This person has no attestation any more (erased or never verified).");
      return openMyRecord(config, attestation, subject, wallet.subjectSigner);
    },
  });

  if (open.data) {
    return (
      <section aria-label={`Record of ${subject}`} className="record-view">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable) */}
        <pre className="record" data-testid="record" tabIndex={0}>
          {open.data}
        </pre>
        <button type="button" className="button secondary" onClick={() => open.reset()}>
          Close the record
        </button>
      </section>
    );
  }
  return (
    <div>
      {open.error ? <Failure error={open.error} onRetry={() => open.reset()} /> : null}
      <button
        type="button"
        className="button secondary"
        disabled={Boolean(blocked) || open.isPending}
        title={blocked}
        aria-describedby={blocked ? OPEN_BLOCKED_ID : undefined}
        onClick={() => open.mutate()}
      >
        {open.isPending ? "Opening…" : "Open record"}
      </button>
    </div>
  );
}
