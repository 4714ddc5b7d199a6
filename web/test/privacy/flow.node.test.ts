import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningLocalBundler, startLocalBundler } from "@onekey/devnet/local-bundler";
import { parseConfig, startKeyService } from "@onekey/keyservice";
import { type RegistryWorld, type Role, startRegistryWorld } from "@onekey/keyservice/testing";
import Arweave from "arweave";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WrongContextError } from "../../src/privacy/envelope/errors.js";
import { KeyAccessDeniedError, ProtectedKeyInvalidError } from "../../src/privacy/keys/errors.js";
import { KeyServiceKeyAccess } from "../../src/privacy/keys/keyservice-key-access.js";
import { encodeProtectedKey } from "../../src/privacy/keys/protected-key.js";
import { openRecord, PROTECTED_KEY_TAG, sealRecord } from "../../src/privacy/record.js";
import type { Tag } from "../../src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../src/privacy/storage/arlocal-storage.js";
import { BundlerStorage } from "../../src/privacy/storage/bundler-storage.js";
import { STORAGE_NETWORK_ID, type StorageAdapter } from "../../src/privacy/storage/storage.js";
import { UploadQueue } from "../../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../../src/privacy/storage/upload-state.js";
import { readVerifiedEnvelope } from "../../src/privacy/storage/verified-read.js";
import { type RunningArlocal, startArlocal } from "../support/arlocal.js";

// The whole local privacy flow, every piece real: the subject's browser seals a record (encrypts
// it, locks the data key to the attestation it is about to get in the key service, and signs an
// ANS-104 item that carries the protected key as a tag), uploads it; the issuer attests with the
// storage id and ciphertext hash; a project's reader finds the record from the chain alone and
// opens it. Through the local bundler node (the dev default), and through arlocal.

let world: RegistryWorld;
let arlocal: RunningArlocal;
let bundler: RunningLocalBundler;
let keyservice: Awaited<ReturnType<typeof startKeyService>>;
const bundlerDir = mkdtempSync(join(tmpdir(), "onekey-flow-bundler-"));
const CANARY = "ONEKEY-CANARY-7f3a";
const record = new TextEncoder().encode(JSON.stringify({ name: "Ada Lovelace", document: "P1234567", canary: CANARY }));

beforeAll(async () => {
  [world, arlocal, bundler] = await Promise.all([
    startRegistryWorld(),
    startArlocal(),
    startLocalBundler({ dataDir: bundlerDir }),
  ]);
  keyservice = await startKeyService({
    config: parseConfig({
      chains: { [String(world.chainId)]: { rpcUrl: world.rpcUrl, registry: world.registry } },
      dappOrigin: "http://localhost:5173",
    }),
    log: () => undefined,
  });
}, 240_000);

afterAll(async () => {
  await keyservice?.close();
  await Promise.all([world?.stop(), arlocal?.stop(), bundler?.stop()]);
  rmSync(bundlerDir, { recursive: true, force: true });
});

function keyAccess() {
  return new KeyServiceKeyAccess({ url: keyservice.url, domain: "localhost:5173", uri: "http://localhost:5173" });
}

function contextOf(role: Role) {
  return { chainId: world.chainId, registry: world.registry, subject: world.accounts[role].address, schemaVersion: 1 };
}

/** The subject's side: seal, upload through the queue, get attested; returns what the chain holds. */
async function verify(role: Role, storage: StorageAdapter) {
  const subject = world.accounts[role];
  const uid = await world.nextUid(subject.address);
  const sealed = await sealRecord({
    record,
    context: contextOf(role),
    uid,
    keyAccess: keyAccess(),
    owner: subject,
    itemSigner: subject,
  });
  expect(new TextDecoder().decode(sealed.item.bytes)).not.toContain(CANARY);
  const job = await new UploadQueue({ storage, state: new MemoryUploadStateStore() }).upload(sealed.item);
  expect(job.status).toBe("done");
  expect(await world.attest(role, { storageId: sealed.item.id, ciphertextHash: sealed.ciphertextHash })).toBe(uid);
  return world.getAttestation(subject.address);
}

