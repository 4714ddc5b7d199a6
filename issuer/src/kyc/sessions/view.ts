/** A session row as the API shows it (issuer/SESSIONS.md `Session`): no personal data in it. */
import type { BrowserLaunch, KycOutcome } from "../providers/provider.js";
import type { SessionStatus } from "./model.js";
import type { SessionRow } from "./store.js";

export interface SessionView {
  id: string;
  projectId: string;
  subject: string;
  status: SessionStatus;
  provider: string | null;
  launch?: BrowserLaunch;
  outcome?: KycOutcome;
  reasonCodes?: string[];
  steps: { step: string; at: string; reason?: string; provider?: string }[];
  expiresAt: string;
  fallbackAvailable: boolean;
  /** Extension: whether the one-time result pull has happened. */
  resultDelivered: boolean;
  /** Extension: the level the decided result earns under the issuer's policy (approved only). */
  level?: number;
}

/** Statuses in which the browser still needs the provider's flow. */
export function needsLaunch(row: Pick<SessionRow, "status" | "outcome">): boolean {
  return row.status === "provider_started" || (row.status === "decided" && row.outcome === "needs_resubmission");
}

export function sessionView(row: SessionRow, fallbackAvailable: boolean): SessionView {
  const view: SessionView = {
    id: row.id,
    projectId: String(row.project_id),
    subject: row.subject,
    status: row.status as SessionStatus,
    provider: row.provider,
    steps: row.steps,
    expiresAt: new Date(row.expires_at).toISOString(),
    fallbackAvailable,
    resultDelivered: row.result_delivered_at !== null,
  };
  if (row.launch && needsLaunch(row)) view.launch = row.launch as BrowserLaunch;
  if (row.outcome) {
    view.outcome = row.outcome as KycOutcome;
    view.reasonCodes = row.reason_codes;
    if (row.outcome === "approved" && row.level !== null) view.level = row.level;
  }
  return view;
}
