/**
 * A local chain with OneKey deployed (@onekey/devnet/local-chain: hardhat node + the production
 * Ignition modules, driven by @onekey/devnet/onekey-chain) and the cast the decrypt condition needs: governance, an
 * issuer, a project with a reader, a subject and a stranger. Shared by the key service tests
 * and web's end-to-end key tests (exported as "@onekey/keyservice/testing").
 */
import { PROJECT_ROLES } from "@onekey/deploy";
import { type LocalChain, startLocalChain } from "@onekey/devnet/local-chain";
import { OneKeyChain } from "@onekey/devnet/onekey-chain";
import type { Address, Hex, LocalAccount } from "viem";

const cast = ["governance", "issuer", "orgOwner", "reader", "subject", "stranger", "delegate"] as const;
export type Role = (typeof cast)[number];

export interface RegistryWorld {
  rpcUrl: string;
  chainId: number;
  /** The deployment book directory of this chain (ONEKEY_DEPLOY_BOOK_DIR for a key service). */
  deployBookDir: string;
  registry: Address;
  projectId: bigint;
  accounts: Record<Role, LocalAccount>;
  nextUid(subject: Address): Promise<Hex>;
  /** The issuer attests `subject` (level 1, a year) and returns the new uid. */
  attest(subject: Role, stored?: { storageId: Hex; ciphertextHash: Hex }): Promise<Hex>;
  getAttestation(subject: Address): Promise<{ uid: Hex; storageNetwork: number; storageId: Hex; ciphertextHash: Hex }>;
  grantConsent(subject: Role): Promise<void>;
  revokeConsent(subject: Role): Promise<void>;
  revoke(uid: Hex): Promise<void>;
  erase(subject: Role): Promise<void>;
  setDecryptDelegate(subject: Role, delegate: Address): Promise<void>;
  canDecrypt(requester: Address, uid: Hex): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startRegistryWorld(): Promise<RegistryWorld> {
  const chain: LocalChain = await startLocalChain();
  try {
    if (!chain.deployment || !chain.deployBookDir) {
      throw new Error("the local chain came up without the OneKey deployment");
    }
    const onekey = new OneKeyChain(chain.rpcUrl, chain.deployment);
    // Hardhat's test accounts in cast order (0 deployed OneKey and is governance).
    const accounts = Object.fromEntries(cast.map((role, index) => [role, onekey.account(index)])) as unknown as Record<
      Role,
      LocalAccount
    >;
    const done = async (sent: Promise<unknown>) => {
      await sent;
    };

    await onekey.registerIssuer(accounts.issuer.address);
    const orgId = await onekey.createOrganization(accounts.orgOwner, "");
    const projectId = await onekey.createProject(accounts.orgOwner, orgId, "acme", { metadataURI: "" });
    await onekey.grantRole(accounts.orgOwner, projectId, accounts.reader.address, PROJECT_ROLES.READER);
    // A reader grant is an offer until the reader accepts it (ProjectRegistry, issue 11).
    await onekey.acceptRole(accounts.reader, projectId, PROJECT_ROLES.READER);

    return {
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      deployBookDir: chain.deployBookDir,
      registry: onekey.kycRegistry,
      projectId,
      accounts,
      nextUid: (subject) => onekey.readKyc<Hex>("nextUid", [subject]),
      async attest(subject, stored) {
        // Expiry from chain time: tests may have moved the chain's clock.
        const { timestamp } = await onekey.client.getBlock();
        const expiresAt = Number(timestamp) + 365 * 24 * 3600;
        const { uid } = await onekey.attest(accounts.issuer, {
          subject: accounts[subject].address,
          level: 1,
          expiresAt,
          stored,
        });
        return uid;
      },
      getAttestation: (subject) => onekey.readKyc("getAttestation", [subject]),
      grantConsent: (subject) => done(onekey.grantConsent(accounts[subject], projectId)),
      revokeConsent: (subject) => done(onekey.revokeConsent(accounts[subject], projectId)),
      revoke: (uid) => done(onekey.revoke(accounts.issuer, uid)),
      erase: (subject) => done(onekey.erase(accounts[subject])),
      setDecryptDelegate: (subject, delegate) => done(onekey.setDecryptDelegate(accounts[subject], delegate)),
      canDecrypt: (requester, uid) => onekey.readKyc<boolean>("canDecrypt", [requester, uid]),
      stop: () => chain.stop(),
    };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}
