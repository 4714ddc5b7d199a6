/**
 * The one error table of the dApp. Every failure a person can meet (a contract error, decoded
 * through the deployment book's table; an issuer refusal, the sponsorship service's `data.reason`
 * included; a provider outcome; a storage, key or network fault; a wallet that said no) becomes
 * a code here, and each code has a plain sentence and the ways forward. Components show only
 * what `userError` returns; they never parse or print a raw error.
 */
import { describeContractError } from "@onekey/deploy";
import { BaseError } from "viem";
import { EnvelopeError } from "../privacy/envelope/errors.js";
import {
  KeyAccessAuthError,
  KeyAccessConditionError,
  KeyAccessDeniedError,
  KeyAccessUnavailableError,
  ProtectedKeyInvalidError,
} from "../privacy/keys/errors.js";
import {
  IntegrityError,
  StorageNotFoundError,
  StoragePaymentError,
  StorageRejectedError,
  StorageUnavailableError,
} from "../privacy/storage/storage.js";
import { IssuerError, NetworkError } from "./issuer/issuer-client.js";
import { UserOpFailedError } from "./wallet/sponsored-sender.js";

/** What the person can do next; the screen turns each into a button. */
export type NextAction =
  | "retry" // run the same step again
  | "fallback" // ask the issuer for another provider (POST /fallback)
  | "resubmit" // go through the provider's step again
  | "restart" // a new session from the start
  | "signIn" // sign in with the wallet again
  | "reconnect" // connect a wallet (again, or another one)
  | "home"; // leave: nothing here can fix it

interface Entry {
  title: string;
  message: string;
  actions: NextAction[];
}

