/** One sample of every event type, typed so that a field missing from or added to the SDK's types fails to compile. */
import type { Hex, WebhookEnvelope, WebhookEventDataMap, WebhookEventType } from "../../src/index.js";

const address = (n: number): Hex => `0x${n.toString(16).padStart(40, "0")}`;
const bytes32 = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

export const SUBJECT = address(0xabc);

export const SAMPLE_DATA: { [T in WebhookEventType]: WebhookEventDataMap[T] } = {
  "attestation.created": {
    uid: bytes32(1),
    subject: SUBJECT,
    issuer: address(2),
    level: 2,
    issuedAt: "2026-03-01T12:00:00.000Z",
    expiresAt: "2027-03-01T12:00:00.000Z",
    previousUid: null,
  },
  "attestation.revoked": {
    uid: bytes32(1),
    subject: SUBJECT,
    revoker: address(2),
    revokedAt: "2026-03-02T00:00:00.000Z",
  },
  "attestation.expired": { uid: bytes32(1), subject: SUBJECT, level: 2, expiresAt: "2027-03-01T12:00:00.000Z" },
  "record.erased": { uid: bytes32(1), subject: SUBJECT, erasedAt: "2026-03-03T00:00:00.000Z" },
  "consent.granted": { projectId: "7", subject: SUBJECT },
  "consent.revoked": { projectId: "7", subject: SUBJECT },
  "project.created": {
    projectId: "7",
    orgId: "3",
    slug: "acme-app",
    status: "active",
    requiredLevel: 2,
    acceptedIssuers: [address(2), address(4)],
  },
  "project.settings_updated": {
    projectId: "7",
    requiredLevel: 3,
    acceptedIssuers: [address(2)],
    metadataUri: "ar://meta",
  },
  "project.status_changed": { projectId: "7", status: "suspended" },
  "project.role_granted": { projectId: "7", account: address(5), role: 2, roles: 3 },
  "project.role_revoked": { projectId: "7", account: address(5), role: 2, roles: 1 },
  "project.role_offered": { projectId: "7", account: address(5), role: 2 },
  "organization.roles_revoked": { orgId: "3", account: address(5) },
  "budget.funded": {
    projectId: "7",
    funder: address(6),
    amount: "1000000000000000000",
    balance: "1500000000000000000",
  },
  "budget.withdrawn": {
    projectId: "7",
    by: address(6),
    to: address(7),
    amount: "500000000000000000",
    balance: "1000000000000000000",
  },
  "operation.sponsored": {
    projectId: "7",
    sender: address(8),
    userOpHash: bytes32(9),
    actualCost: "123456789",
    balance: "999999999876543211",
  },
  "budget.policy_set": {
    projectId: "7",
    by: address(6),
    perUserCap: "10000000000000000",
    periodCap: "100000000000000000",
    periodSeconds: 86400,
    maxOpCost: "2000000000000000",
  },
  "budget.low": { projectId: "7", balance: "900", threshold: "1000" },
  "event.retracted": {
    retractedId: "evt_0123456789abcdef0123456789abcdef",
    retractedType: "consent.granted",
    block: { number: "120", hash: bytes32(0x120) },
  },
  "webhook.test": { message: "Hello from OneKey" },
  "security.alert": {
    alertId: "12",
    rule: "admin_refusals",
    severity: "high",
    summary: "10 refused admin calls on project 7 by 0x00000000000000000000000000000000000a77ac within 300 s",
    evidence: { refused: 10, windowSeconds: 300 },
    firstSeenAt: "2026-12-05T12:00:00.000Z",
    runbook: "docs/runbooks/security.md#admin-refusals",
  },
};

export function envelope<T extends string, D>(type: T, data: D, id = "evt_00112233445566778899aabbccddeeff") {
  return {
    id,
    type,
    version: 1,
    projectId: "7",
    chainId: 31337,
    createdAt: "2026-03-01T12:00:00.000Z",
    block: { number: "120", hash: bytes32(0x120), timestamp: "1772366400", finalized: true },
    transactionHash: bytes32(0x7e),
    logIndex: 3,
    data,
  } satisfies WebhookEnvelope<T, D>;
}
