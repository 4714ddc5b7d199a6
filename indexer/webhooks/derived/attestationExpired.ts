/**
 * `attestation.expired`: derived from time, not from a log. Once chain time passes the expiry of
 * a current, active attestation, every project its subject consents to hears of it, once (the
 * source id is the attestation's uid).
 */
import type { ExpiredAttestation } from "../store/views.js";
import { timeBasedEvent } from "./derivedEvent.js";

/** Expiries up to this long before the last scan are looked at again (an attestation indexed late). */
export const EXPIRY_RESCAN_SECONDS = 3600n;

/** The window of expiries a scan at `chainNow` covers, given where the last scan got to. */
export function expiryWindow(lastScan: bigint, chainNow: bigint): { since: bigint; until: bigint } {
  return { since: lastScan - EXPIRY_RESCAN_SECONDS, until: chainNow };
}

export function attestationExpiredEvent(chainId: number, row: ExpiredAttestation) {
  return timeBasedEvent({
    sourceId: `${chainId}:expired:${row.uid}`,
    type: "attestation.expired",
    projectIds: row.project_ids,
    chainId,
    data: {
      uid: row.uid as `0x${string}`,
      subject: row.subject as `0x${string}`,
      level: row.level,
      expiresAt: row.expires_at,
    },
    at: row.expires_at,
  });
}