const table = {
  // Provider outcomes and sessions.
  provider_rejected: {
    title: "The provider could not verify you",
    message:
      "The identity check ended with a rejection. Nothing was stored and nothing is on the chain. You can start again, for example with another document.",
    actions: ["restart", "home"],
  },
  provider_needs_resubmission: {
    title: "The provider needs more from you",
    message:
      "The provider asks you to go through its step again (a clearer photo or another document, usually). Your session stays open.",
    actions: ["resubmit", "restart"],
  },
  provider_unavailable: {
    title: "The provider is not answering",
    message:
      "The identity provider for this check cannot be reached right now. You can continue with another provider without losing your session.",
    actions: ["fallback", "retry"],
  },
  provider_sdk_unavailable: {
    title: "This provider cannot open here",
    message:
      "The provider's own verification window could not be loaded in this browser. Another provider can take over your session.",
    actions: ["fallback", "retry"],
  },
  no_fallback: {
    title: "No other provider is available",
    message:
      "Every provider this project uses is unavailable right now. Your session is kept: try again in a few minutes.",
    actions: ["retry", "home"],
  },
  session_failed: {
    title: "The verification could not finish",
    message:
      "The provider stopped this session before a decision. Another provider can continue it, or you can start again.",
    actions: ["fallback", "restart"],
  },
  session_expired: {
    title: "This session has expired",
    message: "Verification sessions last a limited time and this one ran out. Start again; it takes a few minutes.",
    actions: ["restart"],
  },
  session_not_found: {
    title: "We cannot find your session",
    message: "The session this page remembered no longer exists for this wallet. Start a new one.",
    actions: ["restart"],
  },
  session_on_other_device: {
    title: "Finish on the device where you started",
    message:
      "Your result was received and encrypted on another device or browser; only that one can finish this session. Open the verify link there, or start again here.",
    actions: ["restart", "home"],
  },
  result_already_delivered: {
    title: "Your result was already received",
    message:
      "The provider's result is handed over only once, and it went to another device or tab. Finish there, or start again here.",
    actions: ["restart", "home"],
  },
  level_insufficient: {
    title: "This check does not reach the project's level",
    message:
      "The provider approved you, but for fewer checks than this project requires. Start again and complete every step the provider asks for.",
    actions: ["restart", "home"],
  },
  project_not_found: {
    title: "This verify link is not valid",
    message: "No project uses this link. Check the link the project gave you.",
    actions: ["home"],
  },
  project_suspended: {
    title: "This project is suspended",
    message: "The project behind this link is not accepting verifications right now. Nothing was changed.",
    actions: ["home"],
  },
  feature_paused: {
    title: "Paused for this project",
    message:
      "OneKey has paused this step for the project for a while (new verifications, or gas-free transactions). Nothing was changed: try again later.",
    actions: ["retry", "home"],
  },

  // Signing in and the wallet.
  sign_in_expired: {
    title: "Please sign in again",
    message:
      "Your sign-in with the wallet expired or was not accepted. Signing costs nothing and sends no transaction.",
    actions: ["signIn"],
  },
  wallet_declined: {
    title: "You declined in your wallet",
    message: "Nothing was signed or sent. Try again when you are ready.",
    actions: ["retry"],
  },
  wallet_not_supported: {
    title: "This wallet cannot be sponsored",
    message:
      "The gas sponsor only pays for account types it knows. Use the OneKey browser wallet or another smart wallet.",
    actions: ["reconnect"],
  },
  wallet_unavailable: {
    title: "The wallet is not available",
    message: "The wallet did not answer. Check that it is unlocked and connected, then try again.",
    actions: ["retry", "reconnect"],
  },

  // Sponsorship and the chain.
  sponsorship_budget: {
    title: "The project's gas budget is used up",
    message:
      "This project pays your network fees, and its budget cannot cover this one now. Nothing was sent; try again later.",
    actions: ["retry", "home"],
  },
  verification_quota_exceeded: {
    title: "This app's verifications are used up for the month",
    message:
      "The app you are verifying for has used all the verifications its plan allows this month. Nothing was started. Tell the app's team (they can ask OneKey to change their plan), or come back next month.",
    actions: ["home"],
  },
  rate_limited: {
    title: "Too many attempts in a short time",
    message: "Wait a minute, then try again. Nothing was lost.",
    actions: ["retry"],
  },
  sponsorship_refused: {
    title: "The gas sponsor refused this transaction",
    message: "Nothing was sent and nothing was charged.",
    actions: ["retry"],
  },
  not_verified_for_project: {
    title: "You are not verified through this project",
    message: "This project can pay only for people who verified or consented through it.",
    actions: ["home"],
  },
  signature_expired: {
    title: "The issuer's signature expired",
    message: "The signature is valid for a short time only. We will ask the issuer for a fresh one.",
    actions: ["retry"],
  },
  nonce_stale: {
    title: "The signature was already used",
    message: "Another attestation was recorded meanwhile. We will ask the issuer for a fresh signature.",
    actions: ["retry"],
  },
  consent_already_granted: {
    title: "You already consent to this project",
    message: "Nothing needed to change.",
    actions: ["home"],
  },
  consent_not_granted: {
    title: "You do not consent to this project",
    message: "There is no consent to withdraw.",
    actions: ["home"],
  },
  nothing_to_erase: {
    title: "There is no record to erase",
    message: "This wallet holds no attestation right now.",
    actions: ["home"],
  },
  contract_reverted: {
    title: "The registry refused the transaction",
    message: "Nothing was changed on the chain and nothing was charged to you.",
    actions: ["retry"],
  },
  user_op_failed: {
    title: "The transaction did not go through",
    message: "It was included but did not succeed; nothing changed. Try again.",
    actions: ["retry"],
  },
  account_unfunded: {
    title: "Your account cannot pay for this",
    message:
      "The account you signed in as pays for its own dashboard transactions and holds too little ETH for this one. Nothing was sent. Send it some ETH, then try again.",
    actions: ["retry"],
  },
  wallet_wrong_chain: {
    title: "Your wallet is on another network",
    message: "Nothing was sent. Switch the wallet to the network named below, then try again.",
    actions: ["retry"],
  },
  wallet_method_unsupported: {
    title: "Your wallet cannot send this",
    message:
      "The wallet answered that it does not support this request, so nothing was sent. Use a wallet that sends ordinary transactions, or sign in with its smart account.",
    actions: ["retry", "reconnect"],
  },
  confirmation_timeout: {
    title: "Still waiting for the chain",
    message: "The transaction was sent but not confirmed yet. Checking again is safe: it is never sent twice.",
    actions: ["retry"],
  },

  // Storage and keys.
  storage_unavailable: {
    title: "Upload interrupted",
    message:
      "The storage network could not be reached. Your encrypted record is kept in this browser and the upload continues where it stopped.",
    actions: ["retry"],
  },
  storage_payment: {
    title: "Storage cannot be paid for",
    message: "The storage network refused to store the record without payment. This is on our side; please try later.",
    actions: ["retry", "home"],
  },
  storage_rejected: {
    title: "The storage network refused the record",
    message: "The encrypted record was not accepted. Starting again creates a new one.",
    actions: ["retry", "restart"],
  },
  storage_integrity: {
    title: "The stored record does not match",
    message: "What the storage network returned is not what the chain records. Nothing was decrypted.",
    actions: ["retry"],
  },
  storage_not_found: {
    title: "The record is not on the storage network yet",
    message: "Recent uploads can take a moment to appear. Try again shortly.",
    actions: ["retry"],
  },
  record_not_stored: {
    title: "The issuer cannot find your encrypted record",
    message:
      "The issuer checks the upload before signing and did not find it (or it did not match). The upload will be checked again.",
    actions: ["retry", "restart"],
  },
  key_denied: {
    title: "The key is not released",
    message:
      "The on-chain condition refuses it: the record is erased, expired or revoked, or this address may not read it.",
    actions: ["home"],
  },
  key_auth: {
    title: "The key service did not accept the signature",
    message: "Sign the request in your wallet to continue. Nothing was shared.",
    actions: ["retry"],
  },
  key_store_refused: {
    title: "The key service refused to store the key",
    message:
      "Your record's key could not be locked to your attestation. If an earlier attempt got this far, finish it on the device where you started it.",
    actions: ["retry", "restart"],
  },
  keys_unavailable: {
    title: "The key service is not answering",
    message: "Keys are released by a separate service that cannot be reached right now. Try again shortly.",
    actions: ["retry"],
  },
  record_unreadable: {
    title: "The record cannot be opened",
    message: "Its key or contents do not match this attestation. Nothing was decrypted.",
    actions: ["home"],
  },

  // Services and the rest.
  issuer_unreachable: {
    title: "The OneKey service cannot be reached",
    message: "Check your connection, then try again. Your progress is kept.",
    actions: ["retry"],
  },
  issuer_unavailable: {
    title: "The OneKey service had a problem",
    message: "Something went wrong on our side. Your progress is kept; try again shortly.",
    actions: ["retry"],
  },
  issuer_refused: {
    title: "The OneKey service refused the request",
    message: "Your progress is kept.",
    actions: ["retry", "restart"],
  },
  network_unreachable: {
    title: "A network service cannot be reached",
    message: "Check your connection, then try again. Your progress is kept.",
    actions: ["retry"],
  },
  unexpected: {
    title: "Something unexpected happened",
    message: "Your progress is kept. Try again; if it keeps happening, start again.",
    actions: ["retry", "restart"],
  },
} satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof table;
export const ERROR_CODES = Object.keys(table) as ErrorCode[];

