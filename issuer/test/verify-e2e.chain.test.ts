// biome-ignore-all lint/style/noNonNullAssertion: a test reads back what it has just asserted exists
/**
 * Acceptance, end to end on the local world: a zero-ETH SimpleAccount signs in to the issuer
 * (its owner's key, ERC-6492 while undeployed), runs a session with the sandbox provider's hosted
 * flow, pulls the approved result once, names its delegate (sponsored), seals the record with the
 * privacy modules (AES-256-GCM envelope, key in the local key service, ANS-104 item) and uploads
 * it to the bundler node, gets the issuer's signature, and submits attestBySig + grantConsent in
 * one sponsored user operation through Alto and the ERC-7677 service. The issuer's watcher moves
 * the session to consented; the indexer (Ponder on PostgreSQL, tenant API, webhook worker) shows
 * the attestation and delivers the project's webhooks; isVerifiedFor is true.
 *
 * Then the canary: a unique string typed into the provider's form as the name and document
 * number is looked for everywhere OneKey keeps or sends anything: both databases, Redis, every
 * log, every transaction and event on the chain, every webhook payload, every URL, and the stored
 * item. It is found only by decrypting the record.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { kycRegistryAbi, projectRegistryAbi } from "@onekey/deploy";
import { ApiClient } from "@onekey/indexer/harness/api";
import { type PonderProcess, startPonder } from "@onekey/indexer/harness/ponder";
import { createTestDatabase, type TestDatabase } from "@onekey/indexer/harness/postgres";
import { type Receiver, startReceiver } from "@onekey/indexer/harness/receiver";
import { newEncryptionKey, startWorker, type WorkerProcess } from "@onekey/indexer/harness/worker";
import { parseConfig, type RunningKeyService, startKeyService } from "@onekey/keyservice";
import { BundlerStorage, KeyServiceKeyAccess, openRecord, sealRecord } from "@onekey/web/privacy";
import { toSimpleAccountV07 } from "@onekey/web/simple-account";
import { Redis } from "ioredis";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  http,
  type LocalAccount,
  serializeErc6492Signature,
  stringToHex,
  toHex,
} from "viem";
import { createBundlerClient, createPaymasterClient } from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackgroundJobs } from "../src/kyc/jobs.js";
import { createLogger } from "../src/logger.js";
import { completeHostedFlow, eventually, type SessionBody, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack } from "./support/kyc-stack.js";
import {
  createProject,
  deployer,
  dropTestDatabase,
  ensureKycIssuer,
  LEVEL,
  stack,
  testDatabase,
} from "./support/stack.js";

const CANARY = `Zq${randomBytes(8).toString("hex")}Xv`;
const DAPP = "http://localhost:5173";
const person = { firstName: CANARY, lastName: `${CANARY}Last`, documentNumber: `D${CANARY}` };

let kyc: KycStack;
let projectId: bigint;
let slug: string;
let stopJobs: () => Promise<void>;
let keyservice: RunningKeyService;
const keyserviceLogs: string[] = [];
let indexerDb: TestDatabase;
let ponder: PonderProcess;
let worker: WorkerProcess;
let receiver: Receiver;
let api: ApiClient;
let apiKey: string;
const encryptionKey = newEncryptionKey();

/** Everything the flow produced that the canary search needs. */
const seen = {
  urls: [] as string[],
  sessionId: "",
  storageId: "0x" as Hex,
  personalData: {} as Record<string, unknown>,
  plaintext: "",
};

let owner: LocalAccount;
let subject: Address;

