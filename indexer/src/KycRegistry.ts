/**
 * KycRegistry events: issuers, attestations (full history), consent, erasure. A subject's current
 * attestation is copied onto each of its consent rows, so tenant queries read one table. Erasure
 * withdraws all of the subject's consents, as it does on-chain.
 */
import { type Context, ponder } from "ponder:registry";
import { attestations, consents, issuers, subjects } from "ponder:schema";
import { type Hex, zeroAddress } from "viem";
import { writeGovernanceEvent } from "./lib/governance.js";
import { type LogRef, writeOutbox } from "./lib/outbox.js";

type SubjectRow = typeof subjects.$inferSelect;

/** The subject's row, created empty (no attestation, no consent) on first sight. */
async function subjectRow(context: Context, subject: Hex, at: bigint): Promise<SubjectRow> {
  const found = await context.db.find(subjects, { subject });
  if (found) return found;
  return context.db.insert(subjects).values({
    subject,
    level: 0,
    status: "none",
    consentedProjectIds: [],
    updatedAt: at,
  });
}

/** The attestation fields every consent row of the subject mirrors. */
function attestationCopy(row: SubjectRow) {
  return {
    uid: row.uid,
    issuer: row.issuer,
    level: row.level,
    attestationStatus: row.status,
    expiresAt: row.expiresAt,
    updatedAt: row.updatedAt,
  };
}

/** Stores the subject's new current state and mirrors it onto its consent rows. */
async function updateSubject(context: Context, subject: Hex, changes: Partial<SubjectRow>): Promise<SubjectRow> {
  const row = await context.db.update(subjects, { subject }).set(changes);
  for (const projectId of row.consentedProjectIds) {
    await context.db.update(consents, { projectId, subject }).set(attestationCopy(row));
  }
  return row;
}

/** Marks `uid` revoked or erased, and the subject's current state with it when `uid` is current. */
async function endAttestation(
  context: Context,
  event: LogRef,
  uid: Hex,
  subject: Hex,
  ending: { status: "revoked"; revoker: Hex } | { status: "erased" },
): Promise<SubjectRow | undefined> {
  const at = event.block.timestamp;
  const changes =
    ending.status === "revoked"
      ? { status: "revoked", revokedAt: at, revoker: ending.revoker }
      : { status: "erased", erasedAt: at };
  await context.db.update(attestations, { uid }).set(changes);
  const row = await context.db.find(subjects, { subject });
  if (row?.uid !== uid) return row ?? undefined;
  return updateSubject(context, subject, { status: ending.status, updatedAt: at });
}

ponder.on("KycRegistry:IssuerRegistered", async ({ event, context }) => {
  const { issuer, issuerId } = event.args;
  await context.db
    .insert(issuers)
    .values({ issuer, issuerId, registered: true, registeredAt: event.block.timestamp })
    .onConflictDoUpdate({ issuerId, registered: true, registeredAt: event.block.timestamp, removedAt: null });
  await writeGovernanceEvent(context, event, "KycRegistry", "IssuerRegistered");
});

ponder.on("KycRegistry:IssuerRemoved", async ({ event, context }) => {
  await context.db
    .update(issuers, { issuer: event.args.issuer })
    .set({ registered: false, removedAt: event.block.timestamp });
  await writeGovernanceEvent(context, event, "KycRegistry", "IssuerRemoved");
});

