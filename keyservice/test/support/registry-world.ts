/**
 * A local chain with OneKey deployed (the lead's scripts/lib/local-chain.ts: hardhat node +
 * the production Ignition modules) and the cast the decrypt condition needs: governance, an
 * issuer, a project with a reader, a subject and a stranger. Shared by the key service tests
 * and web's end-to-end key tests (exported as "@onekey/keyservice/testing").
 */
import { contractOf, kycRegistryAbi, PROJECT_ROLES, projectRegistryAbi, STORAGE_NETWORKS } from "@onekey/deploy";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type LocalAccount,
  toHex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { type LocalChain, startLocalChain } from "../../../scripts/lib/local-chain.js";

/** Hardhat's public development mnemonic: its accounts are funded on the local node only. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const ROLE_READER = PROJECT_ROLES.READER;
const STORAGE_ARWEAVE = STORAGE_NETWORKS.arweave;

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
    const deployBookDir = chain.deployBookDir;
    const registry = contractOf(chain.deployment, "KycRegistry").address;
    const projectRegistry = contractOf(chain.deployment, "ProjectRegistry").address;
    const transport = http(chain.rpcUrl);
    const publicClient = createPublicClient({ transport });
    const accounts = Object.fromEntries(
      cast.map((role, index) => [role, mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index })]),
    ) as unknown as Record<Role, LocalAccount>;
    const chainDef = {
      id: chain.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    } as const;

    async function send(
      role: Role,
      address: Address,
      abi: typeof kycRegistryAbi | typeof projectRegistryAbi,
      functionName: string,
      args: unknown[],
    ) {
      const wallet = createWalletClient({ account: accounts[role], chain: chainDef, transport });
      const { request } = await publicClient.simulateContract({
        account: accounts[role],
        address,
        abi,
        functionName,
        args,
        chain: chainDef,
      } as never);
      const hash = await wallet.writeContract(request as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    }
    const kyc = (role: Role, functionName: string, args: unknown[]) =>
      send(role, registry, kycRegistryAbi, functionName, args);
    const read = <T>(functionName: string, args: unknown[]) =>
      publicClient.readContract({ address: registry, abi: kycRegistryAbi, functionName, args } as never) as Promise<T>;

    await kyc("governance", "registerIssuer", [accounts.issuer.address]);
    await send("orgOwner", projectRegistry, projectRegistryAbi, "createOrganization", [accounts.orgOwner.address, ""]);
    await send("orgOwner", projectRegistry, projectRegistryAbi, "createProject", [
      1n,
      "acme",
      { requiredLevel: 1, acceptedIssuers: [], metadataURI: "" },
    ]);
    const projectId = 1n;
    await send("orgOwner", projectRegistry, projectRegistryAbi, "grantRole", [
      projectId,
      accounts.reader.address,
      ROLE_READER,
    ]);
    // A reader grant is an offer until the reader accepts it (ProjectRegistry, issue 11).
    await send("reader", projectRegistry, projectRegistryAbi, "acceptRole", [projectId, ROLE_READER]);

    return {
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      deployBookDir,
      registry,
      projectId,
      accounts,
      nextUid: (subject) => read<Hex>("nextUid", [subject]),
      async attest(subject, stored) {
        const uid = await read<Hex>("nextUid", [accounts[subject].address]);
        const { timestamp } = await publicClient.getBlock();
        await kyc("issuer", "attest", [
          {
            subject: accounts[subject].address,
            level: 1,
            expiresAt: Number(timestamp) + 365 * 24 * 3600,
            storageNetwork: STORAGE_ARWEAVE,
            storageId: stored?.storageId ?? keccak256(toHex(`storage:${uid}`)),
            ciphertextHash: stored?.ciphertextHash ?? keccak256(toHex(`ciphertext:${uid}`)),
          },
        ]);
        return uid;
      },
      getAttestation: (subject) => read("getAttestation", [subject]),
      grantConsent: (subject) => kyc(subject, "grantConsent", [projectId]),
      revokeConsent: (subject) => kyc(subject, "revokeConsent", [projectId]),
      revoke: (uid) => kyc("issuer", "revoke", [uid]),
      erase: (subject) => kyc(subject, "erase", []),
      setDecryptDelegate: (subject, delegate) => kyc(subject, "setDecryptDelegate", [delegate]),
      canDecrypt: (requester, uid) => read<boolean>("canDecrypt", [requester, uid]),
      stop: () => chain.stop(),
    };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}
