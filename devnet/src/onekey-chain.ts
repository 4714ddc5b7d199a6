/**
 * The one driver for a local OneKey chain: real transactions against a local OneKey deployment
 * (usually from ./local-chain.ts), for tests and benchmarks. Hardhat's funded test accounts play
 * governance, organization owners, issuers and subjects.
 */
import {
  contractOf,
  type Deployment,
  kycRegistryAbi,
  PROJECT_ROLES,
  projectRegistryAbi,
  STORAGE_NETWORKS,
} from "@onekey/deploy";
import {
  type Abi,
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseEventLogs,
  type TransactionReceipt,
  toHex,
} from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

const TEST_MNEMONIC = "test test test test test test test test test test test junk";

export const ROLE = PROJECT_ROLES;

export interface AttestInput {
  subject: Address;
  level: number;
  /** Unix seconds; default one year from now. */
  expiresAt?: number;
  /** Where the record is stored; default ids derived from the other fields. */
  stored?: { storageId: Hex; ciphertextHash: Hex };
}

export class OneKeyChain {
  readonly client: PublicClient;
  readonly projectRegistry: Address;
  readonly kycRegistry: Address;
  readonly #accounts = new Map<number, Account>();

  constructor(
    readonly rpcUrl: string,
    readonly deployment: Deployment,
  ) {
    this.client = createPublicClient({ chain: hardhat, transport: http(rpcUrl), pollingInterval: 20 });
    this.projectRegistry = contractOf(deployment, "ProjectRegistry").address;
    this.kycRegistry = contractOf(deployment, "KycRegistry").address;
  }

  /** Hardhat test account `index` (0 deployed OneKey and is governance). */
  account(index: number): Account {
    let account = this.#accounts.get(index);
    if (!account) {
      account = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
      this.#accounts.set(index, account);
    }
    return account;
  }

  /** A fresh account with 10 ETH (for subjects beyond the 20 test accounts). */
  async newAccount(): Promise<Account> {
    const account = privateKeyToAccount(generatePrivateKey());
    await this.rpc("hardhat_setBalance", [account.address, toHex(10n ** 19n)]);
    return account;
  }

  async rpc(method: string, params: unknown[] = []): Promise<unknown> {
    // biome-ignore lint/suspicious/noExplicitAny: test-node methods are not in viem's typed RPC schema
    return this.client.request({ method: method as any, params: params as any });
  }

