/**
 * Projects: create one under an organization you administer (the slug checked live against the
 * registry), then for the chosen project its verify link and QR code, settings (required level,
 * accepted issuers, metadata), its verification providers and required checks (kept by the
 * issuer, KycProvidersPanel.tsx), status, and roles (admin, reader, sponsor manager: grant,
 * revoke, and your own offers to accept or decline).
 */
import { PROJECT_ROLES, PROJECT_STATUS_NAMES, projectRegistryAbi } from "@onekey/deploy";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { parseEventLogs } from "viem";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { shortAddress } from "../../ui/format.js";
import { Progress } from "../../ui/Progress.js";
import { CHAIN_QUERY, useChainAction } from "./action.js";
import { chainUserError } from "./chain-errors.js";
import { ActionStatus, Field, GatedButton } from "./controls.js";
import { useChainEnv } from "./env.js";
import { parseAccount, parseSettings } from "./forms.js";
import { KycProvidersPanel } from "./KycProvidersPanel.js";
import { organizationGate, projectGate, ROLE_CHOICES, roleNames } from "./permissions.js";
import { QrCode } from "./QrCode.js";
import type { Project } from "./reads.js";
import { ChainScreen } from "./session-bridge.js";
import { slugMessage } from "./slug.js";
import { useProjects } from "./useProjects.js";
import { useSlugCheck } from "./useSlugCheck.js";
import "./chain.css";
import { PaysFrom } from "./PaysFrom.js";

export function ProjectsScreen() {
  const { session } = useChainEnv();
  const list = useProjects();
  const chosen = list.data?.projects.find((p) => p.projectId === session.projectId) ?? list.data?.projects[0];
  return (
    <div className="chain-screen">
      <h1>Projects</h1>
      <p className="muted">
        A project is what people verify for: its link, the level it asks for, the issuers it trusts and who manages it.
      </p>
      <PaysFrom />
      <section className="card" aria-labelledby="projects-title">
        <h2 id="projects-title">Your projects</h2>
        {list.isPending ? <Progress label="Reading your projects from the chain" /> : null}
        {list.error ? <ErrorPanel error={chainUserError(list.error)} onAction={() => void list.refetch()} /> : null}
        {list.data && list.data.projects.length === 0 ? <p>No projects yet. Create one below.</p> : null}
        <ul className="chain-list">
          {list.data?.projects.map((p) => (
            <li key={String(p.projectId)}>
              <button
                type="button"
                className="button secondary"
                aria-pressed={chosen?.projectId === p.projectId}
                onClick={() => session.setProjectId(p.projectId)}
              >
                {p.slug}
              </button>
              <span className="small muted">
                project {String(p.projectId)} · organization {String(p.orgId)} · {PROJECT_STATUS_NAMES[p.status]}
              </span>
            </li>
          ))}
        </ul>
      </section>
      {chosen ? <ProjectDetails key={String(chosen.projectId)} project={chosen} /> : null}
      <CreateProject orgs={list.data?.orgs.filter((o) => o.accountIsAdmin).map((o) => o.orgId) ?? []} />
    </div>
  );
}

