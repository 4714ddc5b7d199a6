/**
 * The dashboard's part of the error table: the tenant API's refusals, each with a sentence and a
 * way forward. It lives in the dashboard's chunk (the verify route never carries these words);
 * anything that is not the API's (a wallet that said no, a network fault) goes to the app's one
 * table (clients/errors.ts). Components show only what `dashboardError` returns.
 */
import { type ErrorCode, type NextAction, toUserError, type UserError } from "../clients/errors.js";
import { IssuerError, NetworkError } from "../clients/issuer/issuer-client.js";
import { DashboardApiError } from "./api.js";

interface Entry {
  title: string;
  message: string;
  actions: NextAction[];
}

const table: Record<string, Entry> = {
  api_unreachable: {
    title: "The tenant API cannot be reached",
    message: "Check your connection (or that the API is running), then try again. Nothing was changed.",
    actions: ["retry"],
  },
  api_unavailable: {
    title: "The tenant API had a problem",
    message: "Something went wrong on the API's side. Nothing was changed; try again shortly.",
    actions: ["retry"],
  },
  session_ended: {
    title: "Your dashboard session ended",
    message: "Sessions last a limited time, and signing out ends them. Sign in again with your wallet.",
    actions: ["signIn"],
  },
  sign_in_refused: {
    title: "The API did not accept the sign-in",
    message: "Sign the message again in your wallet. Signing costs nothing and sends no transaction.",
    actions: ["signIn"],
  },
  sign_in_wrong_place: {
    title: "This dashboard is not the API's",
    message:
      "The tenant API accepts sign-ins for another site or chain than this page's. Open the dashboard at the address your operator gave you.",
    actions: ["home"],
  },
  not_project_admin: {
    title: "You do not administer this project",
    message:
      "The chain says this account is not an admin of the project (nor owner or admin of its organization). Ask an admin to grant you the role, or pick another project.",
    actions: ["retry"],
  },
  not_organization_admin: {
    title: "Only the organization's owner and admins can see this",
    message:
      "The chain says this account neither owns the project's organization nor is one of its admins. Ask the organization's owner for the statement, or to make you an admin.",
    actions: ["retry"],
  },
  reader_role_required: {
    title: "Only readers can open records",
    message:
      "The chain says this account does not hold the project's reader role. An admin offers it to you; accept it on the Projects screen, then try again.",
    actions: ["retry"],
  },
  role_missing: {
    title: "Your role does not allow this",
    message:
      "The chain says this account holds no role on the project that allows this. Ask an admin for the role, or pick another project.",
    actions: ["retry"],
  },
  no_consent: {
    title: "This person does not consent to the project",
    message: "They withdrew their consent or erased their record meanwhile. Reload the list.",
    actions: ["retry"],
  },
  invalid_request: {
    title: "Please check what you entered",
    message: "Nothing was changed.",
    actions: ["retry"],
  },
  not_found: {
    title: "It no longer exists",
    message: "It was removed meanwhile, or belongs to another project. Reload the list.",
    actions: ["retry"],
  },
  conflict: {
    title: "That cannot be done in its current state",
    message: "Reload the list to see its state now.",
    actions: ["retry"],
  },
  webhooks_unavailable: {
    title: "Webhooks are off on this deployment",
    message: "The API has no key to seal endpoint secrets with. The operator must configure webhooks.",
    actions: ["home"],
  },
  idempotency_request_in_progress: {
    title: "Your earlier request is still being processed",
    message:
      "The connection dropped while the API was working on it. Try again in a moment: you will get its result, and nothing is done twice.",
    actions: ["retry"],
  },
  rate_limited: {
    title: "Too many requests in a short time",
    message: "Wait a minute, then try again. Nothing was lost.",
    actions: ["retry"],
  },
  // The issuer's refusals of a project's verification settings (PUT /v1/projects/{id}/kyc-settings).
  issuer_unreachable: {
    title: "The issuer cannot be reached",
    message: "Check your connection (or that the issuer service is running), then try again. Nothing was changed.",
    actions: ["retry"],
  },
  issuer_unavailable: {
    title: "The issuer had a problem",
    message: "Something went wrong on the issuer's side. Nothing was changed; try again shortly.",
    actions: ["retry"],
  },
  issuer_session_ended: {
    title: "Your sign-in to the issuer ended",
    message:
      "The issuer's sign-in lasts a limited time. Nothing was changed: save again and your wallet signs in to the issuer once more.",
    actions: ["retry"],
  },
  issuer_sign_in_refused: {
    title: "The issuer did not accept the sign-in",
    message:
      "Nothing was changed. Save again and sign the message in your wallet; signing costs nothing and sends no transaction.",
    actions: ["retry"],
  },
  issuer_wrong_place: {
    title: "The issuer is set up for another site",
    message:
      "The issuer signs people in for another address than this page's, so nothing was signed. Open the dashboard at the address your operator gave you.",
    actions: ["home"],
  },
  issuer_project_unknown: {
    title: "The issuer does not know this project yet",
    message:
      "The issuer reads projects from the chain, and a project created a moment ago can take a few seconds to reach it. Try again shortly.",
    actions: ["retry"],
  },
  settings_providers_refused: {
    title: "The issuer cannot use these providers",
    message:
      "None of the listed providers performs every check you ticked, or one is no longer offered. Untick a check or change the order, then save again. Nothing was changed.",
    actions: ["retry"],
  },
  settings_checks_refused: {
    title: "These checks fall below the project's required level",
    message:
      "Tick the checks the required level needs (shown beside each check), or lower the required level under Settings first. Nothing was changed.",
    actions: ["retry"],
  },
};

