/**
 * The verify flow as a state machine: a typed reducer. Every step and every failure has a name,
 * and the screen, the progress bar, resume after a reload and the tests all read the same state.
 *
 * Why a reducer and not XState: the flow is one line of steps with the same failure branch at
 * each; a pure `(state, event) -> state` function covers it, serialises to JSON as it stands
 * (resume = load the JSON, then ask the issuer), is tested without a DOM or a library, and adds
 * nothing to the verify route's bundle. XState's strengths (parallel and nested states, actors,
 * a visualiser) are not needed by a line.
 *
 * Side effects (calls to the issuer, the wallet, storage, the chain) live in `effects.ts`: each
 * runs when the machine enters a step and ends by dispatching one event.
 */
import type { Address, Hex } from "viem";
import type { ErrorCode } from "../../clients/errors.js";
import type { AttestationGrant, BrowserLaunch, Session, SessionStatus } from "../../clients/issuer/schemas.js";

export const STEPS = [
  "connect",
  "checking",
  "signIn",
  "start",
  "provider",
  "waiting",
  "receiving",
  "delegating",
  "encrypting",
  "uploading",
  "signing",
  "submitting",
  "confirming",
  "verified",
] as const;
export type Step = (typeof STEPS)[number];

/** Sealing has three visible parts: the envelope, the key locked to the attestation, the signed item. */
export const SEAL_PHASES = ["encrypt", "lock", "sign"] as const;
export type SealPhase = (typeof SEAL_PHASES)[number];

export interface Failure {
  code: ErrorCode;
  /** The step that failed: "retry" runs it again. */
  step: Step;
  /** Extra words from the source (a server's message for a person, a contract error's sentence). */
  detail?: string;
}

/** What the chain will hold for this record; enough to ask the issuer again after a reload. */
export interface SealedRecord {
  itemId: Hex;
  ciphertextHash: Hex;
  storageNetwork: number;
  uid: Hex;
  uploaded: boolean;
}

export interface Verified {
  level: number;
  /** Unix seconds. */
  expiresAt: number;
  projectId: string;
  uid: Hex;
}

/**
 * `full`: the whole verification. `consentOnly`: the person already holds a live attestation at
 * the project's level, so the project only needs their consent (one sponsored grantConsent).
 */
export type FlowMode = "full" | "consentOnly";

export interface VerifyState {
  v: 1;
  slug: string;
  step: Step;
  mode?: FlowMode;
  subject?: Address;
  sessionId?: string;
  projectId?: string;
  provider?: string;
  launch?: BrowserLaunch | null;
  status?: SessionStatus;
  fallbackAvailable?: boolean;
  sealPhase?: SealPhase;
  sealed?: SealedRecord;
  upload?: { sent: number; total: number };
  grant?: AttestationGrant;
  /** The wallet's id for the sponsored batch (EIP-5792 call bundle id or user operation hash). */
  callsId?: string;
  transactionHash?: Hex;
  verified?: Verified;
  failure?: Failure;
  /** The person is going through the provider again after "needs resubmission". */
  resubmitting?: boolean;
}

export type VerifyEvent =
  | { type: "connected"; subject: Address }
  | { type: "disconnected" }
  /** What the chain says about this person and project, before anything is asked of them. */
  | { type: "checked"; projectId: string; found: "needsVerification" | "needsConsent" }
  | { type: "checked"; projectId: string; found: "done"; verified: Verified }
  | { type: "signedIn" }
  | { type: "signInNeeded" }
  | { type: "session"; session: Session }
  | { type: "resultReceived" }
  /** The key that will lock the record may do so: the subject itself, or its decrypt delegate on chain. */
  | { type: "delegated" }
  | { type: "sealPhase"; phase: SealPhase }
  | { type: "sealed"; sealed: Omit<SealedRecord, "uploaded"> }
  | { type: "uploadProgress"; sent: number; total: number }
  | { type: "uploaded" }
  | { type: "attestationSigned"; grant: AttestationGrant }
  | { type: "submitted"; callsId: string }
  | { type: "confirmed"; verified: Verified; transactionHash?: Hex }
  | { type: "failed"; code: ErrorCode; detail?: string }
  | { type: "retry" }
  | { type: "resubmit" }
  | { type: "restart" };

export function initialState(slug: string): VerifyState {
  return { v: 1, slug, step: "connect" };
}

/** Where a session puts the flow, given what this browser already holds for it. */
export function stepForSession(
  session: Session,
  local: Pick<VerifyState, "sealed" | "grant" | "callsId" | "resubmitting">,
): { step: Step } | { failure: Omit<Failure, "step">; step: Step } {
  switch (session.status) {
    case "created":
    case "provider_started":
      return { step: "provider" };
    case "submitted":
      return { step: "waiting" };
    case "decided":
      if (session.outcome === "rejected") return { step: "waiting", failure: { code: "provider_rejected" } };
      if (session.outcome === "needs_resubmission") {
        // Asked to resubmit and on it: the provider's step again, until the provider hears back.
        if (local.resubmitting) return { step: "provider" };
        return { step: "provider", failure: { code: "provider_needs_resubmission" } };
      }
      if (!local.sealed) return { step: "receiving" };
      return { step: local.sealed.uploaded ? "signing" : "uploading" };
    case "record_stored":
    case "attestation_signed":
      if (local.grant) return { step: local.callsId ? "confirming" : "submitting" };
      // The issuer returns the same signature for the same storage report, which only this
      // browser knows: another device cannot finish this part.
      if (local.sealed?.uploaded) return { step: "signing" };
      return { step: "signing", failure: { code: "session_on_other_device" } };
    case "attested":
    case "consented":
      return { step: "confirming" };
    case "expired":
      return { step: "start", failure: { code: "session_expired" } };
    case "failed":
      return { step: "waiting", failure: { code: "session_failed" } };
  }
}