function CreateProject({ orgs }: { orgs: bigint[] }) {
  const { account, calls, reads, session } = useChainEnv();
  const action = useChainAction();
  const [orgId, setOrgId] = useState("");
  const [slug, setSlug] = useState("");
  const [requiredLevel, setRequiredLevel] = useState("1");
  const [acceptedIssuers, setAcceptedIssuers] = useState("");
  const [metadataURI, setMetadataURI] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const check = useSlugCheck(slug);
  const org = orgId || (orgs[0] !== undefined ? String(orgs[0]) : "");
  const orgFacts = useQuery({
    queryKey: [CHAIN_QUERY, "organization", org, account],
    queryFn: () => reads.organization(BigInt(org), account),
    enabled: org !== "",
  });
  const gate = orgFacts.data
    ? organizationGate("createProject", account, orgFacts.data)
    : { allowed: false as const, reason: "Create an organization first (Organizations), or be made an admin of one." };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSettings({ requiredLevel, acceptedIssuers, metadataURI });
    const next: Record<string, string> = parsed.ok ? {} : { ...parsed.errors };
    if (check.state !== "free")
      next.slug = check.state === "checking" ? "Wait for the check to finish." : slugMessage(check);
    setErrors(next);
    if (!parsed.ok || check.state !== "free") return;
    void action.run(calls.createProject(BigInt(org), slug, parsed.value), `Create project ${slug}`, ({ receipt }) => {
      const [created] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "ProjectCreated" });
      if (created) session.setProjectId(created.args.projectId);
      setSlug("");
      setRequiredLevel("1");
      setAcceptedIssuers("");
      setMetadataURI("");
    });
  };
  return (
    <section className="card" aria-labelledby="create-project-title">
      <h2 id="create-project-title">Create a project</h2>
      <form className="chain-form" onSubmit={submit} noValidate>
        <Field label="Organization">
          {(p) => (
            <select {...p} value={org} onChange={(e) => setOrgId(e.target.value)}>
              {orgs.length === 0 ? <option value="">none you administer</option> : null}
              {orgs.map((id) => (
                <option key={String(id)} value={String(id)}>
                  Organization {String(id)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <label htmlFor="project-slug">Slug</label>
          <input
            id="project-slug"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            aria-invalid={check.state === "invalid" || check.state === "taken" || Boolean(errors.slug)}
            aria-describedby="project-slug-state"
            autoComplete="off"
            spellCheck={false}
          />
          <span id="project-slug-state" className="small slug-state" data-state={check.state} aria-live="polite">
            {slugMessage(check)}
          </span>
        </div>
        <SettingsFields
          values={{ requiredLevel, acceptedIssuers, metadataURI }}
          set={{ requiredLevel: setRequiredLevel, acceptedIssuers: setAcceptedIssuers, metadataURI: setMetadataURI }}
          errors={errors}
        />
        <div>
          <GatedButton type="submit" gate={gate} walletGate={action.walletGate} busy={action.busy}>
            Create project
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </section>
  );
}

type SettingsValues = { requiredLevel: string; acceptedIssuers: string; metadataURI: string };

function SettingsFields({
  values,
  set,
  errors,
}: {
  values: SettingsValues;
  set: { [K in keyof SettingsValues]: (v: string) => void };
  errors: Record<string, string>;
}) {
  return (
    <>
      <Field
        label="Required KYC level"
        error={errors.requiredLevel}
        hint="1 to 255: the least level a user's attestation must have."
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={values.requiredLevel}
            onChange={(e) => set.requiredLevel(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Accepted issuers"
        error={errors.acceptedIssuers}
        hint="Addresses, one per line or separated by commas, at most 16. Empty: any issuer registered with OneKey."
      >
        {(p) => (
          <textarea {...p} value={values.acceptedIssuers} onChange={(e) => set.acceptedIssuers(e.target.value)} />
        )}
      </Field>
      <Field
        label="Metadata link (optional)"
        error={errors.metadataURI}
        hint="Public: name, logo, terms. Never personal data."
      >
        {(p) => (
          <input
            {...p}
            value={values.metadataURI}
            onChange={(e) => set.metadataURI(e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
    </>
  );
}

function ProjectDetails({ project }: { project: Project }) {
  const link = `${window.location.origin}/verify/${project.slug}`;
  return (
    <section className="card" aria-labelledby="project-title" data-project={project.slug}>
      <h2 id="project-title">
        {project.slug} <span className="small muted">project {String(project.projectId)}</span>
      </h2>
      <dl className="facts">
        <dt>Organization</dt>
        <dd>{String(project.orgId)}</dd>
        <dt>Status</dt>
        <dd data-testid="project-status">
          {PROJECT_STATUS_NAMES[project.status]}
          {project.suspendedByGovernance ? " (held by protocol governance)" : ""}
        </dd>
        <dt>Your roles</dt>
        <dd>
          {[
            ...(project.accountIsOrgAdmin ? ["organization admin"] : []),
            ...roleNames(project.roles).map((r) => r.toLowerCase()),
          ].join(", ") || "none"}
        </dd>
      </dl>
      <h3>Verify link</h3>
      <div className="verify-link">
        <QrCode text={link} label={`QR code of the verify link ${link}`} />
        <div>
          <p>
            Send people here to verify and consent to this project:
            <br />
            <a href={link} data-testid="verify-link">
              {link}
            </a>
          </p>
          <CopyButton text={link} />
        </div>
      </div>
      <Settings project={project} />
      <KycProvidersPanel project={project} />
      <Status project={project} />
      <Roles project={project} />
    </section>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <>
      <button
        type="button"
        className="button secondary"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied("copied"),
            () => setCopied("failed"),
          )
        }
      >
        Copy link
      </button>
      <span role="status" className="small muted">
        {copied === "copied"
          ? "Copied."
          : copied === "failed"
            ? "This browser refused; select the link and copy it."
            : ""}
      </span>
    </>
  );
}

function Settings({ project }: { project: Project }) {
  const { calls } = useChainEnv();
  const action = useChainAction();
  const [requiredLevel, setRequiredLevel] = useState(String(project.requiredLevel));
  const [acceptedIssuers, setAcceptedIssuers] = useState(project.acceptedIssuers.join("\n"));
  const [metadataURI, setMetadataURI] = useState(project.metadataURI);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSettings({ requiredLevel, acceptedIssuers, metadataURI });
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    void action.run(calls.updateSettings(project.projectId, parsed.value), "Save the settings");
  };
  return (
    <>
      <h3>Settings</h3>
      <form className="chain-form" onSubmit={submit} noValidate>
        <SettingsFields
          values={{ requiredLevel, acceptedIssuers, metadataURI }}
          set={{ requiredLevel: setRequiredLevel, acceptedIssuers: setAcceptedIssuers, metadataURI: setMetadataURI }}
          errors={errors}
        />
        <div>
          <GatedButton
            type="submit"
            gate={projectGate("settings", project)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Save settings
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

function Status({ project }: { project: Project }) {
  const { calls } = useChainEnv();
  const action = useChainAction();
  const active = project.status === 1;
  return (
    <>
      <h3>Status</h3>
      <p className="small muted">
        A suspended project keeps its data but gains no consents, opens no records and is not sponsored.
      </p>
      <GatedButton
        gate={projectGate("status", project)}
        walletGate={action.walletGate}
        busy={action.busy}
        variant={active ? "danger" : ""}
        onClick={() =>
          void action.run(
            calls.setStatus(project.projectId, active ? 2 : 1),
            active ? "Suspend the project" : "Re-activate the project",
          )
        }
      >
        {active ? "Suspend project" : "Re-activate project"}
      </GatedButton>
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

function Roles({ project }: { project: Project }) {
  const { calls, reads, account } = useChainEnv();
  const action = useChainAction();
  const members = useQuery({
    queryKey: [CHAIN_QUERY, "members", String(project.projectId)],
    queryFn: () => reads.members(project.projectId),
  });
  const [candidate, setCandidate] = useState("");
  const [role, setRole] = useState<number>(PROJECT_ROLES.READER);
  const [error, setError] = useState<string | undefined>();
  const manage = projectGate("grantRole", project);
  const grant = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAccount({ account: candidate });
    if (!parsed.ok) return setError(parsed.errors.account);
    setError(undefined);
    const name = ROLE_CHOICES.find((c) => c.role === role)?.name ?? String(role);
    void action.run(
      calls.grantRole(project.projectId, parsed.value.account, role),
      `Grant ${name} to ${shortAddress(parsed.value.account)}`,
      () => setCandidate(""),
    );
  };
  return (
    <>
      <h3>Roles</h3>
      <ul className="small muted">
        {ROLE_CHOICES.map((c) => (
          <li key={c.role}>
            <strong>{c.name}</strong>: {c.what}
          </li>
        ))}
      </ul>
      {members.isPending ? <Progress label="Reading the project's roles" /> : null}
      {members.data && members.data.length > 0 ? (
        <table data-testid="members">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Roles</th>
              <th scope="col">Offered, not accepted</th>
              <th scope="col">
                <span className="sr-only">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.account} data-member={m.account.toLowerCase()}>
                <td>
                  <code title={m.account}>{shortAddress(m.account)}</code>
                  {m.account.toLowerCase() === account.toLowerCase() ? " (you)" : ""}
                </td>
                <td>{roleNames(m.roles).join(", ") || "—"}</td>
                <td>{roleNames(m.offered).join(", ") || "—"}</td>
                <td>
                  {ROLE_CHOICES.filter((c) => ((m.roles | m.offered) & c.role) !== 0).map((c) => (
                    <GatedButton
                      key={c.role}
                      gate={projectGate("revokeRole", project)}
                      walletGate={action.walletGate}
                      busy={action.busy}
                      variant="secondary"
                      label={`Revoke ${c.name} from ${m.account}`}
                      onClick={() =>
                        void action.run(
                          calls.revokeRole(project.projectId, m.account, c.role),
                          `Revoke ${c.name} from ${shortAddress(m.account)}`,
                        )
                      }
                    >
                      Revoke {c.name.toLowerCase()}
                    </GatedButton>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : members.data ? (
        <p className="small">No account holds a project role; the organization's owner and admins manage it.</p>
      ) : null}
      <form className="chain-form" onSubmit={grant} noValidate>
        <div className="chain-row">
          <Field label="Account" error={error}>
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
          <Field label="Role">
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(Number(e.target.value))}>
                {ROLE_CHOICES.map((c) => (
                  <option key={c.role} value={c.role}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <p className="small muted">
          A reader role for another account is an offer: it takes effect when that account accepts it here.
        </p>
        <div>
          <GatedButton type="submit" gate={manage} walletGate={action.walletGate} busy={action.busy}>
            Grant role
          </GatedButton>
        </div>
      </form>
      {project.offered !== 0 || project.roles !== 0 ? (
        <div className="actions">
          {(project.offered & PROJECT_ROLES.READER) !== 0 ? (
            <GatedButton
              gate={projectGate("acceptReader", project)}
              walletGate={action.walletGate}
              busy={action.busy}
              onClick={() =>
                void action.run(calls.acceptRole(project.projectId, PROJECT_ROLES.READER), "Accept the reader role")
              }
            >
              Accept the reader role offered to you
            </GatedButton>
          ) : null}
          {ROLE_CHOICES.filter((c) => ((project.roles | project.offered) & c.role) !== 0).map((c) => (
            <GatedButton
              key={c.role}
              gate={projectGate("renounceRole", project, c.role)}
              walletGate={action.walletGate}
              busy={action.busy}
              variant="secondary"
              onClick={() =>
                void action.run(calls.renounceRole(project.projectId, c.role), `Give up your ${c.name} role`)
              }
            >
              Give up my {c.name.toLowerCase()} role
            </GatedButton>
          ))}
        </div>
      ) : null}
      <ActionStatus state={action.state} onReset={action.reset} />
    </>
  );
}

export default function ProjectsRoute() {
  return (
    <ChainScreen>
      <ProjectsScreen />
    </ChainScreen>
  );
}
