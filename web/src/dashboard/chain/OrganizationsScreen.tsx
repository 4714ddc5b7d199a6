/**
 * Organizations: create one, then for the chosen one its metadata, its admins (enable, disable)
 * and the two-step ownership transfer (the owner names the new owner, who accepts).
 */
import { projectRegistryAbi } from "@onekey/deploy";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type Address, parseEventLogs } from "viem";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { shortAddress } from "../../ui/format.js";
import { Progress } from "../../ui/Progress.js";
import { CHAIN_QUERY, useChainAction } from "./action.js";
import { chainUserError } from "./chain-errors.js";
import { ActionStatus, Field, GatedButton } from "./controls.js";
import { useChainEnv } from "./env.js";
import { parseAccount, parseMetadata, parseOrganization } from "./forms.js";
import { organizationGate } from "./permissions.js";
import type { Organization } from "./reads.js";
import { ChainScreen } from "./session-bridge.js";
import "./chain.css";
import { PaysFrom } from "./PaysFrom.js";

export function OrganizationsScreen() {
  const { reads, account } = useChainEnv();
  const [chosen, setChosen] = useState<bigint | undefined>();
  const orgs = useQuery({
    queryKey: [CHAIN_QUERY, "organizations", account],
    queryFn: () => reads.organizationsOf(account),
  });
  const selected = orgs.data?.find((o) => o.orgId === chosen) ?? orgs.data?.[0];
  return (
    <div className="chain-screen">
      <h1>Organizations</h1>
      <p className="muted">
        An organization owns projects. Its owner names admins, who create and manage projects; ownership moves in two
        steps, so it never goes to an address nobody controls.
      </p>
      <PaysFrom />
      <section className="card" aria-labelledby="orgs-title">
        <h2 id="orgs-title">Your organizations</h2>
        {orgs.isPending ? <Progress label="Reading your organizations from the chain" /> : null}
        {orgs.error ? (
          <ErrorPanel error={chainUserError(orgs.error)} onAction={() => void orgs.refetch()} />
        ) : orgs.data?.length === 0 ? (
          <p>You own or administer no organization yet. Create one below.</p>
        ) : (
          <ul className="chain-list">
            {orgs.data?.map((org) => (
              <li key={String(org.orgId)}>
                <button
                  type="button"
                  className="button secondary"
                  aria-pressed={selected?.orgId === org.orgId}
                  onClick={() => setChosen(org.orgId)}
                >
                  Organization {String(org.orgId)}
                </button>
                <span className="small muted">
                  {org.accountIsOwner ? "owner" : org.accountIsAdmin ? "admin" : "named as the new owner"}
                  {org.metadataURI ? ` · ${org.metadataURI}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {selected ? <OrganizationDetails key={String(selected.orgId)} org={selected} /> : null}
      <CreateOrganization onCreated={setChosen} />
    </div>
  );
}

function CreateOrganization({ onCreated }: { onCreated(orgId: bigint): void }) {
  const { account, calls } = useChainEnv();
  const action = useChainAction();
  const [owner, setOwner] = useState<string>(account);
  const [metadataURI, setMetadataURI] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseOrganization({ owner, metadataURI });
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    void action.run(
      calls.createOrganization(parsed.value.owner, parsed.value.metadataURI),
      "Create the organization",
      ({ receipt }) => {
        const [created] = parseEventLogs({
          abi: projectRegistryAbi,
          logs: receipt.logs,
          eventName: "OrganizationCreated",
        });
        if (created) onCreated(created.args.orgId);
        setMetadataURI("");
      },
    );
  };
  return (
    <section className="card" aria-labelledby="create-org-title">
      <h2 id="create-org-title">Create an organization</h2>
      <form className="chain-form" onSubmit={submit} noValidate>
        <Field label="Owner" error={errors.owner} hint="You, unless you create it for someone else.">
          {(p) => <input {...p} value={owner} onChange={(e) => setOwner(e.target.value)} autoComplete="off" />}
        </Field>
        <Field
          label="Metadata link (optional)"
          error={errors.metadataURI}
          hint="Public: name and logo, e.g. https://… or ipfs://…; never personal data."
        >
          {(p) => (
            <input {...p} value={metadataURI} onChange={(e) => setMetadataURI(e.target.value)} autoComplete="off" />
          )}
        </Field>
        <div>
          <GatedButton type="submit" gate={{ allowed: true }} walletGate={action.walletGate} busy={action.busy}>
            Create organization
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </section>
  );
}

function OrganizationDetails({ org }: { org: Organization }) {
  const { account } = useChainEnv();
  return (
    <section className="card" aria-labelledby="org-title" data-org={String(org.orgId)}>
      <h2 id="org-title">Organization {String(org.orgId)}</h2>
      <dl className="facts">
        <dt>Owner</dt>
        <dd>
          <code>{org.owner}</code>
          {org.accountIsOwner ? " (you)" : ""}
        </dd>
        <dt>Transfer</dt>
        <dd data-testid="pending-owner">
          {org.pendingOwner ? (
            <>
              pending to <code>{org.pendingOwner}</code>
              {org.pendingOwner.toLowerCase() === account.toLowerCase() ? " (you)" : ""}
            </>
          ) : (
            "none pending"
          )}
        </dd>
        <dt>Metadata</dt>
        <dd>{org.metadataURI || "none"}</dd>
      </dl>
      <Metadata org={org} />
      <Admins org={org} />
      <Ownership org={org} />
    </section>
  );
}

function Metadata({ org }: { org: Organization }) {
  const { account, calls } = useChainEnv();
  const action = useChainAction();
  const [value, setValue] = useState(org.metadataURI);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseMetadata({ metadataURI: value });
    if (!parsed.ok) return setError(parsed.errors.metadataURI);
    setError(undefined);
    void action.run(calls.setOrganizationMetadata(org.orgId, parsed.value.metadataURI), "Update the metadata");
  };
  return (
    <>
      <h3>Metadata</h3>
      <form className="chain-form" onSubmit={submit} noValidate>
        <Field label="Metadata link" error={error}>
          {(p) => <input {...p} value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />}
        </Field>
        <div>
          <GatedButton
            type="submit"
            gate={organizationGate("metadata", account, org)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Save metadata
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

function Admins({ org }: { org: Organization }) {
  const { account, calls, reads } = useChainEnv();
  const action = useChainAction();
  const admins = useQuery({
    queryKey: [CHAIN_QUERY, "admins", String(org.orgId)],
    queryFn: () => reads.adminsOf(org.orgId),
  });
  const [candidate, setCandidate] = useState("");
  const [error, setError] = useState<string | undefined>();
  const gate = organizationGate("setAdmin", account, org);
  const add = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAccount({ account: candidate });
    if (!parsed.ok) return setError(parsed.errors.account);
    setError(undefined);
    void action.run(calls.setOrganizationAdmin(org.orgId, parsed.value.account, true), "Enable the admin", () =>
      setCandidate(""),
    );
  };
  const disable = (admin: Address) =>
    void action.run(calls.setOrganizationAdmin(org.orgId, admin, false), `Disable admin ${shortAddress(admin)}`);
  return (
    <>
      <h3>Admins</h3>
      <p className="small muted">
        Admins create and manage the organization's projects. Disabling one also revokes every role it holds on them.
      </p>
      {admins.data && admins.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Admin</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {admins.data.map((admin) => (
              <tr key={admin} data-admin={admin}>
                <td>
                  <code>{admin}</code>
                </td>
                <td>
                  <GatedButton
                    gate={gate}
                    walletGate={action.walletGate}
                    busy={action.busy}
                    variant="secondary"
                    label={`Disable admin ${admin}`}
                    onClick={() => disable(admin)}
                  >
                    Disable
                  </GatedButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="small">{admins.isPending ? "Reading admins…" : "No admins besides the owner."}</p>
      )}
      <form className="chain-form" onSubmit={add} noValidate>
        <Field label="New admin address" error={error}>
          {(p) => (
            <input
              {...p}
              value={candidate}
              onChange={(e) => setCandidate(e.target.value)}
              autoComplete="off"
              placeholder="0x…"
            />
          )}
        </Field>
        <div>
          <GatedButton type="submit" gate={gate} walletGate={action.walletGate} busy={action.busy}>
            Enable admin
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

function Ownership({ org }: { org: Organization }) {
  const { account, calls } = useChainEnv();
  const action = useChainAction();
  const [newOwner, setNewOwner] = useState("");
  const [error, setError] = useState<string | undefined>();
  const begin = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAccount({ account: newOwner });
    if (!parsed.ok) return setError(parsed.errors.account);
    if (parsed.value.account.toLowerCase() === org.owner.toLowerCase())
      return setError("That address already owns the organization.");
    setError(undefined);
    void action.run(calls.transferOwnership(org.orgId, parsed.value.account), "Name the new owner", () =>
      setNewOwner(""),
    );
  };
  return (
    <>
      <h3>Ownership</h3>
      <p className="small muted">
        Step 1: the owner names the new owner. Step 2: the new owner signs in here and accepts. Until then nothing
        changes, and the owner can cancel. The previous owner loses its project roles unless it is also an admin.
      </p>
      <form className="chain-form" onSubmit={begin} noValidate>
        <Field label="New owner address" error={error}>
          {(p) => (
            <input
              {...p}
              value={newOwner}
              onChange={(e) => setNewOwner(e.target.value)}
              autoComplete="off"
              placeholder="0x…"
            />
          )}
        </Field>
        <div>
          <GatedButton
            type="submit"
            gate={organizationGate("transfer", account, org)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Begin the transfer
          </GatedButton>
        </div>
      </form>
      <div className="actions">
        <GatedButton
          gate={organizationGate("cancelTransfer", account, org)}
          walletGate={action.walletGate}
          busy={action.busy}
          variant="secondary"
          onClick={() => void action.run(calls.cancelTransfer(org.orgId), "Cancel the transfer")}
        >
          Cancel the transfer
        </GatedButton>
        <GatedButton
          gate={organizationGate("accept", account, org)}
          walletGate={action.walletGate}
          busy={action.busy}
          onClick={() => void action.run(calls.acceptOwnership(org.orgId), "Accept ownership")}
        >
          Accept ownership
        </GatedButton>
      </div>
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

export default function OrganizationsRoute() {
  return (
    <ChainScreen>
      <OrganizationsScreen />
    </ChainScreen>
  );
}
