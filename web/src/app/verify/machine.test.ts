import { describe, expect, it } from "vitest";
import { ERROR_CODES, userError } from "../../clients/errors.js";
import type { Session } from "../../clients/issuer/schemas.js";
import {
  initialState,
  STEPS,
  stepForSession,
  stepsOf,
  type VerifyEvent,
  type VerifyState,
  verifyReducer,
} from "./machine.js";
import { STEP_COPY } from "./steps.js";

const SUBJECT = "0x1111111111111111111111111111111111111111";
const ITEM = `0x${"ab".repeat(32)}` as const;
const HASH = `0x${"cd".repeat(32)}` as const;
const UID = `0x${"11".repeat(20)}${"00".repeat(11)}01` as const;

function session(overrides: Partial<Session> = {}): Session {
  return {
    id: "ses_1",
    projectId: "7",
    subject: SUBJECT,
    status: "provider_started",
    provider: "sandbox",
    launch: { kind: "hosted-url", provider: "sandbox", url: "http://127.0.0.1:9/flow", expiresAt: Date.now() + 60_000 },
    steps: [],
    expiresAt: Date.now() + 3_600_000,
    fallbackAvailable: true,
    ...overrides,
  };
}

const grant = {
  request: {
    subject: SUBJECT,
    level: 2,
    expiresAt: 2_000_000_000,
    storageNetwork: 1,
    storageId: ITEM,
    ciphertextHash: HASH,
  },
  nonce: "0",
  deadline: "1900000000",
  signature: "0x12" as const,
  registry: "0x2222222222222222222222222222222222222222" as const,
  chainId: 31337,
} as const;

const run = (events: VerifyEvent[], from: VerifyState = initialState("demo")) => events.reduce(verifyReducer, from);

/** The happy path, event by event, as the effects and polls send them. */
const happyPath: VerifyEvent[] = [
  { type: "connected", subject: SUBJECT },
  { type: "checked", projectId: "7", found: "needsVerification" },
  { type: "signedIn" },
  { type: "session", session: session() },
  { type: "session", session: session({ status: "submitted", launch: null }) },
  { type: "session", session: session({ status: "decided", outcome: "approved", launch: null }) },
  { type: "resultReceived" },
  { type: "delegated" },
  { type: "sealPhase", phase: "lock" },
  { type: "sealed", sealed: { itemId: ITEM, ciphertextHash: HASH, storageNetwork: 1, uid: UID } },
  { type: "uploadProgress", sent: 10, total: 20 },
  { type: "uploaded" },
  { type: "attestationSigned", grant },
  { type: "submitted", callsId: "0xop" },
  { type: "confirmed", verified: { level: 2, expiresAt: 2_000_000_000, projectId: "7", uid: UID } },
];

