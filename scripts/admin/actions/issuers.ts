/**
 * Governance's KYC registry commands: the issuer registry and revoking an attestation. Each sends
 * with the configured account, or with `--safe` prints a Safe Transaction Builder batch.
 */
import { parseEventLogs } from "viem";
import { kycRegistryAbi } from "../../../deploy/abis.js";
import { account, bytes32, governanceArgs, whenOptionsValid } from "../args.js";
import { proposing, sendOrPropose } from "../calls.js";
import { adminAction } from "../run.js";
import { openSession, txLine } from "../session.js";

const issuerArgs = governanceArgs({ issuer: account() });

export const registerIssuer = adminAction(issuerArgs, async (args, hre) => {
  const session = await openSession(hre, { write: !proposing(args) });
  const receipt = await sendOrPropose(
    session,
    args,
    { address: session.kycRegistry, abi: kycRegistryAbi, functionName: "registerIssuer", args: [args.issuer] },
    `Register ${args.issuer} as a OneKey KYC issuer.`,
  );
  if (!receipt) return;
  const [registered] = parseEventLogs({ abi: kycRegistryAbi, eventName: "IssuerRegistered", logs: receipt.logs });
  if (!registered) throw new Error(`No IssuerRegistered event in ${receipt.transactionHash}.`);
  console.log(
    `Registered issuer ${registered.args.issuer} as issuer id ${registered.args.issuerId}; ${txLine(receipt)}`,
  );
});

export const removeIssuer = adminAction(issuerArgs, async (args, hre) => {
  const session = await openSession(hre, { write: !proposing(args) });
  const receipt = await sendOrPropose(
    session,
    args,
    { address: session.kycRegistry, abi: kycRegistryAbi, functionName: "removeIssuer", args: [args.issuer] },
    `Remove ${args.issuer} from the OneKey KYC issuers.`,
  );
  if (!receipt) return;
  console.log(`Removed issuer ${args.issuer}; ${txLine(receipt)}`);
});

/** Revokes an attestation, named by its uid or by its subject (the subject's current one). */
export const revokeAttestation = adminAction(
  governanceArgs({ uid: bytes32().optional(), subject: account().optional() }).refine(
    (v) => (v.uid === undefined) !== (v.subject === undefined),
    { ...whenOptionsValid, error: "give either --uid or --subject (exactly one) to name the attestation" },
  ),
  async (args, hre) => {
    const session = await openSession(hre, { write: !proposing(args) });
    let uid = args.uid;
    if (uid === undefined && args.subject !== undefined) {
      const current = await session.publicClient.readContract({
        address: session.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "getAttestation",
        args: [args.subject],
      });
      if (current.status === 0) throw new Error(`--subject: ${args.subject} has no attestation on ${session.network}.`);
      uid = current.uid;
    }
    if (uid === undefined) throw new Error("Invalid argument: --uid or --subject is required.");
    const receipt = await sendOrPropose(
      session,
      args,
      { address: session.kycRegistry, abi: kycRegistryAbi, functionName: "revoke", args: [uid] },
      `Revoke OneKey attestation ${uid}.`,
    );
    if (!receipt) return;
    const [revoked] = parseEventLogs({ abi: kycRegistryAbi, eventName: "AttestationRevoked", logs: receipt.logs });
    if (!revoked) throw new Error(`No AttestationRevoked event in ${receipt.transactionHash}.`);
    console.log(`Revoked attestation ${revoked.args.uid} of ${revoked.args.subject}; ${txLine(receipt)}`);
  },
);
