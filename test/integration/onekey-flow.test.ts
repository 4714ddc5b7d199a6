/**
 * The whole OneKey flow on an in-process chain, deployed through the production Ignition modules:
 * organization -> project -> roles -> issuer -> attestBySig (relayed) -> consent -> vault deposit
 * -> revoke -> vault refuses -> withdraw -> erase -> nobody can decrypt. Every event is decoded
 * from its receipt and compared with the state the contract stores.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import {
  type Address,
  BaseError,
  getAddress,
  type Hash,
  type Hex,
  hashTypedData,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
} from "viem";
import { kycRegistryAbi, projectRegistryAbi, verifiedVaultAbi } from "../../deploy/abis.js";
import { type AttestationRequest, attestationTypedData, signAttestation } from "../../deploy/attestation.js";
import { describeContractError } from "../../deploy/errors.js";
import OneKeyModule from "../../ignition/modules/OneKey.js";
import VerifiedVaultModule from "../../ignition/modules/VerifiedVault.js";
import { projectRoles } from "../../scripts/admin/roles.js";

// IProjectRegistry.ProjectStatus and IKycRegistry.RecordStatus
const PROJECT_ACTIVE = 1;
const RECORD_ACTIVE = 1;
const RECORD_REVOKED = 2;
const RECORD_ERASED = 3;

const PROJECT_ID = 1n; // the first project on a fresh chain: the vault is deployed for it
const MIN_LEVEL = 2;

const { viem, ignition } = await network.create();
const publicClient = await viem.getPublicClient();
const wallets = await viem.getWalletClients();

function walletAt(index: number) {
  const wallet = wallets[index];
  if (!wallet) throw new Error(`no wallet ${index}`);
  return wallet;
}

const governance = walletAt(0);
const orgOwner = walletAt(1);
const projectAdmin = walletAt(2);
const reader = walletAt(3);
const sponsorManager = walletAt(4);
const issuer = walletAt(5);
const subject = walletAt(6);
const relayer = walletAt(7);
const stranger = walletAt(8);
const delegate = walletAt(9);

/** Waits for a transaction and returns its logs decoded against `abi` with the event's block time. */
async function mined<const abi extends readonly unknown[]>(abi: abi, hash: Promise<Hash>) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  assert.equal(receipt.status, "success");
  const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
  return { receipt, timestamp: Number(block.timestamp), events: parseEventLogs({ abi, logs: receipt.logs }) };
}

async function chainTime(): Promise<number> {
  return Number((await publicClient.getBlock()).timestamp);
}

function randomBytes32(label: string): Hex {
  return keccak256(toHex(`${label}:${Math.random()}`));
}