/** Storage whose GraphQL index lies about one item's tags. */
function withTags(storage: StorageAdapter, tags: (real: Tag[]) => Tag[]): StorageAdapter {
  return {
    network: storage.network,
    upload: (item, options) => storage.upload(item, options),
    has: (id) => storage.has(id),
    download: (id, options) => storage.download(id, options),
    tags: async (id, options) => tags(await storage.tags(id, options)),
  };
}

describe("local privacy flow, end to end", () => {
  it("verify then read as a consenting project's reader, through the local bundler node", async () => {
    const { subject, reader, stranger } = world.accounts;
    const storage = new BundlerStorage({ url: bundler.url });
    const attestation = await verify("subject", storage);
    await world.grantConsent("subject");
    expect(attestation).toMatchObject({ storageNetwork: STORAGE_NETWORK_ID.arweave });

    // The reader: the chain, the storage id and the tag it carries are all it needs.
    const context = contextOf("subject");
    const read = { storage, attestation, context, keyAccess: keyAccess() };
    expect(new TextDecoder().decode(await openRecord({ ...read, requester: reader }))).toBe(
      new TextDecoder().decode(record),
    );
    // Nothing readable anywhere but through the key: the canary is not in the stored bytes.
    const stored = await readVerifiedEnvelope(storage, attestation);
    expect(new TextDecoder().decode(stored)).not.toContain(CANARY);

    // A stranger gets no key; the right key under another subject's context is refused.
    await expect(openRecord({ ...read, requester: stranger })).rejects.toBeInstanceOf(KeyAccessDeniedError);
    await expect(
      openRecord({ ...read, context: { ...context, subject: stranger.address }, requester: reader }),
    ).rejects.toBeInstanceOf(WrongContextError);

    // A lying index: no blob, two blobs, or a blob made for another attestation is refused
    // before the key network is asked.
    const blobOf = (tags: Tag[]) => tags.find((tag) => tag.name === PROTECTED_KEY_TAG) as Tag;
    const otherUid = `0x${"ab".repeat(32)}` as const;
    const lies: ((tags: Tag[]) => Tag[])[] = [
      (tags) => tags.filter((tag) => tag !== blobOf(tags)),
      (tags) => [...tags, blobOf(tags)],
      (tags) => {
        const forged = JSON.parse(blobOf(tags).value);
        forged.condition.uid = otherUid;
        return [{ name: PROTECTED_KEY_TAG, value: new TextDecoder().decode(encodeProtectedKey(forged)) }];
      },
    ];
    for (const lie of lies) {
      await expect(openRecord({ ...read, storage: withTags(storage, lie), requester: reader })).rejects.toBeInstanceOf(
        ProtectedKeyInvalidError,
      );
    }

    // Erasure: the key is gone for good, for everyone, the subject included.
    await world.erase("subject");
    await expect(openRecord({ ...read, requester: subject })).rejects.toBeInstanceOf(KeyAccessDeniedError);
    await expect(openRecord({ ...read, requester: reader })).rejects.toBeInstanceOf(KeyAccessDeniedError);
  });

  it("verify then read back as the subject, through arlocal (tags from its GraphQL index)", async () => {
    const jwk = await Arweave.init({}).wallets.generate();
    await ArlocalStorage.fund(arlocal.url, jwk);
    const storage = new ArlocalStorage({ url: arlocal.url, jwk });
    const attestation = await verify("delegate", storage);
    const opened = await openRecord({
      storage,
      attestation,
      context: contextOf("delegate"),
      keyAccess: keyAccess(),
      requester: world.accounts.delegate,
    });
    expect(opened).toEqual(record);
    // No consent was given: the project's reader is refused.
    await expect(
      openRecord({
        storage,
        attestation,
        context: contextOf("delegate"),
        keyAccess: keyAccess(),
        requester: world.accounts.reader,
      }),
    ).rejects.toBeInstanceOf(KeyAccessDeniedError);
  });
});
