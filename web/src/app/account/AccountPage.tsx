/**
 * `/account`: the person's attestation, their consents per project (grant and revoke, sponsored),
 * the decrypt delegate for smart accounts, "view my record" (downloaded and decrypted in this
 * browser), and erasure. Reads come from the chain; every write is one sponsored operation.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link } from "react-router";
import type { Address } from "viem";
import { toUserError, type UserError } from "../../clients/errors.js";
import { type CurrentAttestation, Registry, registryCalls } from "../../clients/registry.js";
import type { AppWallet } from "../../clients/wallet/app-wallet.js";
import { type SponsoredCall, UserOpFailedError } from "../../clients/wallet/sponsored-sender.js";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { dateOf, levelName, shortAddress } from "../../ui/format.js";
import { Progress } from "../../ui/Progress.js";
import { WalletPicker } from "../../ui/wallet/WalletPicker.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { useServices } from "../services.js";
import { openMyRecord } from "./open-record.js";
import { payingProjects, sendPaidByOneOf } from "./sponsor.js";

export function AccountPage() {
  const { wallet, disconnect } = useWallet();
  return (
    <div className="page narrow">
      <h1>Your account</h1>
      {wallet ? (
        <>
          <p className="muted">
            Account <code>{wallet.subject}</code> ({wallet.label})
          </p>
          <button type="button" className="button secondary" onClick={() => void disconnect()}>
            Disconnect
          </button>
          <AccountDetails wallet={wallet} />
        </>
      ) : (
        <div className="card">
          <WalletPicker />
        </div>
      )}
    </div>
  );
}

function AccountDetails({ wallet }: { wallet: AppWallet }) {
  const { config, reader } = useServices();
  const registry = useRef(new Registry(reader, config)).current;
  const subject = wallet.subject;
  const attestation = useQuery({
    queryKey: ["attestation", subject],
    queryFn: async () => (await registry.attestation(subject)) ?? null,
  });
  const consents = useQuery({
    queryKey: ["consents", subject],
    queryFn: async () => {
      const list = await registry.consents(subject);
      return Promise.all(list.map(async (c) => ({ ...c, slug: await registry.projectSlug(c.projectId) })));
    },
  });
  const delegate = useQuery({
    queryKey: ["delegate", subject],
    queryFn: async () => (await registry.decryptDelegateOf(subject)) ?? null,
  });

  if (attestation.isPending) return <Progress label="Reading your attestation from the chain" />;
  if (attestation.error)
    return <ErrorPanel error={toUserError(attestation.error)} onAction={() => void attestation.refetch()} />;
  const current = attestation.data ?? undefined;
  return (
    <>
      <AttestationCard attestation={current} />
      <ConsentsCard
        wallet={wallet}
        registry={registry}
        consents={consents.data}
        live={Boolean(current?.live)}
        loading={consents.isPending}
      />
      {current && current.status !== "erased" ? (
        <>
          <DelegateCard wallet={wallet} delegate={delegate.data ?? undefined} consents={consents.data} />
          <RecordCard wallet={wallet} attestation={current} delegate={delegate.data ?? undefined} />
          <EraseCard wallet={wallet} consents={consents.data} />
        </>
      ) : null}
    </>
  );
}

function AttestationCard({ attestation }: { attestation: CurrentAttestation | undefined }) {
  if (!attestation) {
    return (
      <section className="card" aria-labelledby="att-title">
        <h2 id="att-title">Your verification</h2>
        <p>You are not verified yet. Open the verify link a project gave you to start.</p>
      </section>
    );
  }
  const expired = attestation.status === "active" && !attestation.live;
  const status = expired ? "expired" : attestation.status;
  return (
    <section className="card" aria-labelledby="att-title">
      <h2 id="att-title">Your verification</h2>
      <dl className="facts" data-testid="attestation">
        <dt>Status</dt>
        <dd data-status={status}>{statusWords[status]}</dd>
        <dt>Level</dt>
        <dd>{levelName(attestation.level)}</dd>
        <dt>Issued</dt>
        <dd>{dateOf(attestation.issuedAt)}</dd>
        {status === "erased" || status === "revoked" ? null : (
          <>
            <dt>Valid until</dt>
            <dd>{dateOf(attestation.expiresAt)}</dd>
          </>
        )}
      </dl>
      {status === "erased" ? (
        <p>To verify again, open the verify link a project gave you. You start from the beginning.</p>
      ) : null}
    </section>
  );
}

const statusWords: Record<string, string> = {
  active: "Active",
  expired: "Expired: verify again through a project's link",
  revoked: "Revoked by the issuer",
  erased: "Erased: nobody can decrypt the record any more",
  none: "None",
};

interface ConsentRow {
  projectId: bigint;
  granted: boolean;
  slug: string;
}

/** One sponsored action at a time, with its failure in the error table's words. */
function useSponsoredAction(wallet: AppWallet) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<UserError | undefined>();
  const mutation = useMutation({
    mutationFn: async ({ calls, payers }: { calls: SponsoredCall[]; payers: bigint[] }) => {
      setError(undefined);
      const outcome = await sendPaidByOneOf(wallet, calls, payers);
      if (outcome.status !== "success") throw new UserOpFailedError(outcome.transactionHash);
    },
    onError: (failure) => setError(toUserError(failure)),
    onSettled: () => queryClient.invalidateQueries({ predicate: (q) => q.queryKey[1] === wallet.subject }),
  });
  return { mutation, error, clearError: () => setError(undefined) };
}