beforeAll(async () => {
  await ensureKycIssuer();
  kyc = await startKycStack();
  stopJobs = startBackgroundJobs(
    kyc.issuer.kyc,
    { chainPollMs: 100, cleanupMs: 60_000, probeMs: 400 },
    createLogger("silent"),
  );
  const { publicClient, contracts, rpcUrl, chainId, bookDir } = stack();
  projectId = await createProject("verify");
  slug = (
    await publicClient.readContract({
      address: contracts.projectRegistry,
      abi: projectRegistryAbi,
      functionName: "getProject",
      args: [projectId],
    })
  ).slug;
  keyservice = await startKeyService({
    config: parseConfig({
      chains: { [String(chainId)]: { rpcUrl, registry: contracts.kycRegistry } },
      dappOrigin: DAPP,
    }),
    log: (entry) => keyserviceLogs.push(JSON.stringify(entry)),
  });
  indexerDb = await createTestDatabase("onekey_issuer_e2e_indexer");
  receiver = await startReceiver();
  ponder = await startPonder({
    rpcUrl,
    deployBookDir: bookDir,
    database: { kind: "postgres", url: indexerDb.url },
    schema: "verify_e2e",
    viewsSchema: "onekey",
    env: { ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey, ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0" },
  });
  await ponder.waitForBlock(await publicClient.getBlockNumber(), 120_000);
  api = new ApiClient(ponder.url);
  const session = await api.login(deployer);
  apiKey = (await api.createKey(session, projectId, { scopes: ["read", "webhooks:manage"] })).key;
  const endpoint = await api.post("/v1/webhooks/endpoints", { url: receiver.url("/onekey") }, apiKey);
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  worker = await startWorker({
    databaseUrl: indexerDb.url,
    encryptionKey,
    env: { ONEKEY_WEBHOOK_POLL_MS: "50", ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0" },
  });
}, 300_000);

afterAll(async () => {
  await stopJobs?.();
  await worker?.stop();
  await ponder?.stop();
  await receiver?.close();
  await keyservice?.close();
  await kyc?.stop();
  await indexerDb?.drop();
  await dropTestDatabase();
});

function bundlerFor(account: Awaited<ReturnType<typeof toSimpleAccountV07>>) {
  const { publicClient, bundlerUrl } = stack();
  return createBundlerClient({
    account,
    client: publicClient,
    transport: http(bundlerUrl),
    paymaster: createPaymasterClient({ transport: http(kyc.issuer.url) }),
    paymasterContext: { projectId: projectId.toString() },
  });
}

/** One verification through the issuer, the provider, the privacy modules and storage. */
async function verify(client: SessionClient, who: typeof person) {
  const { publicClient, contracts, chainId } = stack();
  const started = await client.post<SessionBody>("/v1/sessions", {
    project: slug,
    returnUrl: `${DAPP}/verify/${slug}`,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  seen.urls.push(started.body.launch!.url!, `${DAPP}/verify/${slug}`);
  const flow = await completeHostedFlow(started.body.launch!.url!, who);
  seen.urls.push(flow.location ?? "");
  await eventually(
    "the approval",
    () => client.get<SessionBody>(`/v1/sessions/${started.body.id}`),
    (r) => r.body.status === "decided" && r.body.outcome === "approved",
  );
  const pulled = await client.post<{ result: Record<string, unknown>; personalData: Record<string, unknown> }>(
    `/v1/sessions/${started.body.id}/result`,
  );
  expect(pulled.status).toBe(200);
  return { sessionId: started.body.id, pulled: pulled.body, publicClient, contracts, chainId };
}

/** Seals the pulled record (as the dApp does), uploads it, and asks the issuer to sign. */
async function sealAndSign(client: SessionClient, sessionId: string, record: unknown) {
  const { publicClient, contracts, chainId } = stack();
  const uid = await publicClient.readContract({
    address: contracts.kycRegistry,
    abi: kycRegistryAbi,
    functionName: "nextUid",
    args: [subject],
  });
  const keyAccess = new KeyServiceKeyAccess({ url: keyservice.url, domain: "localhost:5173", uri: DAPP });
  const context = { chainId, registry: contracts.kycRegistry, subject, schemaVersion: 1 };
  const sealed = await sealRecord({
    record: new TextEncoder().encode(JSON.stringify(record)),
    context,
    uid,
    keyAccess,
    owner,
    itemSigner: owner,
  });
  await new BundlerStorage({ url: kyc.bundler.url }).upload(sealed.item);
  const signed = await client.post<{
    request: {
      subject: Address;
      level: number;
      expiresAt: number;
      storageNetwork: number;
      storageId: Hex;
      ciphertextHash: Hex;
    };
    nonce: string;
    deadline: string;
    signature: Hex;
    issuer: Address;
  }>(`/v1/sessions/${sessionId}/attestation`, {
    storageNetwork: 1,
    storageId: sealed.item.id,
    ciphertextHash: sealed.ciphertextHash,
  });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  const attestBySig = encodeFunctionData({
    abi: kycRegistryAbi,
    functionName: "attestBySig",
    args: [
      signed.body.request,
      signed.body.issuer,
      BigInt(signed.body.nonce),
      BigInt(signed.body.deadline),
      signed.body.signature,
    ],
  });
  return { sealed, uid, attestBySig, context, keyAccess };
}

describe("acceptance: verify with the sandbox provider, attest and consent in one sponsored operation", () => {
  it("ends with the attestation on chain, in the indexer and in the project's webhooks; isVerifiedFor is true", async () => {
    const { publicClient, contracts } = stack();
    owner = privateKeyToAccount(generatePrivateKey());
    const account = await toSimpleAccountV07({ client: publicClient, owner, factory: contracts.factory });
    subject = account.address;
    expect(await publicClient.getBalance({ address: subject })).toBe(0n);
    const { factory, factoryData } = await account.getFactoryArgs();

    const client = new SessionClient(kyc.issuer.url);
    await client.signIn(subject, async (message) =>
      serializeErc6492Signature({
        address: factory!,
        data: factoryData!,
        signature: await owner.signMessage({ message }),
      }),
    );
    const { sessionId, pulled } = await verify(client, person);
    seen.sessionId = sessionId;
    seen.personalData = pulled.personalData;
    expect(pulled.personalData).toMatchObject({ firstName: CANARY, documentNumber: `D${CANARY}` });

    // The smart account names its owner as the EOA that speaks for it (the key service, like Lit,
    // authenticates EOAs), sponsored because its session of this project is approved.
    const bundler = bundlerFor(account);
    const delegateOp = await bundler.sendUserOperation({
      calls: [
        {
          to: contracts.kycRegistry,
          data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "setDecryptDelegate", args: [owner.address] }),
        },
      ],
    });
    expect((await bundler.waitForUserOperationReceipt({ hash: delegateOp, timeout: 60_000 })).success).toBe(true);

    const { sealed, uid, attestBySig, context, keyAccess } = await sealAndSign(client, sessionId, pulled);
    seen.storageId = sealed.item.id;
    const verifyOp = await bundler.sendUserOperation({
      calls: [
        { to: contracts.kycRegistry, data: attestBySig },
        {
          to: contracts.kycRegistry,
          data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] }),
        },
      ],
    });
    const { receipt, success } = await bundler.waitForUserOperationReceipt({ hash: verifyOp, timeout: 60_000 });
    expect(success).toBe(true);
    expect(await publicClient.getBalance({ address: subject })).toBe(0n);
    expect(
      await publicClient.readContract({
        address: contracts.kycRegistry,
        abi: kycRegistryAbi,
        functionName: "isVerifiedFor",
        args: [subject, LEVEL, projectId],
      }),
    ).toBe(true);

    // The issuer's watcher saw it: the session is done.
    const done = await eventually(
      "the session to be consented",
      () => client.get<SessionBody>(`/v1/sessions/${sessionId}`),
      (r) => r.body.status === "consented",
    );
    expect(done.body.steps.map((s) => s.step)).toEqual([
      "created",
      "provider_started",
      "submitted",
      "decided",
      "record_stored",
      "attestation_signed",
      "attested",
      "consented",
    ]);

    // The indexer shows the attestation to the project.
    await ponder.waitForBlock(receipt.blockNumber);
    const status = await api.get<{ verified: boolean; attestation: { uid: string; level: number } | null }>(
      `/v1/subjects/${subject}`,
      apiKey,
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ verified: true, attestation: { uid: uid.toLowerCase(), level: LEVEL } });
    const consent = await eventually(
      "consent.granted at the project's endpoint",
      async () => receiver.on("/onekey").map((r) => JSON.parse(r.body) as { type: string; data: { subject?: string } }),
      (events) => events.some((e) => e.type === "consent.granted"),
    );
    expect(consent.find((e) => e.type === "consent.granted")?.data.subject?.toLowerCase()).toBe(subject.toLowerCase());

    // The record opens for its subject's delegate, with the canary inside.
    const opened = await openRecord({
      storage: new BundlerStorage({ url: kyc.bundler.url }),
      attestation: { uid, storageId: sealed.item.id, ciphertextHash: sealed.ciphertextHash },
      context,
      keyAccess,
      requester: owner,
    });
    seen.plaintext = new TextDecoder().decode(opened);
    expect(seen.plaintext).toContain(CANARY);
  });

  it("delivers attestation.created to the consenting project's webhook when the subject verifies again", async () => {
    // (A first verification's attestation is created before its consent in the same operation,
    // so the indexer routes attestation.created to no project; the project learns of it from
    // consent.granted. A re-verification of a consenting subject reaches it as attestation.created.)
    const { contracts } = stack();
    const account = await toSimpleAccountV07({ client: stack().publicClient, owner, factory: contracts.factory });
    const client = new SessionClient(kyc.issuer.url);
    await client.signIn(subject, (message) => owner.signMessage({ message }));
    const second = { firstName: `${CANARY}Two`, lastName: "Again", documentNumber: `E${CANARY}` };
    const { sessionId, pulled } = await verify(client, second);
    const { attestBySig, uid } = await sealAndSign(client, sessionId, pulled);
    const bundler = bundlerFor(account);
    const op = await bundler.sendUserOperation({ calls: [{ to: contracts.kycRegistry, data: attestBySig }] });
    const { success } = await bundler.waitForUserOperationReceipt({ hash: op, timeout: 60_000 });
    expect(success).toBe(true);
    const created = await eventually(
      "attestation.created at the project's endpoint",
      async () =>
        receiver
          .on("/onekey")
          .map((r) => JSON.parse(r.body) as { type: string; projectId: string; data: { uid?: string } }),
      (events) => events.some((e) => e.type === "attestation.created" && e.data.uid === uid.toLowerCase()),
    );
    expect(created.find((e) => e.type === "attestation.created")?.projectId).toBe(projectId.toString());
    // A consenting subject's re-verification ends attested (its consent was given before).
    await eventually(
      "the second session to be attested",
      () => client.get<SessionBody>(`/v1/sessions/${sessionId}`),
      (r) => r.body.status === "attested",
    );
  });

  it("finds the canary nowhere but inside ciphertext", async () => {
    const { publicClient, contracts } = stack();
    expect(seen.sessionId).not.toBe("");
    const forms = [CANARY, stringToHex(CANARY).slice(2), Buffer.from(CANARY).toString("base64")];
    const leaks = (where: string, text: string) =>
      forms.filter((form) => text.includes(form)).map((f) => `${where}: ${f}`);
    const found: string[] = [];

    // Both databases, dumped whole.
    const dump = (url: string) =>
      execFileSync("pg_dump", ["--data-only", "--dbname", url], { maxBuffer: 256 * 2 ** 20 }).toString();
    const issuerDump = dump((await testDatabase()).url);
    expect(issuerDump).toContain(seen.sessionId); // the right database
    found.push(...leaks("issuer database", issuerDump));
    const indexerDump = dump(indexerDb.url);
    expect(indexerDump.toLowerCase()).toContain(subject.toLowerCase().slice(2));
    found.push(...leaks("indexer database", indexerDump));

    // Redis (rate limits).
    const redis = new Redis(kyc.issuer.config.redis.url);
    try {
      const keys = await redis.keys(`${kyc.issuer.config.redis.keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(keys.map(async (k) => `${k}=${(await redis.get(k).catch(() => "")) ?? ""}`));
      found.push(...leaks("redis", values.join("\n")));
    } finally {
      redis.disconnect();
    }

    // Logs: the issuer's, Ponder's, the webhook worker's, the key service's.
    expect(kyc.logs.join("")).toContain('"msg":"result delivered"');
    found.push(...leaks("issuer logs", kyc.logs.join("")));
    found.push(...leaks("indexer logs", ponder.logs()));
    found.push(...leaks("webhook worker logs", worker.logs()));
    found.push(...leaks("key service logs", keyserviceLogs.join("")));

    // The chain: every transaction's input and every event, in every block.
    const head = await publicClient.getBlockNumber();
    const chunks: string[] = [];
    for (let n = 0n; n <= head; n++) {
      const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) chunks.push(tx.input);
    }
    const logs = await publicClient.getLogs({ fromBlock: 0n, toBlock: head });
    for (const log of logs) chunks.push(log.data, ...log.topics);
    expect(chunks.join("").length).toBeGreaterThan(1000);
    found.push(...leaks("chain", chunks.join("").toLowerCase()));
    const onChain = await publicClient.readContract({
      address: contracts.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "getAttestation",
      args: [subject],
    });
    found.push(
      ...leaks(
        "chain state",
        JSON.stringify(onChain, (_k, v) => (typeof v === "bigint" ? toHex(v) : v)),
      ),
    );

    // Webhook payloads: the provider's to the issuer, and OneKey's to the project.
    const providerHooks = [...kyc.sandbox.deliveries, ...kyc.sandboxB.deliveries].map((d) => d.body).join("\n");
    expect(providerHooks.length).toBeGreaterThan(0);
    found.push(...leaks("provider webhooks", providerHooks));
    const tenantHooks = receiver.received.map((r) => `${r.path} ${r.body}`).join("\n");
    expect(tenantHooks).toContain("consent.granted");
    found.push(...leaks("tenant webhooks", tenantHooks));

    // URLs: the launch, the return, every path the tenant endpoint was called on.
    found.push(...leaks("urls", seen.urls.join("\n")));

    // The stored item is ciphertext: what the storage network serves holds no plaintext canary.
    const itemUrl = `${kyc.bundler.url}/${Buffer.from(seen.storageId.slice(2), "hex").toString("base64url")}`;
    const stored = Buffer.from(await (await fetch(itemUrl)).arrayBuffer());
    expect(stored.byteLength).toBeGreaterThan(0);
    found.push(...leaks("stored item", stored.toString("latin1")));

    expect(found).toEqual([]);
    // And yet it is there, inside the ciphertext: the subject's delegate decrypted it above.
    expect(seen.plaintext).toContain(CANARY);
    expect(Object.values(seen.personalData)).toContain(CANARY);
  });
});