describe("OneKey end to end (in-process chain, Ignition modules)", () => {
  // Ignition deploys in-process chains ephemerally: a second `deploy` would re-run `useModule`
  // and create fresh registries, so the vault module (which includes OneKey) is deployed once.
  let deployed: Awaited<ReturnType<typeof deployAll>>;
  async function deployAll() {
    const { vault, kycRegistry } = await ignition.deploy(VerifiedVaultModule, {
      parameters: { VerifiedVault: { projectId: PROJECT_ID, minLevel: MIN_LEVEL } },
    });
    const projectRegistry = await viem.getContractAt("ProjectRegistry", await kycRegistry.read.projects());
    return { vault, kycRegistry, projectRegistry };
  }

  let uid: Hex;
  let request: AttestationRequest;

  before(async () => {
    deployed = await deployAll();
  });

  it("deploys the OneKey module with the deployer as governance", async () => {
    const fresh = await ignition.deploy(OneKeyModule);
    assert.equal(await fresh.projectRegistry.read.version(), "1.0.0");
    assert.equal(await fresh.kycRegistry.read.version(), "1.0.0");
    assert.equal(await fresh.projectRegistry.read.owner(), getAddress(governance.account.address));
    assert.equal(await fresh.kycRegistry.read.owner(), getAddress(governance.account.address));
    assert.equal(await fresh.kycRegistry.read.projects(), fresh.projectRegistry.address);
    // The vault module's registries are wired the same way.
    const { vault, kycRegistry, projectRegistry } = deployed;
    assert.equal(await vault.read.registry(), kycRegistry.address);
    assert.equal(await vault.read.projectId(), PROJECT_ID);
    assert.equal(await vault.read.minLevel(), MIN_LEVEL);
    assert.equal(await projectRegistry.read.owner(), getAddress(governance.account.address));
  });

  it("creates an organization; the event carries what is stored", async () => {
    const { projectRegistry } = deployed;
    const { events } = await mined(
      projectRegistryAbi,
      projectRegistry.write.createOrganization([orgOwner.account.address, "ipfs://org-acme"], {
        account: orgOwner.account,
      }),
    );
    assert.equal(events.length, 1);
    const [created] = events;
    assert.equal(created?.eventName, "OrganizationCreated");
    if (created?.eventName !== "OrganizationCreated") return;
    const stored = await projectRegistry.read.getOrganization([created.args.orgId]);
    assert.deepEqual(created.args, { orgId: 1n, owner: stored.owner, metadataURI: stored.metadataURI });
    assert.equal(stored.owner, getAddress(orgOwner.account.address));
    assert.equal(stored.metadataURI, "ipfs://org-acme");
    assert.equal(await projectRegistry.read.organizationCount(), 1n);
  });

  it("creates a project; the event carries every stored field", async () => {
    const { projectRegistry } = deployed;
    const settings = {
      requiredLevel: MIN_LEVEL,
      acceptedIssuers: [issuer.account.address],
      metadataURI: "https://acme.example/onekey.json",
    };
    const { events } = await mined(
      projectRegistryAbi,
      projectRegistry.write.createProject([1n, "acme-app", settings], { account: orgOwner.account }),
    );
    const [created] = events;
    assert.equal(created?.eventName, "ProjectCreated");
    if (created?.eventName !== "ProjectCreated") return;
    const stored = await projectRegistry.read.getProject([created.args.projectId]);
    assert.deepEqual(created.args, {
      projectId: PROJECT_ID,
      orgId: stored.orgId,
      slug: stored.slug,
      status: stored.status,
      requiredLevel: stored.settings.requiredLevel,
      acceptedIssuers: stored.settings.acceptedIssuers,
      metadataURI: stored.settings.metadataURI,
    });
    assert.deepEqual(stored, {
      orgId: 1n,
      status: PROJECT_ACTIVE,
      slug: "acme-app",
      settings: { ...settings, acceptedIssuers: [getAddress(issuer.account.address)] },
    });
    assert.equal(await projectRegistry.read.projectIdOfSlug(["acme-app"]), PROJECT_ID);
  });

  it("grants roles by the same bits the admin commands use; events carry the new bitmap", async () => {
    const { projectRegistry } = deployed;
    const grants = [
      { by: orgOwner, to: projectAdmin, role: projectRoles.admin },
      { by: projectAdmin, to: reader, role: projectRoles.reader },
      { by: projectAdmin, to: sponsorManager, role: projectRoles["sponsor-manager"] },
    ];
    for (const { by, to, role } of grants) {
      let { events } = await mined(
        projectRegistryAbi,
        projectRegistry.write.grantRole([PROJECT_ID, to.account.address, role], { account: by.account }),
      );
      if (role === projectRoles.reader) {
        // A reader role is an offer until the reader accepts it: it takes none of its slots before.
        assert.deepEqual(
          events.map((e) => [e.eventName, e.args]),
          [["ProjectRoleOffered", { projectId: PROJECT_ID, account: getAddress(to.account.address), role }]],
        );
        assert.deepEqual(await projectRegistry.read.readerProjectsOf([to.account.address]), []);
        ({ events } = await mined(
          projectRegistryAbi,
          projectRegistry.write.acceptRole([PROJECT_ID, role], { account: to.account }),
        ));
      }
      const [changed] = events;
      assert.equal(changed?.eventName, "ProjectRolesChanged");
      if (changed?.eventName !== "ProjectRolesChanged") return;
      const roles = await projectRegistry.read.rolesOf([PROJECT_ID, to.account.address]);
      assert.deepEqual(changed.args, {
        projectId: PROJECT_ID,
        account: getAddress(to.account.address),
        role,
        granted: true,
        roles,
      });
      assert.equal(roles, role);
      assert.equal(await projectRegistry.read.hasRole([PROJECT_ID, to.account.address, role]), true);
    }
    assert.deepEqual(await projectRegistry.read.readerProjectsOf([reader.account.address]), [PROJECT_ID]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      projectRegistry.write.grantRole([PROJECT_ID, stranger.account.address, projectRoles.reader], {
        account: stranger.account,
      }),
      projectRegistry,
      "NotProjectAdmin",
      [PROJECT_ID, getAddress(stranger.account.address)],
    );
  });

  it("registers the issuer (governance only)", async () => {
    const { kycRegistry } = deployed;
    await viem.assertions.revertWithCustomErrorWithArgs(
      kycRegistry.write.registerIssuer([issuer.account.address], { account: stranger.account }),
      kycRegistry,
      "OwnableUnauthorizedAccount",
      [getAddress(stranger.account.address)],
    );
    const { events } = await mined(kycRegistryAbi, kycRegistry.write.registerIssuer([issuer.account.address]));
    const [registered] = events;
    assert.equal(registered?.eventName, "IssuerRegistered");
    if (registered?.eventName !== "IssuerRegistered") return;
    assert.deepEqual(registered.args, { issuer: getAddress(issuer.account.address), issuerId: 1 });
    assert.equal(await kycRegistry.read.isIssuer([issuer.account.address]), true);
    assert.equal(await kycRegistry.read.issuerOf([1]), getAddress(issuer.account.address));
  });

  it("records an attestation signed by the issuer and submitted by a relayer", async () => {
    const { kycRegistry } = deployed;
    const now = await chainTime();
    request = {
      subject: subject.account.address,
      level: MIN_LEVEL,
      expiresAt: now + 365 * 24 * 3600,
      storageNetwork: await kycRegistry.read.STORAGE_ARWEAVE(),
      storageId: randomBytes32("storage"),
      ciphertextHash: randomBytes32("ciphertext"),
    };
    const nonce = await kycRegistry.read.nonceOf([subject.account.address]);
    const deadline = BigInt(now + 3600);
    const params = {
      chainId: await publicClient.getChainId(),
      registry: kycRegistry.address,
      request,
      nonce,
      deadline,
    };
    // The helper's typed data is the digest the contract verifies.
    assert.equal(
      await kycRegistry.read.hashAttestation([request, nonce, deadline]),
      hashTypedData(attestationTypedData(params)),
    );
    const signature = await signAttestation(issuer, params);
    const expectedUid = await kycRegistry.read.nextUid([subject.account.address]);

    const { events, timestamp, receipt } = await mined(
      kycRegistryAbi,
      kycRegistry.write.attestBySig([request, issuer.account.address, nonce, deadline, signature], {
        account: relayer.account,
      }),
    );
    assert.equal(receipt.from, relayer.account.address.toLowerCase());
    const [created] = events;
    assert.equal(created?.eventName, "AttestationCreated");
    if (created?.eventName !== "AttestationCreated") return;
    uid = created.args.uid;
    assert.equal(uid, expectedUid);
    const stored = await kycRegistry.read.getAttestation([subject.account.address]);
    assert.deepEqual(created.args, {
      uid: stored.uid,
      subject: stored.subject,
      issuer: stored.issuer,
      level: stored.level,
      issuedAt: stored.issuedAt,
      expiresAt: stored.expiresAt,
      storageNetwork: stored.storageNetwork,
      storageId: stored.storageId,
      ciphertextHash: stored.ciphertextHash,
    });
    assert.deepEqual(stored, {
      uid,
      subject: getAddress(subject.account.address),
      issuer: getAddress(issuer.account.address),
      level: MIN_LEVEL,
      status: RECORD_ACTIVE,
      issuedAt: timestamp,
      expiresAt: request.expiresAt,
      storageNetwork: request.storageNetwork,
      storageId: request.storageId,
      ciphertextHash: request.ciphertextHash,
    });
    assert.equal(await kycRegistry.read.nonceOf([subject.account.address]), nonce + 1n);

    // The same signature again is a replay: refused with the nonce it expected.
    await viem.assertions.revertWithCustomErrorWithArgs(
      kycRegistry.write.attestBySig([request, issuer.account.address, nonce, deadline, signature], {
        account: relayer.account,
      }),
      kycRegistry,
      "NonceInvalid",
      [getAddress(subject.account.address), nonce + 1n, nonce],
    );
  });

  it("the subject consents; readers of the project may now decrypt, strangers may not", async () => {
    const { kycRegistry } = deployed;
    assert.equal(await kycRegistry.read.canDecrypt([reader.account.address, uid]), false);
    const { events } = await mined(
      kycRegistryAbi,
      kycRegistry.write.grantConsent([PROJECT_ID], { account: subject.account }),
    );
    const [granted] = events;
    assert.equal(granted?.eventName, "ConsentGranted");
    if (granted?.eventName !== "ConsentGranted") return;
    assert.deepEqual(granted.args, { projectId: PROJECT_ID, subject: getAddress(subject.account.address) });
    assert.equal(await kycRegistry.read.hasConsent([subject.account.address, PROJECT_ID]), true);
    assert.equal(await kycRegistry.read.isVerifiedFor([subject.account.address, MIN_LEVEL, PROJECT_ID]), true);
    assert.equal(await kycRegistry.read.meetsProjectPolicy([subject.account.address, PROJECT_ID]), true);
    assert.equal(await kycRegistry.read.canDecrypt([reader.account.address, uid]), true);
    assert.equal(await kycRegistry.read.canDecrypt([subject.account.address, uid]), true);
    assert.equal(await kycRegistry.read.canDecrypt([sponsorManager.account.address, uid]), false);
    assert.equal(await kycRegistry.read.canDecrypt([stranger.account.address, uid]), false);
  });

  it("the vault admits the verified, consenting subject and refuses a stranger", async () => {
    const { vault } = deployed;
    const amount = parseEther("1");
    const { events } = await mined(verifiedVaultAbi, vault.write.deposit({ account: subject.account, value: amount }));
    assert.deepEqual(
      events.map((e) => [e.eventName, e.args]),
      [["Deposited", { account: getAddress(subject.account.address), amount }]],
    );
    assert.equal(await vault.read.balanceOf([subject.account.address]), amount);
    await viem.assertions.revertWithCustomErrorWithArgs(
      vault.write.deposit({ account: stranger.account, value: amount }),
      vault,
      "NotVerifiedFor",
      [getAddress(stranger.account.address), MIN_LEVEL, PROJECT_ID],
    );
  });

  it("the issuer revokes; the event carries who and when", async () => {
    const { kycRegistry } = deployed;
    const { events, timestamp } = await mined(
      kycRegistryAbi,
      kycRegistry.write.revoke([uid], { account: issuer.account }),
    );
    const [revoked] = events;
    assert.equal(revoked?.eventName, "AttestationRevoked");
    if (revoked?.eventName !== "AttestationRevoked") return;
    assert.deepEqual(revoked.args, {
      uid,
      subject: getAddress(subject.account.address),
      revoker: getAddress(issuer.account.address),
      revokedAt: timestamp,
    });
    const stored = await kycRegistry.read.getAttestation([subject.account.address]);
    assert.equal(stored.status, RECORD_REVOKED);
    assert.equal(await kycRegistry.read.isVerified([subject.account.address, 1]), false);
    assert.equal(await kycRegistry.read.canDecrypt([reader.account.address, uid]), false);
  });

  it("the vault now refuses the subject with NotVerifiedFor(subject, minLevel, projectId)", async () => {
    const { vault } = deployed;
    const deposit = vault.write.deposit({ account: subject.account, value: parseEther("1") });
    await viem.assertions.revertWithCustomErrorWithArgs(deposit, vault, "NotVerifiedFor", [
      getAddress(subject.account.address),
      MIN_LEVEL,
      PROJECT_ID,
    ]);
    // The same revert, described for a user by the book's error table.
    const error = await vault.simulate.deposit({ account: subject.account.address, value: parseEther("1") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof BaseError);
    assert.equal(
      describeContractError(error),
      `${getAddress(subject.account.address)} is not verified at level ${MIN_LEVEL} with consent to project ${PROJECT_ID}.`,
    );
  });

  it("withdrawals are never gated: the subject takes the deposit back", async () => {
    const { vault } = deployed;
    const amount = parseEther("1");
    const hash = vault.write.withdraw([amount], { account: subject.account });
    await viem.assertions.balancesHaveChanged(hash, [
      { address: subject.account.address, amount },
      { address: vault.address, amount: -amount },
    ]);
    const { events } = await mined(verifiedVaultAbi, hash);
    assert.deepEqual(
      events.map((e) => [e.eventName, e.args]),
      [["Withdrawn", { account: getAddress(subject.account.address), amount }]],
    );
    assert.equal(await vault.read.balanceOf([subject.account.address]), 0n);
  });

  it("after erasure nobody can decrypt, not even with a new attestation for the old uid", async () => {
    const { kycRegistry } = deployed;
    // A fresh attestation (issuer submits directly) and a decrypt delegate: everyone who could
    // decrypt does, right before the erasure.
    const { events: attested } = await mined(
      kycRegistryAbi,
      kycRegistry.write.attest([{ ...request, storageId: randomBytes32("storage-2") }], { account: issuer.account }),
    );
    const created = attested.find((e) => e.eventName === "AttestationCreated");
    assert.ok(created?.eventName === "AttestationCreated");
    const liveUid = created.args.uid;
    assert.notEqual(liveUid, uid);
    await mined(
      kycRegistryAbi,
      kycRegistry.write.setDecryptDelegate([delegate.account.address], { account: subject.account }),
    );
    const everyone: Address[] = [
      subject,
      delegate,
      reader,
      projectAdmin,
      orgOwner,
      sponsorManager,
      issuer,
      governance,
      relayer,
      stranger,
    ].map((w) => w.account.address);
    const canDecrypt = (who: Address, which: Hex) => kycRegistry.read.canDecrypt([who, which]);
    for (const who of [subject, delegate, reader]) assert.equal(await canDecrypt(who.account.address, liveUid), true);

    // attack: a relayer keeps an issuer signature it never submitted, to bring the record back
    // after the subject erases it. Erasure consumes the nonce, so the signature is refused.
    const keptNonce = await kycRegistry.read.nonceOf([subject.account.address]);
    const keptDeadline = BigInt((await chainTime()) + 3600);
    const kept = {
      chainId: await publicClient.getChainId(),
      registry: kycRegistry.address,
      request: { ...request, storageId: randomBytes32("storage-kept") },
      nonce: keptNonce,
      deadline: keptDeadline,
    };
    const keptSignature = await signAttestation(issuer, kept);

    const { events, timestamp } = await mined(kycRegistryAbi, kycRegistry.write.erase({ account: subject.account }));
    const [erased] = events;
    assert.equal(erased?.eventName, "RecordErased");
    if (erased?.eventName !== "RecordErased") return;
    assert.deepEqual(erased.args, { uid: liveUid, subject: getAddress(subject.account.address), erasedAt: timestamp });
    assert.equal((await kycRegistry.read.getAttestation([subject.account.address])).status, RECORD_ERASED);
    assert.equal(await kycRegistry.read.nonceOf([subject.account.address]), keptNonce + 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      kycRegistry.write.attestBySig([kept.request, issuer.account.address, keptNonce, keptDeadline, keptSignature], {
        account: relayer.account,
      }),
      kycRegistry,
      "NonceInvalid",
      [getAddress(subject.account.address), keptNonce + 1n, keptNonce],
    );
    assert.equal((await kycRegistry.read.getAttestation([subject.account.address])).status, RECORD_ERASED);
    for (const who of everyone) {
      assert.equal(await canDecrypt(who, liveUid), false, `${who} can decrypt the erased record`);
      assert.equal(await canDecrypt(who, uid), false, `${who} can decrypt the revoked record`);
    }

    // Erasure is final for those uids: a later attestation gets a new uid and the old ones stay dead.
    await mined(kycRegistryAbi, kycRegistry.write.attest([request], { account: issuer.account }));
    const next = await kycRegistry.read.getAttestation([subject.account.address]);
    assert.notEqual(next.uid, liveUid);
    assert.equal(await canDecrypt(subject.account.address, next.uid), true);
    for (const who of everyone) assert.equal(await canDecrypt(who, liveUid), false);
  });
});
