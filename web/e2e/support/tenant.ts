/**
 * The other side of the e2e suite: what a project (tenant) sees. Its contract check
 * (`isVerifiedFor`), its webhooks (tenant API key, endpoint, a receiver on 127.0.0.1), and its
 * reader, who opens a consenting person's record through the key service as a project would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contractOf, type Deployment, kycRegistryAbi, PROJECT_ROLES, projectRegistryAbi } from "@onekey/deploy";
import { repoRoot } from "@onekey/devnet/processes";
import { ApiClient } from "@onekey/indexer/harness/api";
import { type Receiver, startReceiver } from "@onekey/indexer/harness/receiver";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type LocalAccount,
  parseEther,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { demoOwner, seedProject } from "../../harness/dev-app.js";
import { KeyServiceKeyAccess } from "../../src/privacy/keys/keyservice-key-access.js";
import { openRecord } from "../../src/privacy/record.js";
import { BundlerStorage } from "../../src/privacy/storage/bundler-storage.js";
import type { StackInfo } from "./stack.js";

export class Tenant {
  readonly reader;
  readonly owner = demoOwner();

  constructor(readonly info: StackInfo) {
    this.reader = createPublicClient({ chain: hardhat, transport: http(info.rpcUrl), pollingInterval: 50 });
  }

  /** The deployment book dev.ts wrote for this stack. */
  book(): Deployment {
    return JSON.parse(readFileSync(join(repoRoot, "deploy", "deployments", "local.json"), "utf8")) as Deployment;
  }

  get kycRegistry(): Address {
    return contractOf(this.book(), "KycRegistry").address;
  }

  isVerifiedFor(subject: Address, level: number, projectId: bigint): Promise<boolean> {
    return this.reader.readContract({
      address: this.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "isVerifiedFor",
      args: [subject, level, projectId],
    });
  }

  attestation(subject: Address) {
    return this.reader.readContract({
      address: this.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "getAttestation",
      args: [subject],
    });
  }

  /** Another project of the demo organization, with its own sponsorship budget. */
  createProject(slug: string): Promise<{ projectId: bigint; slug: string }> {
    return seedProject({
      rpcUrl: this.info.rpcUrl,
      deployment: this.book(),
      slug,
      orgId: BigInt(this.info.demo.orgId),
    });
  }

  /**
   * A fresh EOA with the reader role on `projectId`: the admin offers it, the reader (given a
   * little ETH for the transaction) accepts it, as ProjectRegistry's two-step reader grant asks.
   */
  async addReader(projectId: bigint): Promise<LocalAccount> {
    const reader = privateKeyToAccount(generatePrivateKey());
    const projectRegistry = contractOf(this.book(), "ProjectRegistry").address;
    const admin = createWalletClient({ account: this.owner, chain: hardhat, transport: http(this.info.rpcUrl) });
    const confirm = async (hash: Hex) => {
      const receipt = await this.reader.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    };
    await confirm(
      await admin.writeContract({
        address: projectRegistry,
        abi: projectRegistryAbi,
        functionName: "grantRole",
        args: [projectId, reader.address, PROJECT_ROLES.READER],
      }),
    );
    await confirm(await admin.sendTransaction({ to: reader.address, value: parseEther("0.01") }));
    const self = createWalletClient({ account: reader, chain: hardhat, transport: http(this.info.rpcUrl) });
    await confirm(
      await self.writeContract({
        address: projectRegistry,
        abi: projectRegistryAbi,
        functionName: "acceptRole",
        args: [projectId, PROJECT_ROLES.READER],
      }),
    );
    return reader;
  }

  /** The project's reader opens the subject's current record, as the project's backend would. */
  async readRecord(reader: LocalAccount, subject: Address): Promise<string> {
    const attestation = await this.attestation(subject);
    const app = new URL(this.info.appUrl);
    const plaintext = await openRecord({
      storage: new BundlerStorage({ url: this.info.storageBundlerUrl }),
      attestation: {
        uid: attestation.uid,
        storageId: attestation.storageId,
        ciphertextHash: attestation.ciphertextHash as Hex,
      },
      context: { chainId: this.info.chainId, registry: this.kycRegistry, subject, schemaVersion: 1 },
      keyAccess: new KeyServiceKeyAccess({ url: this.info.keyserviceUrl, domain: app.host, uri: app.origin }),
      requester: reader,
    });
    return new TextDecoder().decode(plaintext);
  }

  /** Signs in to the tenant API as the project's admin and points a webhook endpoint at a local receiver. */
  async webhooks(projectId: bigint): Promise<Receiver> {
    const api = new ApiClient(this.info.indexerUrl);
    const session = await api.login(this.owner);
    const { key } = await api.createKey(session, projectId, {
      name: "e2e webhooks",
      scopes: ["read", "webhooks:manage"],
    });
    const receiver = await startReceiver();
    const created = await api.post("/v1/webhooks/endpoints", { url: receiver.url(`/project-${projectId}`) }, key);
    if (created.status !== 201) throw new Error(`endpoint refused: ${created.status} ${JSON.stringify(created.body)}`);
    return receiver;
  }
}