export interface UserError extends Entry {
  code: ErrorCode;
  /** A sentence from the source meant for a person (the issuer's message, a contract error's text). */
  detail?: string;
}

/** Words and ways forward for a code. */
export function userError(code: ErrorCode, detail?: string): UserError {
  return { code, ...table[code], ...(detail ? { detail } : {}) };
}

/** The issuer's session-service codes (issuer/SESSIONS.md and its refusals) that have an entry of their own. */
const issuerCodes: Record<string, ErrorCode> = {
  project_not_found: "project_not_found",
  no_fallback: "no_fallback",
  result_already_delivered: "result_already_delivered",
  session_expired: "session_expired",
  project_suspended: "project_suspended",
  project_not_active: "project_suspended",
  provider_unavailable: "provider_unavailable",
  rate_limited: "rate_limited",
  no_provider_available: "provider_unavailable",
  credentials_missing: "sign_in_expired",
  token_invalid: "sign_in_expired",
  storage_item_not_found: "record_not_stored",
  ciphertext_hash_mismatch: "record_not_stored",
  storage_unavailable: "storage_unavailable",
  level_insufficient: "level_insufficient",
  session_expiring: "session_expired",
  result_not_available: "result_already_delivered",
  kyc_sessions_paused: "feature_paused",
  verification_quota_exceeded: "verification_quota_exceeded",
};

/** The sponsorship service's refusal reasons (JSON-RPC -32099 `data.reason`, issuer/README.md). */
const sponsorshipReasons: Record<string, ErrorCode> = {
  budget_insufficient: "sponsorship_budget",
  budget_empty: "sponsorship_budget",
  op_cost_too_high: "sponsorship_budget",
  rate_limited: "rate_limited",
  project_not_active: "project_suspended",
  project_not_synced: "issuer_unavailable",
  attestation_expired: "signature_expired",
  consent_already_granted: "consent_already_granted",
  consent_not_granted: "consent_not_granted",
  nothing_to_erase: "nothing_to_erase",
  subject_not_of_project: "not_verified_for_project",
  subject_not_verified: "not_verified_for_project",
  account_not_supported: "wallet_not_supported",
  factory_data_unsupported: "wallet_not_supported",
  factory_not_allowed: "wallet_not_supported",
  sender_not_deployed: "wallet_not_supported",
  sponsorship_paused: "feature_paused",
};