  async blockNumber(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  /** Sends one contract call from `from` and waits for its receipt (automine: one block each). */
  async send(
    from: Account,
    target: "project" | "kyc" | { address: Address; abi: Abi },
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ): Promise<TransactionReceipt> {
    const wallet = createWalletClient({ account: from, chain: hardhat, transport: http(this.rpcUrl) });
    const contract =
      target === "project"
        ? { address: this.projectRegistry, abi: projectRegistryAbi as Abi }
        : target === "kyc"
          ? { address: this.kycRegistry, abi: kycRegistryAbi as Abi }
          : target;
    const hash = await wallet.writeContract({
      address: contract.address,
      abi: contract.abi as never,
      functionName: functionName as never,
      args: args as never,
      value: value as never,
    });
    const receipt = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted in ${hash}`);
    return receipt;
  }

  async createOrganization(owner: Account, metadataURI = "ipfs://org"): Promise<bigint> {
    const receipt = await this.send(owner, "project", "createOrganization", [owner.address, metadataURI]);
    const [log] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "OrganizationCreated" });
    if (!log) throw new Error("no OrganizationCreated");
    return log.args.orgId;
  }

  async createProject(
    by: Account,
    orgId: bigint,
    slug: string,
    settings: { requiredLevel?: number; acceptedIssuers?: Address[]; metadataURI?: string } = {},
  ): Promise<bigint> {
    const receipt = await this.send(by, "project", "createProject", [
      orgId,
      slug,
      {
        requiredLevel: settings.requiredLevel ?? 1,
        acceptedIssuers: settings.acceptedIssuers ?? [],
        metadataURI: settings.metadataURI ?? `ipfs://${slug}`,
      },
    ]);
    const [log] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "ProjectCreated" });
    if (!log) throw new Error("no ProjectCreated");
    return log.args.projectId;
  }

  grantRole(by: Account, projectId: bigint, account: Address, role: number) {
    return this.send(by, "project", "grantRole", [projectId, account, role]);
  }

  revokeRole(by: Account, projectId: bigint, account: Address, role: number) {
    return this.send(by, "project", "revokeRole", [projectId, account, role]);
  }

  /** The offered account takes a role it was offered (a reader grant to another account is an offer). */
  acceptRole(by: Account, projectId: bigint, role: number) {
    return this.send(by, "project", "acceptRole", [projectId, role]);
  }

  setOrganizationAdmin(owner: Account, orgId: bigint, account: Address, enabled: boolean) {
    return this.send(owner, "project", "setOrganizationAdmin", [orgId, account, enabled]);
  }

  setProjectStatus(by: Account, projectId: bigint, status: 1 | 2) {
    return this.send(by, "project", "setProjectStatus", [projectId, status]);
  }

  registerIssuer(issuer: Address) {
    return this.send(this.account(0), "kyc", "registerIssuer", [issuer]);
  }

  request(input: AttestInput) {
    const seed = keccak256(toHex(`${input.subject}:${input.level}:${input.expiresAt ?? 0}`));
    return {
      subject: input.subject,
      level: input.level,
      expiresAt: input.expiresAt ?? Math.floor(Date.now() / 1000) + 365 * 24 * 3600,
      storageNetwork: STORAGE_NETWORKS.arweave,
      storageId: input.stored?.storageId ?? seed,
      ciphertextHash: input.stored?.ciphertextHash ?? keccak256(seed),
    };
  }

  /** The issuer attests directly; returns the uid and the receipt. */
  async attest(issuer: Account, input: AttestInput): Promise<{ uid: Hex; receipt: TransactionReceipt }> {
    const receipt = await this.send(issuer, "kyc", "attest", [this.request(input)]);
    const [log] = parseEventLogs({ abi: kycRegistryAbi, logs: receipt.logs, eventName: "AttestationCreated" });
    if (!log) throw new Error("no AttestationCreated");
    return { uid: log.args.uid, receipt };
  }

  revoke(issuer: Account, uid: Hex) {
    return this.send(issuer, "kyc", "revoke", [uid]);
  }

  grantConsent(subject: Account, projectId: bigint) {
    return this.send(subject, "kyc", "grantConsent", [projectId]);
  }

  revokeConsent(subject: Account, projectId: bigint) {
    return this.send(subject, "kyc", "revokeConsent", [projectId]);
  }

  /**
   * `perBlock` role grants to fresh addresses in each of `blocks` blocks (automine off while it
   * sends): a burst of project.role_granted events that lands faster than one transaction a block.
   */
  async grantRolesInBlocks(by: Account, projectId: bigint, blocks: number, perBlock: number): Promise<void> {
    const wallet = createWalletClient({ account: by, chain: hardhat, transport: http(this.rpcUrl) });
    await this.rpc("evm_setAutomine", [false]);
    try {
      let nonce = await this.client.getTransactionCount({ address: by.address, blockTag: "pending" });
      for (let block = 0; block < blocks; block++) {
        await Promise.all(
          Array.from({ length: perBlock }, () =>
            wallet.writeContract({
              address: this.projectRegistry,
              abi: projectRegistryAbi,
              functionName: "grantRole",
              // Sponsor manager: granted at once (a reader grant would only be an offer).
              args: [projectId, privateKeyToAccount(generatePrivateKey()).address, ROLE.SPONSOR_MANAGER],
              nonce: nonce++,
              // Fixed gas: estimating against a block that is not mined yet would be wrong.
              gas: 200_000n,
            }),
          ),
        );
        await this.rpc("evm_mine");
      }
    } finally {
      await this.rpc("evm_setAutomine", [true]);
    }
  }

  erase(subject: Account) {
    return this.send(subject, "kyc", "erase", []);
  }

  setDecryptDelegate(subject: Account, delegate: Address) {
    return this.send(subject, "kyc", "setDecryptDelegate", [delegate]);
  }

  /** A read of the KycRegistry. */
  readKyc<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return this.client.readContract({
      address: this.kycRegistry,
      abi: kycRegistryAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  }
}
