import { startKeyService } from "@onekey/keyservice";
import { type RegistryWorld, startRegistryWorld } from "@onekey/keyservice/testing";
import Arweave from "arweave";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptEnvelope } from "../../src/privacy/envelope/decrypt.js";
import { encryptEnvelope } from "../../src/privacy/envelope/encrypt.js";
import { WrongContextError } from "../../src/privacy/envelope/errors.js";
import { ciphertextHash } from "../../src/privacy/envelope/hash.js";
import { generateDataKey } from "../../src/privacy/envelope/subkeys.js";
import { KeyAccessDeniedError } from "../../src/privacy/keys/errors.js";
import { KeyServiceKeyAccess } from "../../src/privacy/keys/keyservice-key-access.js";
import { decodeProtectedKey, encodeProtectedKey } from "../../src/privacy/keys/protected-key.js";
import { createDataItem } from "../../src/privacy/storage/ans104.js";
import { ArlocalStorage } from "../../src/privacy/storage/arlocal-storage.js";
import { STORAGE_NETWORK_ID } from "../../src/privacy/storage/storage.js";
import { UploadQueue } from "../../src/privacy/storage/upload-queue.js";
import { MemoryUploadStateStore } from "../../src/privacy/storage/upload-state.js";
import { readVerifiedEnvelope } from "../../src/privacy/storage/verified-read.js";
import { type RunningArlocal, startArlocal } from "../support/arlocal.js";

// The whole local privacy flow, every piece real: the subject's browser encrypts a record,
// uploads it to arlocal as an ANS-104 item, locks the data key to the attestation it is about to
// get (nextUid) in the key service; the issuer attests with the storage id and ciphertext hash;
// a project's reader finds the record from the chain alone and opens it.

let world: RegistryWorld;
let arlocal: RunningArlocal;
let keyservice: Awaited<ReturnType<typeof startKeyService>>;
const record = new TextEncoder().encode(
  JSON.stringify({ name: "Ada Lovelace", document: "P1234567", canary: "ONEKEY-CANARY-7f3a" }),
);

beforeAll(async () => {
  [world, arlocal] = await Promise.all([startRegistryWorld(), startArlocal()]);
  keyservice = await startKeyService({
    config: { host: "127.0.0.1", port: 0, chains: { [String(world.chainId)]: world.rpcUrl }, challengeTtlSeconds: 300 },
    log: () => undefined,
  });
}, 240_000);

afterAll(async () => {
  await keyservice?.close();
  await Promise.all([world?.stop(), arlocal?.stop()]);
});

describe("local privacy flow, end to end", () => {
  it("verify (encrypt, store, protect, attest) then read as a consenting project's reader", async () => {
    const { subject, reader, stranger } = world.accounts;
    const keyAccess = new KeyServiceKeyAccess({
      url: keyservice.url,
      domain: "localhost:5173",
      uri: "http://localhost:5173",
    });
    const jwk = await Arweave.init({}).wallets.generate();
    await ArlocalStorage.fund(arlocal.url, jwk);
    const storage = new ArlocalStorage({ url: arlocal.url, jwk });

    // The subject's browser.
    const context = { chainId: world.chainId, registry: world.registry, subject: subject.address, schemaVersion: 1 };
    const dataKey = generateDataKey();
    const envelope = await encryptEnvelope(record, { dataKey, context });
    const item = await createDataItem({
      data: envelope,
      tags: [{ name: "App-Name", value: "OneKey" }],
      signer: subject,
    });
    expect((await new UploadQueue({ storage, state: new MemoryUploadStateStore() }).upload(item)).status).toBe("done");
    const uid = await world.nextUid(subject.address);
    const protectedKey = encodeProtectedKey(
      await keyAccess.protect(dataKey, { chainId: world.chainId, registry: world.registry, uid }, subject),
    );

    // The issuer attests; the subject consents to the project.
    expect(await world.attest("subject", { storageId: item.id, ciphertextHash: await ciphertextHash(envelope) })).toBe(
      uid,
    );
    await world.grantConsent("subject");

    // The reader: everything from the chain, the storage and the key blob.
    const attestation = await world.getAttestation(subject.address);
    expect(attestation).toMatchObject({ uid, storageNetwork: STORAGE_NETWORK_ID.arweave, storageId: item.id });
    const stored = await readVerifiedEnvelope(storage, attestation);
    const key = await keyAccess.unlock(decodeProtectedKey(protectedKey), reader);
    expect(new TextDecoder().decode(await decryptEnvelope(stored, { dataKey: key, context }))).toBe(
      new TextDecoder().decode(record),
    );

    // Nothing readable anywhere but through the key: the canary is not in the stored bytes.
    expect(new TextDecoder().decode(stored)).not.toContain("ONEKEY-CANARY-7f3a");
    // A stranger gets no key; the right key under another subject's context is refused.
    await expect(keyAccess.unlock(decodeProtectedKey(protectedKey), stranger)).rejects.toBeInstanceOf(
      KeyAccessDeniedError,
    );
    await expect(
      decryptEnvelope(stored, { dataKey: key, context: { ...context, subject: stranger.address } }),
    ).rejects.toBeInstanceOf(WrongContextError);

    // Erasure: the key is gone for good, for everyone.
    await world.erase("subject");
    await expect(keyAccess.unlock(decodeProtectedKey(protectedKey), subject)).rejects.toBeInstanceOf(
      KeyAccessDeniedError,
    );
  });
});