/** Contract custom errors with a way forward of their own; the rest are `contract_reverted`. */
const contractErrors: Record<string, ErrorCode> = {
  SignatureExpired: "signature_expired",
  NonceInvalid: "nonce_stale",
  ProjectNotActive: "project_suspended",
  ConsentAlreadyGranted: "consent_already_granted",
  ConsentNotGranted: "consent_not_granted",
  NothingToErase: "nothing_to_erase",
};

interface ErrorLike {
  name?: string;
  code?: unknown;
  data?: unknown;
  details?: string;
  shortMessage?: string;
  message?: string;
}

function walk(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && chain.length < 12) {
    chain.push(current as ErrorLike);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Classifies any thrown value: a code from the table and, when the source has one for a person, its words. */
export function classifyError(error: unknown): { code: ErrorCode; detail?: string } {
  if (error instanceof IssuerError) {
    const known = issuerCodes[error.code];
    if (known) return { code: known, detail: error.message };
    if (error.status === 401) return { code: "sign_in_expired" };
    if (error.status === 404) return { code: "session_not_found", detail: error.message };
    if (error.status === 429) return { code: "rate_limited" };
    if (error.status >= 500) return { code: "issuer_unavailable" };
    return { code: "issuer_refused", detail: error.message };
  }
  if (error instanceof UserOpFailedError) return { code: "user_op_failed" };
  // No detail: the table's sentence says it, and a person needs no service URL.
  if (error instanceof NetworkError)
    return { code: error.service === "issuer" ? "issuer_unreachable" : "network_unreachable" };
  if (error instanceof StorageUnavailableError) return { code: "storage_unavailable" };
  if (error instanceof StoragePaymentError) return { code: "storage_payment" };
  if (error instanceof StorageRejectedError) return { code: "storage_rejected" };
  if (error instanceof IntegrityError) return { code: "storage_integrity" };
  if (error instanceof StorageNotFoundError) return { code: "storage_not_found" };
  if (error instanceof KeyAccessDeniedError) return { code: "key_denied" };
  if (error instanceof KeyAccessAuthError) return { code: "key_auth" };
  if (error instanceof KeyAccessUnavailableError) return { code: "keys_unavailable" };
  if (error instanceof KeyAccessConditionError) return { code: "key_store_refused", detail: error.message };
  if (error instanceof ProtectedKeyInvalidError || error instanceof EnvelopeError) return { code: "record_unreadable" };

  const chain = walk(error);
  // A wallet that said no (EIP-1193 4001, viem's UserRejectedRequestError), anywhere in the chain.
  if (chain.some((e) => e.code === 4001 || e.name === "UserRejectedRequestError")) return { code: "wallet_declined" };
  // The sponsorship service's refusal: JSON-RPC -32099 with data.reason.
  for (const e of chain) {
    const reason = (e.data as { reason?: unknown } | undefined)?.reason;
    if (e.code === -32099 || typeof reason === "string") {
      const code = typeof reason === "string" ? sponsorshipReasons[reason] : undefined;
      return { code: code ?? "sponsorship_refused", detail: e.details ?? e.shortMessage };
    }
  }
  // A contract error: the deployment book's table has the sentence.
  const revert = chain.find((e) => e.name === "ContractFunctionRevertedError") as
    | (ErrorLike & { data?: { errorName?: string } })
    | undefined;
  if (revert || (error instanceof BaseError && /revert/i.test(error.shortMessage))) {
    const name = revert?.data?.errorName;
    const code = (name && contractErrors[name]) || "contract_reverted";
    return { code, detail: describeContractError(error) };
  }
  if (
    chain.some(
      (e) => e.name === "WaitForUserOperationReceiptTimeoutError" || e.name === "WaitForCallsStatusTimeoutError",
    )
  ) {
    return { code: "confirmation_timeout" };
  }
  if (chain.some((e) => e.name === "HttpRequestError" || e.name === "TimeoutError")) {
    return { code: "network_unreachable" };
  }
  return { code: "unexpected" };
}

/** classifyError, then the table. */
export function toUserError(error: unknown): UserError {
  const { code, detail } = classifyError(error);
  return userError(code, detail);
}