/** Everything that belongs to one session, dropped when a new one starts. */
function withoutSession(state: VerifyState): VerifyState {
  return { v: 1, slug: state.slug, step: state.step, ...(state.subject ? { subject: state.subject } : {}) };
}

export function verifyReducer(state: VerifyState, event: VerifyEvent): VerifyState {
  switch (event.type) {
    case "connected":
      // Another account is another person's flow: nothing of the previous one carries over.
      if (state.subject && state.subject.toLowerCase() !== event.subject.toLowerCase()) {
        return { ...initialState(state.slug), subject: event.subject, step: "checking" };
      }
      return { ...state, subject: event.subject, step: state.step === "connect" ? "checking" : state.step };
    case "disconnected":
      return { ...state, step: "connect", failure: undefined };
    case "checked": {
      const checked = { ...state, projectId: event.projectId, failure: undefined };
      if (event.found === "done") return { ...checked, step: "verified", verified: event.verified };
      if (event.found === "needsConsent") return { ...checked, mode: "consentOnly", step: "submitting" };
      // A session already under way (this device, before a reload) resumes from the issuer's view.
      return { ...checked, mode: "full", step: "signIn" };
    }
    case "signedIn":
      // "start" asks the issuer for this person's open session (or makes one) and resumes from it.
      return { ...state, step: "start", failure: undefined };
    case "signInNeeded":
      return { ...state, step: "signIn", failure: undefined };
    case "session": {
      const { session } = event;
      // A different session (a restart, or one begun on another device) replaces this one's data.
      const base = state.sessionId && state.sessionId !== session.id ? withoutSession(state) : state;
      const next = stepForSession(session, base);
      const stillResubmitting =
        base.resubmitting && session.status === "decided" && session.outcome === "needs_resubmission";
      const updated: VerifyState = {
        ...base,
        resubmitting: stillResubmitting || undefined,
        sessionId: session.id,
        projectId: session.projectId,
        provider: session.provider,
        launch: session.launch ?? base.launch ?? null,
        status: session.status,
        fallbackAvailable: session.fallbackAvailable,
        failure: undefined,
      };
      if ("failure" in next) {
        return { ...updated, step: next.step, failure: { ...next.failure, step: next.step } };
      }
      // Never backwards within one session: a stale poll must not undo local progress.
      const ahead = base.sessionId === session.id && STEPS.indexOf(base.step) > STEPS.indexOf(next.step);
      return { ...updated, step: ahead && !base.failure ? base.step : next.step };
    }
    case "resultReceived":
      return { ...state, step: "delegating", failure: undefined };
    case "delegated":
      return { ...state, step: "encrypting", sealPhase: "encrypt", failure: undefined };
    case "sealPhase":
      return { ...state, sealPhase: event.phase };
    case "sealed":
      return { ...state, step: "uploading", sealed: { ...event.sealed, uploaded: false }, sealPhase: undefined };
    case "uploadProgress":
      return { ...state, upload: { sent: event.sent, total: event.total } };
    case "uploaded":
      if (!state.sealed) return state;
      return { ...state, step: "signing", sealed: { ...state.sealed, uploaded: true }, failure: undefined };
    case "attestationSigned":
      return { ...state, step: "submitting", grant: event.grant, failure: undefined };
    case "submitted":
      return { ...state, step: "confirming", callsId: event.callsId, failure: undefined };
    case "confirmed":
      return {
        ...state,
        step: "verified",
        verified: event.verified,
        ...(event.transactionHash ? { transactionHash: event.transactionHash } : {}),
        failure: undefined,
      };
    case "failed":
      return {
        ...state,
        failure: { code: event.code, step: state.step, ...(event.detail ? { detail: event.detail } : {}) },
      };
    case "retry":
      if (!state.failure) return state;
      // A refused signature or a failed batch: ask for a fresh signature rather than resend a stale one.
      if (state.failure.step === "submitting" && staleSignature.has(state.failure.code)) {
        return { ...state, step: "signing", grant: undefined, callsId: undefined, failure: undefined };
      }
      return { ...state, step: state.failure.step, failure: undefined };
    case "resubmit":
      return { ...state, step: "provider", resubmitting: true, failure: undefined };
    case "restart":
      return { ...withoutSession(state), step: state.subject ? "checking" : "connect" };
  }
}

/** Failures of the sponsored batch that a fresh issuer signature cures. */
const staleSignature = new Set<ErrorCode>(["signature_expired", "nonce_stale"]);

/** The steps a person goes through in this mode, in order (the step list shows these). */
export function stepsOf(mode: FlowMode | undefined): readonly Step[] {
  if (mode === "consentOnly") return ["connect", "checking", "submitting", "confirming", "verified"];
  return STEPS;
}
