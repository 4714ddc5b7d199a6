/**
 * KycRegistry as the dApp uses it: the reads a screen needs and the calls a sponsored operation
 * carries. ABIs come from the deployment book (@onekey/deploy).
 */
import {
  attestationTypedData,
  kycRegistryAbi,
  projectRegistryAbi,
  RECORD_STATUS_NAMES,
  type RecordStatusName,
} from "@onekey/deploy";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  type PublicClient,
  parseAbiItem,
  recoverTypedDataAddress,
} from "viem";
import type { AppConfig } from "./config.js";
import type { AttestationGrant } from "./issuer/schemas.js";
import type { SponsoredCall } from "./wallet/sponsored-sender.js";

/** IKycRegistry.RecordStatus, from the deployment book. */
export const RECORD_STATUS = RECORD_STATUS_NAMES;
export type { RecordStatusName };

export interface CurrentAttestation {
  uid: Hex;
  issuer: Address;
  level: number;
  status: RecordStatusName;
  issuedAt: number;
  expiresAt: number;
  storageNetwork: number;
  storageId: Hex;
  ciphertextHash: Hex;
  /** Active and not expired: what isVerified checks. */
  live: boolean;
}

export class Registry {
  constructor(
    private readonly reader: PublicClient,
    private readonly config: AppConfig,
  ) {}

  private get address() {
    return this.config.contracts.kycRegistry;
  }

  async attestation(
    subject: Address,
    nowSeconds = Math.floor(Date.now() / 1000),
  ): Promise<CurrentAttestation | undefined> {
    const view = await this.reader.readContract({
      address: this.address,
      abi: kycRegistryAbi,
      functionName: "getAttestation",
      args: [subject],
    });
    if (/^0x0+$/.test(view.uid)) return undefined;
    const status = RECORD_STATUS[view.status] ?? "none";
    return {
      uid: view.uid,
      issuer: view.issuer,
      level: view.level,
      status,
      issuedAt: Number(view.issuedAt),
      expiresAt: Number(view.expiresAt),
      storageNetwork: view.storageNetwork,
      storageId: view.storageId,
      ciphertextHash: view.ciphertextHash,
      live: status === "active" && Number(view.expiresAt) > nowSeconds,
    };
  }

  hasConsent(subject: Address, projectId: bigint): Promise<boolean> {
    return this.reader.readContract({
      address: this.address,
      abi: kycRegistryAbi,
      functionName: "hasConsent",
      args: [subject, projectId],
    });
  }

  isVerifiedFor(subject: Address, level: number, projectId: bigint): Promise<boolean> {
    return this.reader.readContract({
      address: this.address,
      abi: kycRegistryAbi,
      functionName: "isVerifiedFor",
      args: [subject, level, projectId],
    });
  }

  nextUid(subject: Address): Promise<Hex> {
    return this.reader.readContract({
      address: this.address,
      abi: kycRegistryAbi,
      functionName: "nextUid",
      args: [subject],
    });
  }

  async decryptDelegateOf(subject: Address): Promise<Address | undefined> {
    const delegate = await this.reader.readContract({
      address: this.address,
      abi: kycRegistryAbi,
      functionName: "decryptDelegateOf",
      args: [subject],
    });
    return /^0x0+$/.test(delegate) ? undefined : delegate;
  }

  projectSlug(projectId: bigint): Promise<string> {
    return this.reader
      .readContract({
        address: this.config.contracts.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "getProject",
        args: [projectId],
      })
      .then((project) => (project as { slug: string }).slug);
  }

  /**
   * Every project the subject ever granted consent to, from the registry's events (the chain is
   * the source; the dApp has no project API key for the indexer), with whether it still holds.
   */
  async consents(subject: Address): Promise<{ projectId: bigint; granted: boolean }[]> {
    const fromBlock = BigInt(this.config.contracts.kycRegistryStartBlock);
    const logs = await this.reader.getLogs({
      address: this.address,
      event: parseAbiItem("event ConsentGranted(uint64 indexed projectId, address indexed subject)"),
      args: { subject },
      fromBlock,
      toBlock: "latest",
    });
    const ids = [...new Set(logs.map((log) => log.args.projectId as bigint))];
    return Promise.all(
      ids.map(async (projectId) => ({ projectId, granted: await this.hasConsent(subject, projectId) })),
    );
  }

  /** The issuer who signed `grant` (attestBySig names it): recovered from the EIP-712 signature. */
  issuerOf(grant: AttestationGrant): Promise<Address> {
    return recoverTypedDataAddress({
      ...attestationTypedData({
        chainId: grant.chainId,
        registry: grant.registry,
        request: grant.request,
        nonce: BigInt(grant.nonce),
        deadline: BigInt(grant.deadline),
      }),
      signature: grant.signature,
    });
  }
}

export const registryCalls = {
  attestBySig(registry: Address, grant: AttestationGrant, issuer: Address): SponsoredCall {
    return {
      to: registry,
      data: encodeFunctionData({
        abi: kycRegistryAbi,
        functionName: "attestBySig",
        args: [grant.request, issuer, BigInt(grant.nonce), BigInt(grant.deadline), grant.signature],
      }),
    };
  },
  grantConsent: (registry: Address, projectId: bigint): SponsoredCall => ({
    to: registry,
    data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] }),
  }),
  revokeConsent: (registry: Address, projectId: bigint): SponsoredCall => ({
    to: registry,
    data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "revokeConsent", args: [projectId] }),
  }),
  erase: (registry: Address): SponsoredCall => ({
    to: registry,
    data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "erase" }),
  }),
  setDecryptDelegate: (registry: Address, delegate: Address): SponsoredCall => ({
    to: registry,
    data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "setDecryptDelegate", args: [delegate] }),
  }),
};