describe("verify state machine", () => {
  it("walks every step of the full flow in order", () => {
    const steps: string[] = [];
    happyPath.reduce((state, event) => {
      const next = verifyReducer(state, event);
      if (steps.at(-1) !== next.step) steps.push(next.step);
      return next;
    }, initialState("demo"));
    expect(steps).toEqual(STEPS.slice(1));
    const done = run(happyPath);
    expect(done).toMatchObject({ step: "verified", sessionId: "ses_1", projectId: "7", callsId: "0xop" });
    expect(done.failure).toBeUndefined();
  });

  it("maps every session status to a step, using what this browser holds", () => {
    const none = {};
    expect(stepForSession(session({ status: "created" }), none)).toEqual({ step: "provider" });
    expect(stepForSession(session({ status: "submitted" }), none)).toEqual({ step: "waiting" });
    expect(stepForSession(session({ status: "decided", outcome: "approved" }), none)).toEqual({ step: "receiving" });
    const sealed = { sealed: { itemId: ITEM, ciphertextHash: HASH, storageNetwork: 1, uid: UID, uploaded: false } };
    expect(stepForSession(session({ status: "decided", outcome: "approved" }), sealed)).toEqual({ step: "uploading" });
    const uploaded = { sealed: { ...sealed.sealed, uploaded: true } };
    expect(stepForSession(session({ status: "decided", outcome: "approved" }), uploaded)).toEqual({ step: "signing" });
    expect(stepForSession(session({ status: "attestation_signed" }), { ...uploaded, grant })).toEqual({
      step: "submitting",
    });
    expect(stepForSession(session({ status: "attestation_signed" }), { ...uploaded, grant, callsId: "0x1" })).toEqual({
      step: "confirming",
    });
    expect(stepForSession(session({ status: "attestation_signed" }), none)).toMatchObject({
      failure: { code: "session_on_other_device" },
    });
    expect(stepForSession(session({ status: "consented" }), none)).toEqual({ step: "confirming" });
    expect(stepForSession(session({ status: "expired" }), none)).toMatchObject({
      failure: { code: "session_expired" },
    });
    expect(stepForSession(session({ status: "failed" }), none)).toMatchObject({ failure: { code: "session_failed" } });
    expect(stepForSession(session({ status: "decided", outcome: "rejected" }), none)).toMatchObject({
      failure: { code: "provider_rejected" },
    });
  });

  it("a rejection fails the waiting step and offers start again, nothing else", () => {
    const state = run([
      ...happyPath.slice(0, 5),
      { type: "session", session: session({ status: "decided", outcome: "rejected", launch: null }) },
    ]);
    expect(state.failure).toEqual({ code: "provider_rejected", step: "waiting" });
    expect(userError("provider_rejected").actions).toEqual(["restart", "home"]);
    const restarted = verifyReducer(state, { type: "restart" });
    expect(restarted).toEqual({ v: 1, slug: "demo", step: "checking", subject: SUBJECT });
  });

  it("needs_resubmission: back to the provider's step, which polls do not fail again until the provider hears back", () => {
    const asked = run([
      ...happyPath.slice(0, 5),
      { type: "session", session: session({ status: "decided", outcome: "needs_resubmission" }) },
    ]);
    expect(asked).toMatchObject({ step: "provider", failure: { code: "provider_needs_resubmission" } });
    const resubmitting = verifyReducer(asked, { type: "resubmit" });
    expect(resubmitting).toMatchObject({ step: "provider", resubmitting: true });
    expect(resubmitting.failure).toBeUndefined();
    const samePoll = verifyReducer(resubmitting, {
      type: "session",
      session: session({ status: "decided", outcome: "needs_resubmission" }),
    });
    expect(samePoll.step).toBe("provider");
    expect(samePoll.failure).toBeUndefined();
    const heard = verifyReducer(samePoll, { type: "session", session: session({ status: "submitted" }) });
    expect(heard).toMatchObject({ step: "waiting" });
    expect(heard.resubmitting).toBeFalsy();
  });

  it("a provider that fails offers the fallback; the fallback's session goes back to the provider's step", () => {
    const failed = run([...happyPath.slice(0, 4), { type: "session", session: session({ status: "failed" }) }]);
    expect(failed.failure?.code).toBe("session_failed");
    expect(userError("session_failed").actions).toContain("fallback");
    const fellBack = verifyReducer(failed, {
      type: "session",
      session: session({ provider: "sandbox-backup", status: "provider_started", fallbackAvailable: false }),
    });
    expect(fellBack).toMatchObject({ step: "provider", provider: "sandbox-backup", fallbackAvailable: false });
    expect(fellBack.failure).toBeUndefined();
  });

  it("a stale poll never moves the flow backwards within a session", () => {
    const uploading = run(happyPath.slice(0, 10));
    expect(uploading.step).toBe("uploading");
    const stale = verifyReducer(uploading, { type: "session", session: session({ status: "submitted" }) });
    expect(stale.step).toBe("uploading");
  });

  it("another session (begun elsewhere, or a restart) drops the previous one's local data", () => {
    const uploading = run(happyPath.slice(0, 10));
    const other = verifyReducer(uploading, { type: "session", session: session({ id: "ses_2", status: "submitted" }) });
    expect(other).toMatchObject({ sessionId: "ses_2", step: "waiting" });
    expect(other.sealed).toBeUndefined();
  });

  it("another wallet starts over: one person's progress never carries into another's", () => {
    const signing = run(happyPath.slice(0, 12));
    const other = verifyReducer(signing, { type: "connected", subject: "0x3333333333333333333333333333333333333333" });
    expect(other).toEqual({
      v: 1,
      slug: "demo",
      step: "checking",
      subject: "0x3333333333333333333333333333333333333333",
    });
  });

  it("after a reload, the same wallet reconnecting keeps the step", () => {
    const uploading = run(happyPath.slice(0, 10));
    expect(verifyReducer(uploading, { type: "connected", subject: SUBJECT }).step).toBe("uploading");
  });

  it("retry runs the failed step again; an expired signature asks the issuer for a fresh one", () => {
    const submitting = run(happyPath.slice(0, 13));
    const declined = verifyReducer(submitting, { type: "failed", code: "wallet_declined" });
    expect(verifyReducer(declined, { type: "retry" })).toMatchObject({ step: "submitting", grant });
    const expired = verifyReducer(submitting, { type: "failed", code: "signature_expired" });
    const fresh = verifyReducer(expired, { type: "retry" });
    expect(fresh.step).toBe("signing");
    expect(fresh.grant).toBeUndefined();
  });

  it("consent only: an already verified person goes straight to consent, then confirmation", () => {
    const state = run([
      { type: "connected", subject: SUBJECT },
      { type: "checked", projectId: "8", found: "needsConsent" },
    ]);
    expect(state).toMatchObject({ step: "submitting", mode: "consentOnly", projectId: "8" });
    expect(stepsOf("consentOnly")).toEqual(["connect", "checking", "submitting", "confirming", "verified"]);
    const done = run(
      [
        { type: "submitted", callsId: "0xop" },
        { type: "confirmed", verified: { level: 2, expiresAt: 2e9, projectId: "8", uid: UID } },
      ],
      state,
    );
    expect(done.step).toBe("verified");
  });

  it("already verified with consent: straight to the verified page", () => {
    const verified = { level: 2, expiresAt: 2e9, projectId: "7", uid: UID };
    const state = run([
      { type: "connected", subject: SUBJECT },
      { type: "checked", projectId: "7", found: "done", verified },
    ]);
    expect(state).toMatchObject({ step: "verified", verified });
  });

  it("a lapsed sign-in returns to sign in, and signing in resumes the session through the issuer", () => {
    const waiting = run(happyPath.slice(0, 5));
    const lapsed = verifyReducer(waiting, { type: "signInNeeded" });
    expect(lapsed.step).toBe("signIn");
    const back = verifyReducer(lapsed, { type: "signedIn" });
    expect(back).toMatchObject({ step: "start", sessionId: "ses_1" });
  });

  it("names every step for a person and every failure in the error table", () => {
    for (const step of STEPS) {
      expect(STEP_COPY[step].label.length).toBeGreaterThan(0);
      expect(STEP_COPY[step].title.length).toBeGreaterThan(0);
    }
    const machineCodes = [
      "provider_rejected",
      "provider_needs_resubmission",
      "session_expired",
      "session_failed",
      "session_on_other_device",
    ];
    for (const code of machineCodes) expect(ERROR_CODES).toContain(code);
  });
});
