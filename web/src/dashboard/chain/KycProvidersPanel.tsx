/**
 * The project's verification providers and required checks (issue 15), on the Projects screen:
 * read from the issuer's public project answer, edited by the project's admins (the order of
 * preference, up and down; the checks, with the level each set earns against the project's
 * required level) and saved at the issuer. Saving needs the issuer's own sign-in: the wallet signs
 * a second message unless this tab already holds an issuer token for the account. Everyone else
 * sees the settings read-only, with the reason.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useServices } from "../../app/services.js";
import { IssuerError } from "../../clients/issuer/issuer-client.js";
import type { Project as IssuerProject } from "../../clients/issuer/schemas.js";
import { KYC_CHECKS } from "../../clients/issuer/schemas.js";
import { forgetToken, signInToIssuer, storedToken } from "../../clients/issuer/sign-in.js";
import { Progress } from "../../ui/Progress.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { type DashboardError, issuerSettingsError } from "../errors.js";
import { DashboardErrorPanel } from "../ui.js";
import { GatedButton } from "./controls.js";
import { useChainEnv } from "./env.js";
import {
  CHECK_WORDS,
  checkNote,
  draftProblems,
  issuerSignGate,
  type KycDraft,
  LEVEL_WORDS,
  levelFor,
  levelSentence,
  moveProvider,
  normalizeChecks,
  orderWords,
  sameSettings,
  settingsBody,
  toggleCheck,
} from "./kyc-settings.js";
import { projectGate } from "./permissions.js";
import type { Project } from "./reads.js";

/** What the wallet shows when the dashboard signs in to the issuer. */
export const ISSUER_ADMIN_STATEMENT =
  "Sign in to the OneKey issuer to change a project's verification settings. This costs nothing and sends no transaction.";

type SaveState =
  | { phase: "idle" }
  | { phase: "signing" | "saving" }
  | { phase: "done"; saved: KycDraft }
  | { phase: "failed"; error: DashboardError };

export function KycProvidersPanel({ project }: { project: Project }) {
  const { issuer, config } = useServices();
  const { account } = useChainEnv();
  const { wallet } = useWallet();
  const queryClient = useQueryClient();
  const titleId = useId();
  const id = String(project.projectId);
  const queryKey = ["dashboard", "issuer-project", id];
  const current = useQuery({ queryKey, queryFn: () => issuer.project(id) });
  const [save, setSave] = useState<SaveState>({ phase: "idle" });
  const admin = projectGate("settings", project);
  const signGate = issuerSignGate(account, wallet?.subject);
  const signedIn = Boolean(wallet && storedToken(config.issuerUrl, wallet.subject));

  const submit = async (draft: KycDraft) => {
    if (!wallet) return;
    try {
      let token = storedToken(config.issuerUrl, wallet.subject);
      if (!token) {
        setSave({ phase: "signing" });
        token = await signInToIssuer(issuer, config.issuerUrl, wallet.subjectSigner, undefined, ISSUER_ADMIN_STATEMENT);
      }
      setSave({ phase: "saving" });
      const answer = await issuer.setKycSettings(token.token, id, settingsBody(draft));
      queryClient.setQueryData<IssuerProject>(queryKey, answer);
      setSave({ phase: "done", saved: { providers: answer.providers, checks: normalizeChecks(answer.checks) } });
    } catch (error) {
      // A token the issuer no longer accepts is dropped: the next save signs in again.
      if (error instanceof IssuerError && error.status === 401) forgetToken(config.issuerUrl, wallet.subject);
      setSave({ phase: "failed", error: issuerSettingsError(error) });
    }
  };

  const data = current.data;
  return (
    <section className="kyc-panel" aria-labelledby={titleId} data-testid="kyc-providers">
      <h3 id={titleId}>Verification providers</h3>
      <p className="small muted">
        The identity providers that check people who verify for this project, and the checks they must pass. The issuer
        stores these (not the chain): it starts each check at the first provider able to do every required check, and
        falls back down the list.
      </p>
      {current.isPending ? <Progress label="Reading the settings from the issuer" /> : null}
      {current.error ? (
        <DashboardErrorPanel error={issuerSettingsError(current.error)} onRetry={() => void current.refetch()} />
      ) : null}
      {data ? (
        <p>
          Required level of this project: <strong data-testid="kyc-required-level">{data.requiredLevel}</strong>{" "}
          <span className="small muted">(set under Settings, on the chain)</span>
        </p>
      ) : null}
      {data && !admin.allowed ? <ReadOnly project={data} reason={admin.reason} /> : null}
      {data && admin.allowed ? (
        <Editor
          // A new saved state (after a save or a reload) starts a new draft from it.
          key={`${data.providers.join()}|${data.checks.join()}`}
          saved={{ providers: data.providers, checks: normalizeChecks(data.checks) }}
          requiredLevel={data.requiredLevel}
          signGate={signGate}
          signedIn={signedIn}
          busy={save.phase === "signing" || save.phase === "saving"}
          onSave={(draft) => void submit(draft)}
          onEdit={() => save.phase === "done" && setSave({ phase: "idle" })}
        />
      ) : null}
      {save.phase === "signing" ? (
        <div aria-live="polite">
          <Progress label="Signing in to the issuer" text="Sign the message in your wallet (free, no transaction)" />
        </div>
      ) : null}
      {save.phase === "saving" ? (
        <div aria-live="polite">
          <Progress label="Saving at the issuer" />
        </div>
      ) : null}
      {save.phase === "done" ? (
        <p className="notice ok" role="status" data-testid="kyc-saved">
          Saved. People who verify for {data?.slug ?? "this project"} now start with {orderWords(save.saved.providers)},
          and pass {save.saved.checks.join(", ")} (level {levelFor(save.saved.checks)}).
        </p>
      ) : null}
      {save.phase === "failed" ? (
        <DashboardErrorPanel error={save.error} onRetry={() => setSave({ phase: "idle" })} />
      ) : null}
    </section>
  );
}

