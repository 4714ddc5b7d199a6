/**
 * Users (reader role): the subjects who consent to the chosen project, with their level, expiry
 * and consent time, paged through the API (oldest change first, as GET /v1/consents). A reader
 * opens a consenting user's record here, decrypted in this browser (OpenRecord.tsx).
 */
import { useState } from "react";
import type { Address } from "viem";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { openRecordBlocked } from "../access.js";
import { useDashboard } from "../session.js";
import { Failure, timeOf } from "../ui.js";
import { OPEN_BLOCKED_ID, OpenRecord } from "./OpenRecord.js";
import { useCursorPages } from "./paging.js";

const STATUS_WORDS: Record<string, string> = {
  none: "Not verified",
  active: "Verified",
  expired: "Expired",
  revoked: "Revoked by the issuer",
  erased: "Erased by the person",
};

export default function UsersScreen() {
  const { api, projectId, project, address } = useDashboard();
  const { wallet } = useWallet();
  const openBlocked = openRecordBlocked(
    project?.roles,
    Boolean(wallet && wallet.subject.toLowerCase() === address.toLowerCase()),
  );
  const pid = projectId as string;
  const [status, setStatus] = useState<"active" | "revoked" | "all">("active");
  const pages = useCursorPages(["dashboard", "consents", pid, status], (cursor) =>
    api.consents(pid, { status, limit: 50, ...(cursor ? { cursor } : {}) }),
  );
  return (
    <section className="card" aria-labelledby="users-title" data-screen="users">
      <h1 id="users-title">Users</h1>
      <p className="muted">
        People who consent to {project?.slug ?? "this project"}: the project can check their verification and read their
        encrypted record. The list comes from the chain; no personal data is shown here.
      </p>
      <div className="filters">
        <div>
          <label htmlFor="users-status">Consent</label>
          <select
            id="users-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as "active" | "revoked" | "all")}
          >
            <option value="active">Given</option>
            <option value="revoked">Withdrawn</option>
            <option value="all">Any</option>
          </select>
        </div>
      </div>
      {openBlocked ? (
        <p id={OPEN_BLOCKED_ID} className="notice">
          {openBlocked}
        </p>
      ) : (
        <p className="small muted">
          Opening a record is written to the project's audit log first; the record is decrypted in this browser, shown
          here only, and never saved or sent anywhere.
        </p>
      )}
      {pages.error ? (
        <Failure error={pages.error} onRetry={() => void pages.refetch()} />
      ) : pages.isPending ? (
        <p role="status">Loading users…</p>
      ) : pages.rows.length === 0 ? (
        <p>Nobody yet. People appear here once they verify through the project's link and give consent.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Verification</th>
              <th scope="col">Level</th>
              <th scope="col">Valid until</th>
              <th scope="col">Consent given</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {pages.rows.map((row) => (
              <tr key={row.subject} data-subject={row.subject}>
                <td>
                  <code>{row.subject}</code>
                </td>
                <td className={row.verified ? "status-ok" : "status-bad"}>
                  {STATUS_WORDS[row.attestationStatus] ?? row.attestationStatus}
                  {row.consent === "revoked" ? ` (consent withdrawn ${timeOf(row.revokedAt)})` : ""}
                </td>
                <td>Level {row.level}</td>
                <td>{timeOf(row.expiresAt)}</td>
                <td>{timeOf(row.grantedAt)}</td>
                <td>
                  {row.consent === "revoked" ? (
                    <span className="small muted">Consent withdrawn</span>
                  ) : (
                    <OpenRecord subject={row.subject as Address} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasMore ? (
        <button type="button" className="button secondary" disabled={pages.isFetchingMore} onClick={pages.more}>
          {pages.isFetchingMore ? "Loading…" : "More users"}
        </button>
      ) : null}
    </section>
  );
}
