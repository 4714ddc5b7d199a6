/**
 * `/verify/<slug>`: a project's verify link. The step list says where the person is; the main
 * panel says what happens now, what comes next and how long it usually takes; a failure shows the
 * error table's words and the ways forward. Focus moves to the heading on every step change, so
 * keyboard and screen-reader users follow along.
 */
import { useEffect, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { dateOf, kib, levelName, shortAddress } from "../../ui/format.js";
import { Progress } from "../../ui/Progress.js";
import { WalletPicker } from "../../ui/wallet/WalletPicker.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { SEAL_PHASES, type Step, stepsOf, type VerifyState } from "./machine.js";
import { providerAsksFor, providerNameCapitalized } from "./providers.js";
import { stepCopy } from "./steps.js";
import { useVerifyFlow, type VerifyFlow } from "./useVerifyFlow.js";

/** A `?return=` link back to the project, when it is a plain http(s) URL. */
function returnLink(raw: string | null): URL | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

export function VerifyPage() {
  const { slug = "" } = useParams();
  const [search] = useSearchParams();
  const back = returnLink(search.get("return"));
  const flow = useVerifyFlow(slug, back?.href);
  const { state, error } = flow;
  const heading = useRef<HTMLHeadingElement>(null);
  const copy = stepCopy(state.step, state.mode);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every step change, by design
  useEffect(() => {
    // Announce the new step; skip the very first render so the page does not jump on load.
    if (heading.current && document.activeElement !== document.body) heading.current.focus();
  }, [state.step]);

  return (
    <div className="page" data-step={state.step} data-failure={state.failure?.code ?? ""}>
      <p className="muted">
        Verification for <strong>{slug}</strong>
      </p>
      <div className="flow">
        <aside aria-label="Steps">
          <StepList state={state} />
        </aside>
        <section aria-labelledby="step-title" className="card">
          <h1 id="step-title" tabIndex={-1} ref={heading}>
            {state.failure ? copy.label : copy.title}
          </h1>
          {/* A failed step is not under way: its "now, next, usually takes" would contradict the failure. */}
          {state.step !== "verified" && !state.failure ? (
            <dl className="where">
              <div>
                <dt>Now</dt>
                <dd>
                  {state.step === "provider"
                    ? `${providerNameCapitalized(state.provider)} asks for ${providerAsksFor(flow.project?.checks)} on its own page.`
                    : copy.now}
                </dd>
              </div>
              <div>
                <dt>Next</dt>
                <dd>{copy.next}</dd>
              </div>
              <div>
                <dt>Usually takes</dt>
                <dd>{copy.usually}</dd>
              </div>
            </dl>
          ) : null}
          {error ? (
            <ErrorPanel
              key={`${state.step}:${error.code}`}
              error={error}
              onAction={(action) => void flow.onAction(action)}
              available={(action) => action !== "fallback" || Boolean(state.fallbackAvailable)}
            />
          ) : (
            <StepBody flow={flow} back={back} />
          )}
        </section>
      </div>
    </div>
  );
}

function StepList({ state }: { state: VerifyState }) {
  const steps = stepsOf(state.mode);
  const current = steps.indexOf(state.step);
  return (
    <ol className="steps">
      {steps.map((step, index) => {
        const status =
          state.failure && step === state.step
            ? "failed"
            : index < current || state.step === "verified"
              ? "done"
              : index === current
                ? "current"
                : "todo";
        return (
          <li key={step} data-state={status} aria-current={status === "current" ? "step" : undefined}>
            {stepCopy(step, state.mode).label}
            <span className="sr-only">{status === "done" ? " (done)" : status === "failed" ? " (failed)" : ""}</span>
          </li>
        );
      })}
    </ol>
  );
}

const WORKING: Partial<Record<Step, string>> = {
  checking: "Checking the chain",
  start: "Opening your session",
  receiving: "Receiving your result",
  signing: "Waiting for the issuer's signature",
  confirming: "Waiting for the network",
};

function StepBody({ flow, back }: { flow: VerifyFlow; back: URL | undefined }) {
  const { state, project, busy } = flow;
  const { wallet } = useWallet();
  const projectName = project?.slug ?? state.slug;
  switch (state.step) {
    case "connect":
      return <WalletPicker heading={false} />;
    case "signIn":
      return (
        <>
          <p>
            You are connected as <code>{wallet ? shortAddress(wallet.subject) : "…"}</code>. Your wallet will ask you to
            sign a message that starts with "Sign in to OneKey". It is not a transaction and costs nothing.
          </p>
          <div className="actions">
            <button type="button" className="button" disabled={busy || !wallet} onClick={() => void flow.signIn()}>
              Sign in with your wallet
            </button>
          </div>
        </>
      );
    case "provider":
      return (
        <>
          {state.resubmitting ? (
            <p className="notice info">The provider asked for more: please go through its step again.</p>
          ) : null}
          <p>
            {providerNameCapitalized(state.provider)} checks your identity on its own page. When you finish there, you
            come back here and this page continues by itself.
          </p>
          <div ref={flow.sdkContainer} />
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={busy || !state.launch}
              onClick={() => void flow.openProvider()}
            >
              Continue to the identity check
            </button>
          </div>
        </>
      );
    case "waiting":
      return (
        <>
          <Progress label="The provider is deciding" text={`Status: ${statusWords(state.status)}`} />
          <p className="muted small" role="status">
            Checked every second. You can close this page: the link brings you back here.
          </p>
        </>
      );
    case "encrypting": {
      const phase = state.sealPhase ?? "encrypt";
      const done = SEAL_PHASES.indexOf(phase);
      const words = {
        encrypt: "Encrypting in this browser",
        lock: "Locking the key to your attestation (your wallet may ask you to sign)",
        sign: "Preparing the upload",
      }[phase];
      return (
        <Progress
          label="Encrypting your record"
          value={done}
          max={SEAL_PHASES.length}
          text={`${done + 1} of 3: ${words}`}
        />
      );
    }
    case "uploading": {
      const upload = state.upload;
      return (
        <>
          <Progress
            label="Uploading the encrypted record"
            {...(upload ? { value: upload.sent, max: Math.max(upload.total, 1) } : {})}
            text={upload ? `${kib(upload.sent)} of ${kib(upload.total)}` : "Starting"}
          />
          <p className="muted small">Only ciphertext leaves this browser. A reload continues the upload.</p>
        </>
      );
    }
    case "submitting":
      return <ConsentStep flow={flow} projectName={projectName} />;
    case "verified":
      return <VerifiedScreen state={state} projectName={projectName} back={back} />;
    default:
      return <Progress label={WORKING[state.step] ?? "Working"} />;
  }
}

function ConsentStep({ flow, projectName }: { flow: VerifyFlow; projectName: string }) {
  const { state, busy } = flow;
  const consentOnly = state.mode === "consentOnly";
  const grant = state.grant?.request;
  return (
    <>
      {consentOnly ? (
        <p>
          You are already verified. <strong>{projectName}</strong> asks for your consent to use that verification.
        </p>
      ) : (
        <p>
          Your attestation is ready{grant ? ` (${levelName(grant.level)}, valid until ${dateOf(grant.expiresAt)})` : ""}
          .
        </p>
      )}
      <p>By confirming, you:</p>
      <ul>
        {consentOnly ? null : (
          <li>record your attestation on the chain (no personal data: level, expiry, a fingerprint);</li>
        )}
        <li>
          let <strong>{projectName}</strong> check your verification and read your encrypted record while your consent
          lasts;
        </li>
        <li>can withdraw that consent at any time from your account.</li>
      </ul>
      <p className="muted small">{projectName} pays the network fee. Nothing is charged to you.</p>
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void flow.submit()}>
          {consentOnly ? `Give consent to ${projectName}` : `Record and give consent to ${projectName}`}
        </button>
      </div>
      {busy ? (
        <p role="status" className="muted">
          Sending…
        </p>
      ) : null}
    </>
  );
}

function VerifiedScreen({
  state,
  projectName,
  back,
}: {
  state: VerifyState;
  projectName: string;
  back: URL | undefined;
}) {
  const verified = state.verified;
  return (
    <>
      <div className="notice ok" role="status">
        <p>
          <strong>{projectName}</strong> can now confirm you are verified.
        </p>
      </div>
      {verified ? (
        <dl className="facts">
          <dt>Level</dt>
          <dd>{levelName(verified.level)}</dd>
          <dt>Valid until</dt>
          <dd>{dateOf(verified.expiresAt)}</dd>
          <dt>Consent given to</dt>
          <dd>{projectName}</dd>
        </dl>
      ) : null}
      <div className="actions">
        {back ? (
          <a className="button" href={back.href}>
            Back to {back.host}
          </a>
        ) : null}
        <Link className={`button${back ? " secondary" : ""}`} to="/account">
          See your account
        </Link>
      </div>
    </>
  );
}

function statusWords(status: VerifyState["status"]): string {
  switch (status) {
    case "submitted":
      return "submitted, under review";
    case "provider_started":
      return "started with the provider";
    case "decided":
      return "decided";
    default:
      return status ?? "waiting";
  }
}