function ReadOnly({ project, reason }: { project: IssuerProject; reason: string }) {
  const checks = normalizeChecks(project.checks);
  return (
    <div data-testid="kyc-read-only">
      <p className="small muted gate-reason">Read only. {reason}</p>
      <h4>Order of preference</h4>
      <ol className="provider-order" aria-label="Providers, most preferred first">
        {project.providers.map((name, index) => (
          <li key={name} data-provider={name}>
            <span className="provider-name">
              <span aria-hidden="true">{index + 1}. </span>
              <code>{name}</code>
            </span>
          </li>
        ))}
      </ol>
      <h4>Required checks</h4>
      <ul>
        {checks.map((check) => (
          <li key={check}>{CHECK_WORDS[check]}</li>
        ))}
      </ul>
      <p className="small">These checks earn level {levelFor(checks)}.</p>
    </div>
  );
}

function Editor({
  saved,
  requiredLevel,
  signGate,
  signedIn,
  busy,
  onSave,
  onEdit,
}: {
  saved: KycDraft;
  requiredLevel: number;
  signGate: ReturnType<typeof issuerSignGate>;
  signedIn: boolean;
  busy: boolean;
  onSave(draft: KycDraft): void;
  onEdit(): void;
}) {
  const [draft, setDraft] = useState<KycDraft>(saved);
  const [moved, setMoved] = useState("");
  const [problems, setProblems] = useState<{ providers?: string; checks?: string }>({});
  const base = useId();
  const level = levelSentence(draft.checks, requiredLevel);
  const unchanged = sameSettings(draft, saved);
  const edit = (next: KycDraft) => {
    setDraft(next);
    setProblems({});
    onEdit();
  };
  const move = (index: number, by: -1 | 1) => {
    const target = index + by;
    const name = draft.providers[index];
    if (name === undefined || target < 0 || target >= draft.providers.length) return;
    edit({ ...draft, providers: moveProvider(draft.providers, index, by) });
    setMoved(`${name} is now number ${target + 1} of ${draft.providers.length}.`);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = draftProblems(draft, requiredLevel);
    setProblems(found);
    if (found.providers || found.checks) return;
    onSave(draft);
  };
  return (
    <form className="chain-form" onSubmit={submit} noValidate>
      <fieldset aria-describedby={problems.providers ? `${base}-providers-error` : undefined}>
        <legend>Order of preference</legend>
        <ol className="provider-order">
          {draft.providers.map((name, index) => (
            <li key={name} data-provider={name}>
              <span className="provider-name">
                <span aria-hidden="true">{index + 1}. </span>
                <code>{name}</code>
              </span>
              <MoveButton label={`Move ${name} up`} disabled={index === 0} onClick={() => move(index, -1)} text="Up" />
              <MoveButton
                label={`Move ${name} down`}
                disabled={index === draft.providers.length - 1}
                onClick={() => move(index, 1)}
                text="Down"
              />
            </li>
          ))}
        </ol>
        <p className="sr-only" aria-live="polite">
          {moved}
        </p>
        {problems.providers ? (
          <p id={`${base}-providers-error`} className="field-error small">
            {problems.providers}
          </p>
        ) : null}
      </fieldset>
      <fieldset aria-describedby={`${base}-levels`}>
        <legend>Required checks</legend>
        <p id={`${base}-levels`} className="small muted">
          {LEVEL_WORDS}
        </p>
        {KYC_CHECKS.map((check) => {
          const id = `${base}-${check}`;
          return (
            <div className="check-row" key={check}>
              <input
                type="checkbox"
                id={id}
                checked={draft.checks.includes(check)}
                aria-describedby={`${id}-note`}
                onChange={(e) => edit({ ...draft, checks: toggleCheck(draft.checks, check, e.target.checked) })}
              />
              <label htmlFor={id}>{CHECK_WORDS[check]}</label>
              <span id={`${id}-note`} className="small muted check-note">
                {checkNote(draft.checks, check, requiredLevel)}
              </span>
            </div>
          );
        })}
      </fieldset>
      <p
        className={`small ${level.ok ? "" : "field-error"}`}
        data-testid="kyc-level"
        data-level={levelFor(draft.checks)}
        aria-live="polite"
      >
        {problems.checks ?? level.text}
      </p>
      <div>
        <GatedButton type="submit" gate={{ allowed: true }} walletGate={signGate} busy={busy || unchanged}>
          {signedIn ? "Save providers and checks" : "Save (your wallet signs in to the issuer)"}
        </GatedButton>
        {unchanged ? <span className="small muted"> No unsaved changes.</span> : null}
      </div>
    </form>
  );
}

/** Up or down: stays focusable at the ends of the list (so focus is not lost after a move), and says it cannot move. */
function MoveButton({
  label,
  disabled,
  onClick,
  text,
}: {
  label: string;
  disabled: boolean;
  onClick(): void;
  text: string;
}) {
  return (
    <button
      type="button"
      className="button secondary move"
      aria-label={label}
      aria-disabled={disabled}
      onClick={disabled ? undefined : onClick}
    >
      {text}
    </button>
  );
}