ponder.on("KycRegistry:AttestationCreated", async ({ event, context }) => {
  const { uid, subject, issuer, level, issuedAt, expiresAt, storageNetwork, storageId, ciphertextHash } = event.args;
  const at = event.block.timestamp;
  const previous = await context.db.find(subjects, { subject });
  if (previous?.uid) {
    await context.db.update(attestations, { uid: previous.uid }).set({ current: false, supersededBy: uid });
  }
  await context.db.insert(attestations).values({
    uid,
    subject,
    issuer,
    level,
    issuedAt: BigInt(issuedAt),
    expiresAt: BigInt(expiresAt),
    storageNetwork,
    storageId,
    ciphertextHash,
    status: "active",
    current: true,
    blockNumber: event.block.number,
    transactionHash: event.transaction.hash,
  });
  const current = {
    uid,
    issuer,
    level,
    status: "active",
    issuedAt: BigInt(issuedAt),
    expiresAt: BigInt(expiresAt),
    updatedAt: at,
  };
  // A first attestation (the common case in bulk) is one insert; later ones update and fan out.
  const row = previous
    ? await updateSubject(context, subject, current)
    : await context.db.insert(subjects).values({ subject, ...current, consentedProjectIds: [] });
  await writeOutbox(context, event, {
    type: "attestation.created",
    projectIds: row.consentedProjectIds,
    subject,
    payload: {
      uid,
      subject,
      issuer,
      level,
      // uint40 times decode as numbers; webhooks carry every on-chain integer as a decimal string.
      issuedAt: String(issuedAt),
      expiresAt: String(expiresAt),
      previousUid: previous?.uid ?? null,
    },
  });
});

ponder.on("KycRegistry:AttestationRevoked", async ({ event, context }) => {
  const { uid, subject, revoker, revokedAt } = event.args;
  const row = await endAttestation(context, event, uid, subject, { status: "revoked", revoker });
  await writeOutbox(context, event, {
    type: "attestation.revoked",
    projectIds: row?.consentedProjectIds ?? [],
    subject,
    payload: { uid, subject, revoker, revokedAt: String(revokedAt) },
  });
});

ponder.on("KycRegistry:RecordErased", async ({ event, context }) => {
  const { uid, subject, erasedAt } = event.args;
  const at = event.block.timestamp;
  const row = await endAttestation(context, event, uid, subject, { status: "erased" });
  // Erasure withdraws every consent on-chain (the registry moves the subject to a new consent
  // epoch) without a ConsentRevoked per project: withdraw them here as ConsentRevoked would.
  const withdrawn = row?.consentedProjectIds ?? [];
  if (withdrawn.length > 0) {
    await context.db.update(subjects, { subject }).set({ consentedProjectIds: [] });
    for (const projectId of withdrawn) {
      await context.db.update(consents, { projectId, subject }).set({ active: false, revokedAt: at, updatedAt: at });
    }
  }
  // The projects that consented until now hear of it; record.erased also stands for the
  // withdrawal of their consent (no separate consent.revoked, see WEBHOOKS.md).
  await writeOutbox(context, event, {
    type: "record.erased",
    projectIds: withdrawn,
    subject,
    payload: { uid, subject, erasedAt: String(erasedAt) },
  });
});

ponder.on("KycRegistry:ConsentGranted", async ({ event, context }) => {
  const { projectId, subject } = event.args;
  const at = event.block.timestamp;
  const current = await subjectRow(context, subject, at);
  const row = await context.db.update(subjects, { subject }).set({
    consentedProjectIds: [...current.consentedProjectIds.filter((id) => id !== projectId), projectId],
  });
  const copy = { ...attestationCopy(row), updatedAt: at };
  await context.db
    .insert(consents)
    .values({ projectId, subject, active: true, grantedAt: at, ...copy })
    .onConflictDoUpdate({ active: true, grantedAt: at, revokedAt: null, ...copy });
  await writeOutbox(context, event, {
    type: "consent.granted",
    projectIds: [projectId],
    subject,
    payload: { projectId, subject },
  });
});

ponder.on("KycRegistry:ConsentRevoked", async ({ event, context }) => {
  const { projectId, subject } = event.args;
  const at = event.block.timestamp;
  const current = await subjectRow(context, subject, at);
  await context.db.update(subjects, { subject }).set({
    consentedProjectIds: current.consentedProjectIds.filter((id) => id !== projectId),
  });
  await context.db.update(consents, { projectId, subject }).set({ active: false, revokedAt: at, updatedAt: at });
  await writeOutbox(context, event, {
    type: "consent.revoked",
    projectIds: [projectId],
    subject,
    payload: { projectId, subject },
  });
});

ponder.on("KycRegistry:DecryptDelegateSet", async ({ event, context }) => {
  const { subject, delegate } = event.args;
  await subjectRow(context, subject, event.block.timestamp);
  await context.db.update(subjects, { subject }).set({ decryptDelegate: delegate === zeroAddress ? null : delegate });
});