export interface DashboardError extends Omit<UserError, "code"> {
  code: ErrorCode | keyof typeof table;
}

/** Which entry an API refusal is. */
export function classifyApiError(error: DashboardApiError): string {
  if (error.code === "not_project_admin" || error.code === "not_organization_admin") return error.code;
  if (error.code === "reader_role_required" || error.code === "role_missing" || error.code === "no_consent")
    return error.code;
  if (error.code.startsWith("siwe_")) {
    return error.code === "siwe_domain_mismatch" || error.code === "siwe_chain_mismatch"
      ? "sign_in_wrong_place"
      : "sign_in_refused";
  }
  if (error.status === 401) return "session_ended";
  if (error.code === "webhooks_unavailable") return "webhooks_unavailable";
  if (error.code === "idempotency_request_in_progress") return error.code;
  if (error.status === 429) return "rate_limited";
  if (error.status === 404) return "not_found";
  if (error.status === 409) return "conflict";
  if (error.status >= 500) return "api_unavailable";
  return "invalid_request";
}

export function dashboardError(error: unknown): DashboardError {
  if (error instanceof DashboardApiError) {
    const code = classifyApiError(error);
    const entry = table[code] as Entry;
    // The API's own sentence says what was wrong with an input or a state; a person can act on it.
    const detail =
      code === "invalid_request" || code === "conflict" || code === "sign_in_refused" ? error.message : undefined;
    return { code, ...entry, ...(detail ? { detail: error.field ? `${detail}` : detail } : {}) };
  }
  if (error instanceof NetworkError && error.service === "api")
    return { code: "api_unreachable", ...(table.api_unreachable as Entry) };
  if (error instanceof SignInPlaceError)
    return { code: "sign_in_wrong_place", ...(table.sign_in_wrong_place as Entry), detail: error.message };
  return toUserError(error);
}

/**
 * A failure of saving a project's verification settings at the issuer: its refusals (the issuer's
 * own sentence as the detail), its sign-in, or the network; anything else (a wallet that said no)
 * goes to the app's table.
 */
export function issuerSettingsError(error: unknown): DashboardError {
  const entry = (code: keyof typeof table, detail?: string): DashboardError => ({
    code,
    ...(table[code] as Entry),
    ...(detail ? { detail } : {}),
  });
  if (error instanceof NetworkError && error.service === "issuer") return entry("issuer_unreachable");
  if (!(error instanceof IssuerError)) return toUserError(error);
  if (error.code === "not_project_admin") return entry("not_project_admin");
  if (error.code === "invalid_request" && error.field === "providers")
    return entry("settings_providers_refused", error.message);
  if (error.code === "invalid_request" && error.field === "checks")
    return entry("settings_checks_refused", error.message);
  if (["domain_mismatch", "siwe_domain_mismatch", "siwe_uri_mismatch", "siwe_chain_mismatch"].includes(error.code))
    return entry("issuer_wrong_place", error.message);
  if (error.code.startsWith("siwe_")) return entry("issuer_sign_in_refused", error.message);
  if (error.code === "token_invalid" || error.status === 401) return entry("issuer_session_ended");
  if (error.code === "project_not_found" || error.status === 404) return entry("issuer_project_unknown");
  if (error.status === 429) return entry("rate_limited");
  if (error.status >= 500) return entry("issuer_unavailable");
  return entry("invalid_request", error.message);
}

/** The API names a domain or chain that this page cannot sign in for. */
export class SignInPlaceError extends Error {
  override readonly name = "SignInPlaceError";
}
