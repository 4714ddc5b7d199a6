/**
 * What each step says to the person: where they are, what comes next, and how long it usually
 * takes. One table, read by the screen and the step list alike.
 */
import type { FlowMode, Step } from "./machine.js";

export interface StepCopy {
  /** Short name in the step list. */
  label: string;
  /** Heading while the step runs. */
  title: string;
  now: string;
  next: string;
  usually: string;
}

export const STEP_COPY: Record<Step, StepCopy> = {
  connect: {
    label: "Connect a wallet",
    title: "Connect a wallet",
    now: "Choose the wallet that will hold your verification.",
    next: "We check whether you are already verified.",
    usually: "Under a minute.",
  },
  checking: {
    label: "Check your status",
    title: "Checking your status",
    now: "Reading the project's requirements and your current attestation from the chain.",
    next: "Sign in, or only give consent if you are already verified.",
    usually: "A second.",
  },
  signIn: {
    label: "Sign in",
    title: "Sign in with your wallet",
    now: "Sign a message so the OneKey service knows this wallet is yours. It is free and sends no transaction.",
    next: "A verification session opens with the project's identity provider.",
    usually: "A few seconds.",
  },
  start: {
    label: "Open a session",
    title: "Opening your verification session",
    now: "Creating (or resuming) your session with the project's identity provider.",
    next: "The provider's identity check.",
    usually: "A few seconds.",
  },
  provider: {
    label: "Identity check",
    title: "The identity check",
    now: "The identity provider asks for a document and a selfie on its own page.",
    next: "The provider reviews what you sent and decides.",
    usually: "2 to 5 minutes.",
  },
  waiting: {
    label: "Provider's decision",
    title: "Waiting for the provider's decision",
    now: "The provider is reviewing your check. This page updates by itself; you can also close it and come back.",
    next: "Your result comes to this browser to be encrypted.",
    usually: "From seconds to a few minutes.",
  },
  receiving: {
    label: "Receive the result",
    title: "Receiving your result",
    now: "Your result comes to this browser, once. The OneKey service does not keep it.",
    next: "Your browser encrypts it.",
    usually: "A second.",
  },
  delegating: {
    label: "Authorize your key",
    title: "Authorizing this wallet's key",
    now: "Your account is a smart account, and key networks check a plain key's signature. One transaction, paid by the project, names this wallet's key as the one that speaks for your account.",
    next: "Your browser encrypts the result and locks its key with that signature.",
    usually: "A few seconds (once per account).",
  },
  encrypting: {
    label: "Encrypt",
    title: "Encrypting your record in this browser",
    now: "Encrypting with a fresh key, and locking that key to your coming attestation.",
    next: "The encrypted record is uploaded to permanent storage.",
    usually: "A few seconds.",
  },
  uploading: {
    label: "Upload",
    title: "Uploading the encrypted record",
    now: "Only the encrypted copy is uploaded. If you reload or close this tab, the upload continues where it stopped.",
    next: "The OneKey service checks the upload and signs your attestation.",
    usually: "A few seconds.",
  },
  signing: {
    label: "Issuer's signature",
    title: "Getting the issuer's signature",
    now: "The OneKey service checks your encrypted record is stored and signs your attestation.",
    next: "You record it, with your consent to the project, in one transaction.",
    usually: "A second.",
  },
  submitting: {
    label: "Record and consent",
    title: "Record your verification",
    now: "One transaction records your attestation and lets this project check it and read your record.",
    next: "The network confirms the transaction.",
    usually: "When you are ready; the project pays the fee.",
  },
  confirming: {
    label: "Confirmation",
    title: "Waiting for the network",
    now: "Your transaction was sent. Waiting for it to be included and checking the result on the chain.",
    next: "You are verified.",
    usually: "A few seconds.",
  },
  verified: {
    label: "Verified",
    title: "You are verified",
    now: "Your attestation is on the chain.",
    next: "Return to the project.",
    usually: "",
  },
};

/**
 * The person already holds a live attestation and only gives this project consent: nothing is
 * recorded again, so the steps that would say so speak of consent instead.
 */
const CONSENT_ONLY_COPY: Partial<Record<Step, StepCopy>> = {
  submitting: {
    label: "Give consent",
    title: "Give this project your consent",
    now: "One transaction lets this project check your verification and read your record. Nothing is verified again.",
    next: "The network confirms the transaction.",
    usually: "When you are ready; the project pays the fee.",
  },
};

/** What a step says, in the flow's mode. */
export function stepCopy(step: Step, mode?: FlowMode): StepCopy {
  return (mode === "consentOnly" ? CONSENT_ONLY_COPY[step] : undefined) ?? STEP_COPY[step];
}