function ConsentsCard({
  wallet,
  registry: _registry,
  consents,
  live,
  loading,
}: {
  wallet: AppWallet;
  registry: Registry;
  consents: ConsentRow[] | undefined;
  live: boolean;
  loading: boolean;
}) {
  const { config } = useServices();
  const { mutation, error, clearError } = useSponsoredAction(wallet);
  const [pending, setPending] = useState<bigint | undefined>();
  const act = (row: ConsentRow) => {
    setPending(row.projectId);
    const call = row.granted
      ? registryCalls.revokeConsent(config.contracts.kycRegistry, row.projectId)
      : registryCalls.grantConsent(config.contracts.kycRegistry, row.projectId);
    // A project pays only for its own consent changes.
    mutation.mutate({ calls: [call], payers: [row.projectId] }, { onSettled: () => setPending(undefined) });
  };
  return (
    <section className="card" aria-labelledby="consents-title">
      <h2 id="consents-title">Projects you share with</h2>
      <p className="muted small">
        A project with your consent can check your verification and read your encrypted record. Withdrawing stops both
        at once.
      </p>
      {error ? <ErrorPanel error={error} onAction={clearError} available={(a) => a === "retry"} /> : null}
      {loading ? (
        <Progress label="Reading your consents" />
      ) : consents && consents.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Consent</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {consents.map((row) => (
              <tr key={String(row.projectId)} data-project={row.slug}>
                <td>{row.slug}</td>
                <td>{row.granted ? "Given" : "Withdrawn"}</td>
                <td>
                  {row.granted || live ? (
                    <button
                      type="button"
                      className="button secondary"
                      disabled={mutation.isPending}
                      onClick={() => act(row)}
                      aria-label={`${row.granted ? "Withdraw consent from" : "Give consent to"} ${row.slug}`}
                    >
                      {pending === row.projectId ? "Sending…" : row.granted ? "Withdraw" : "Give consent"}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>You have not given consent to any project.</p>
      )}
    </section>
  );
}

function DelegateCard({
  wallet,
  delegate,
  consents,
}: {
  wallet: AppWallet;
  delegate: Address | undefined;
  consents: ConsentRow[] | undefined;
}) {
  const { config } = useServices();
  const { mutation, error, clearError } = useSponsoredAction(wallet);
  const owner = wallet.ownerSigner?.address;
  const isOwner = Boolean(owner && delegate && owner.toLowerCase() === delegate.toLowerCase());
  return (
    <section className="card" aria-labelledby="delegate-title">
      <h2 id="delegate-title">Decrypt delegate</h2>
      <p className="muted small">
        Your account is a smart account. Key networks check a plain wallet key's signature, so reading your own record
        needs a key that speaks for the account: its decrypt delegate.
      </p>
      <p>
        Current delegate: {delegate ? <code>{shortAddress(delegate)}</code> : "none"}
        {isOwner ? " (this wallet's key)" : ""}
      </p>
      {error ? <ErrorPanel error={error} onAction={clearError} available={(a) => a === "retry"} /> : null}
      {owner && !isOwner ? (
        <button
          type="button"
          className="button secondary"
          disabled={mutation.isPending}
          onClick={() =>
            mutation.mutate({
              calls: [registryCalls.setDecryptDelegate(config.contracts.kycRegistry, owner)],
              payers: payingProjects(consents),
            })
          }
        >
          {mutation.isPending ? "Sending…" : `Make this wallet's key (${shortAddress(owner)}) the delegate`}
        </button>
      ) : null}
      {!owner ? <p className="small">This wallet signs for itself; it needs no delegate.</p> : null}
    </section>
  );
}

function RecordCard({
  wallet,
  attestation,
  delegate,
}: {
  wallet: AppWallet;
  attestation: CurrentAttestation;
  delegate: Address | undefined;
}) {
  const { config } = useServices();
  const requester =
    wallet.kind === "smart"
      ? wallet.subjectSigner
      : wallet.ownerSigner && delegate?.toLowerCase() === wallet.ownerSigner.address.toLowerCase()
        ? wallet.ownerSigner
        : undefined;
  const open = useMutation({
    mutationFn: () => openMyRecord(config, attestation, wallet.subject, requester as NonNullable<typeof requester>),
  });
  return (
    <section className="card" aria-labelledby="record-title">
      <h2 id="record-title">Your record</h2>
      <p className="muted small">
        Downloaded, checked against the chain and decrypted in this browser. It is shown here only and not saved.
      </p>
      {!attestation.live ? <p>Your attestation is not live, so its key is not released.</p> : null}
      {!requester ? <p>Name this wallet's key as your decrypt delegate first (above).</p> : null}
      {open.error ? (
        <ErrorPanel error={toUserError(open.error)} onAction={() => open.reset()} available={() => false} />
      ) : null}
      {open.data ? (
        <section aria-label="Your decrypted record">
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable) */}
          <pre className="record" data-testid="record" tabIndex={0}>
            {open.data}
          </pre>
        </section>
      ) : (
        <button
          type="button"
          className="button secondary"
          disabled={!requester || !attestation.live || open.isPending}
          onClick={() => open.mutate()}
        >
          {open.isPending ? "Opening…" : "View my record"}
        </button>
      )}
    </section>
  );
}

function EraseCard({ wallet, consents }: { wallet: AppWallet; consents: ConsentRow[] | undefined }) {
  const { config } = useServices();
  const dialog = useRef<HTMLDialogElement>(null);
  const { mutation, error, clearError } = useSponsoredAction(wallet);
  const erase = () =>
    mutation.mutate(
      {
        calls: [registryCalls.erase(config.contracts.kycRegistry)],
        payers: payingProjects(consents, { everGranted: true }),
      },
      { onSettled: () => dialog.current?.close() },
    );
  return (
    <section className="card" aria-labelledby="erase-title">
      <h2 id="erase-title">Erase your record</h2>
      {error ? <ErrorPanel error={error} onAction={clearError} available={(a) => a === "retry"} /> : null}
      <button type="button" className="button danger" onClick={() => dialog.current?.showModal()}>
        Erase my record…
      </button>
      <dialog ref={dialog} aria-labelledby="erase-dialog-title" aria-describedby="erase-dialog-text">
        <h2 id="erase-dialog-title">Erase your record for good?</h2>
        <div id="erase-dialog-text">
          <ul>
            <li>
              The key to your encrypted record is destroyed. Nobody can decrypt it again, you included. The encrypted
              copy stays in permanent storage, unreadable.
            </li>
            <li>Every consent you gave is withdrawn: no project sees you as verified any more.</li>
            <li>This cannot be undone. Verifying again starts from the beginning, and you give consent again.</li>
          </ul>
        </div>
        <div className="actions">
          <button type="button" className="button danger" disabled={mutation.isPending} onClick={erase}>
            {mutation.isPending ? "Erasing…" : "Erase for good"}
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep my record
          </button>
        </div>
      </dialog>
      <p className="small">
        Need to verify again later? <Link to="/">OneKey</Link> works with any project's verify link.
      </p>
    </section>
  );
}
