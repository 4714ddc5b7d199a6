/**
 * @onekey/sdk against the real tenant API (Ponder on PostgreSQL over a local chain, the webhook
 * worker, a receiver on 127.0.0.1): what a dashboard
 * does, automated. Sign-in with SIWE as an EOA, as an ERC-1271 contract wallet and as an
 * ERC-6492 wallet not deployed yet; API keys created, used, rotated and revoked; webhook
 * endpoints managed with the key (deliveries listed and replayed) and with the admin session;
 * sign-out. The contract wallet is a few bytes of EVM code (below) whose isValidSignature accepts
 * its owner's signature, a key other than its address.
 */
import { ROLE } from "@onekey/devnet/onekey-chain";
import { OneKeyAdminClient, OneKeyApiError, verifyWebhook } from "@onekey/sdk";
import {
  type Address,
  concat,
  getContractAddress,
  type Hex,
  keccak256,
  type LocalAccount,
  serializeErc6492Signature,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PonderProcess, startPonder } from "../../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../../harness/postgres.js";
import { type Receiver, startReceiver } from "../../harness/receiver.js";
import { newEncryptionKey, startWorker, type WorkerProcess } from "../../harness/worker.js";
import { type ChainStack, eventually, startChainStack } from "../support/stack.js";

/** The deterministic CREATE2 deployer (on every local chain: the EntryPoint is deployed through it). */
const CREATE2_DEPLOYER: Address = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/**
 * Runtime code of a minimal ERC-1271 wallet: isValidSignature(hash, sig) ecrecovers the 65-byte
 * signature and answers 0x1626ba7e when it is `owner`'s, else zero.
 */
function walletRuntime(owner: Address): Hex {
  return concat([
    "0x600435600052", // mstore(0x00, hash)
    "0x60a43560f81c602052", // mstore(0x20, v): the signature's 65th byte
    "0x606435604052", // mstore(0x40, r)
    "0x608435606052", // mstore(0x60, s)
    "0x602060806080600060015afa50", // staticcall(gas, ecrecover, 0x00, 0x80, 0x80, 0x20)
    "0x60805173",
    owner, // mload(0x80) == owner
    "0x14604e57", // jumpi(0x4e)
    "0x600060005260206000f3", // return 0
    "0x5b631626ba7e60e01b60005260206000f3", // 0x4e: return 0x1626ba7e
  ]);
}

/** Creation code: copies the runtime into memory and returns it. */
function walletInitCode(owner: Address): Hex {
  const runtime = walletRuntime(owner);
  const length = (runtime.length - 2) / 2;
  return concat([`0x60${length.toString(16).padStart(2, "0")}80600b6000396000f3`, runtime]);
}

let stack: ChainStack;
let database: TestDatabase;
let ponder: PonderProcess;
let worker: WorkerProcess;
let receiver: Receiver;
let baseUrl: string;
let owner: LocalAccount;
let projectId: bigint;
let otherProjectId: bigint;
/** Every secret handed out: the API's logs must hold none of them. */
const secrets: string[] = [];

beforeAll(async () => {
  stack = await startChainStack();
  const chain = stack.onekey;
  owner = chain.account(2) as LocalAccount;
  const orgId = await chain.createOrganization(owner);
  projectId = await chain.createProject(owner, orgId, "sdk-alpha");
  const outsider = chain.account(3);
  otherProjectId = await chain.createProject(outsider, await chain.createOrganization(outsider), "sdk-beta");
  database = await createTestDatabase("onekey_sdk_e2e");
  const encryptionKey = newEncryptionKey();
  const webhookEnv = { ONEKEY_WEBHOOK_DEFAULT_CONFIRMATIONS: "0", ONEKEY_WEBHOOK_POLL_MS: "50" };
  ponder = await startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployBookDir: stack.bookDir,
    database: { kind: "postgres", url: database.url },
    schema: "sdk_e2e",
    viewsSchema: "onekey",
    env: { ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey, ONEKEY_API_AUTH_RATE_LIMIT_POINTS: "1000", ...webhookEnv },
  });
  worker = await startWorker({ databaseUrl: database.url, encryptionKey, env: webhookEnv });
  receiver = await startReceiver();
  baseUrl = ponder.url;
  await ponder.waitForBlock(await chain.blockNumber());
});

afterAll(async () => {
  await receiver?.close();
  await worker?.stop();
  await ponder?.stop();
  await database?.drop();
  await stack?.stop();
});

async function refusal(run: () => Promise<unknown>): Promise<OneKeyApiError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(OneKeyApiError);
    return error as OneKeyApiError;
  }
  throw new Error("expected the call to be refused");
}

describe("SDK sign-in against the tenant API", () => {
  it("signs in an EOA, lists the projects it administers, and signs out", async () => {
    const { client, session } = await OneKeyAdminClient.signIn({
      baseUrl,
      signer: owner,
      domain: "localhost",
      chainId: 31337,
    });
    secrets.push(client.sessionToken());
    expect(session.address).toBe(owner.address.toLowerCase());
    expect(session.projects).toContain(String(projectId));
    expect(session.projects).not.toContain(String(otherProjectId));
    expect((await client.getSession()).projects).toContain(String(projectId));
    // Another organization's project is not this admin's.
    expect(await refusal(() => client.listApiKeys(otherProjectId))).toMatchObject({
      status: 403,
      code: "not_project_admin",
    });
    await client.signOut();
    expect(await refusal(() => client.getSession())).toMatchObject({ status: 401 });
  });

  it("refuses a signer whose signature is not the address's", async () => {
    const impostor = privateKeyToAccount(generatePrivateKey());
    const error = await refusal(() =>
      OneKeyAdminClient.signIn({
        baseUrl,
        signer: { address: owner.address, signMessage: (args) => impostor.signMessage(args) },
      }),
    );
    expect(error).toMatchObject({ status: 401, code: "siwe_signature_invalid" });
  });

  it("signs in a deployed ERC-1271 contract wallet with its owner's signature", async () => {
    const chain = stack.onekey;
    const walletOwner = privateKeyToAccount(generatePrivateKey());
    const wallet = privateKeyToAccount(generatePrivateKey()).address; // an address nobody signs for
    await chain.rpc("hardhat_setCode", [wallet, walletRuntime(walletOwner.address)]);
    await ponder.waitForBlock((await chain.grantRole(owner, projectId, wallet, ROLE.ADMIN)).blockNumber);

    const { client, session } = await OneKeyAdminClient.signIn({
      baseUrl,
      signer: { address: wallet, signMessage: (args) => walletOwner.signMessage(args) },
    });
    secrets.push(client.sessionToken());
    expect(session.address).toBe(wallet.toLowerCase());
    expect(session.projects).toEqual([String(projectId)]);
    const created = await client.createApiKey(projectId, { name: "contract wallet", scopes: ["read"] });
    secrets.push(created.key);
    expect(created.apiKey.createdBy).toBe(wallet.toLowerCase());

    // The same wallet, signed by some other key: the contract says no.
    const stranger = privateKeyToAccount(generatePrivateKey());
    const error = await refusal(() =>
      OneKeyAdminClient.signIn({ baseUrl, signer: { address: wallet, signMessage: (a) => stranger.signMessage(a) } }),
    );
    expect(error.code).toBe("siwe_signature_invalid");
  });

  it("signs in an ERC-6492 wallet before it is deployed (the signature carries its deployment)", async () => {
    const chain = stack.onekey;
    const walletOwner = privateKeyToAccount(generatePrivateKey());
    const salt = keccak256(toHex(walletOwner.address));
    const initCode = walletInitCode(walletOwner.address);
    const wallet = getContractAddress({ opcode: "CREATE2", from: CREATE2_DEPLOYER, salt, bytecode: initCode });
    await ponder.waitForBlock((await chain.grantRole(owner, projectId, wallet, ROLE.ADMIN)).blockNumber);
    expect(await chain.client.getCode({ address: wallet })).toBeUndefined();

    const { client, session } = await OneKeyAdminClient.signIn({
      baseUrl,
      signer: {
        address: wallet,
        signMessage: async (args) =>
          serializeErc6492Signature({
            address: CREATE2_DEPLOYER,
            data: concat([salt, initCode]),
            signature: await walletOwner.signMessage(args),
          }),
      },
    });
    secrets.push(client.sessionToken());
    expect(session).toMatchObject({ address: wallet.toLowerCase(), projects: [String(projectId)] });
    // Verification simulated the deployment; nothing was deployed.
    expect(await chain.client.getCode({ address: wallet })).toBeUndefined();
  });
});

describe("SDK key and webhook management against the tenant API", () => {
  it("creates a key that works, rotates it with a grace period, and revokes it", async () => {
    const { client: admin } = await OneKeyAdminClient.signIn({ baseUrl, signer: owner });
    secrets.push(admin.sessionToken());
    const expiresAt = new Date(Date.now() + 3600_000);
    const created = await admin.createApiKey(projectId, {
      name: "sdk e2e",
      scopes: ["read", "webhooks:manage"],
      expiresAt,
    });
    secrets.push(created.key);
    expect(created.key).toMatch(/^okk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({
      projectId: String(projectId),
      scopes: ["read", "webhooks:manage"],
      status: "active",
      expiresAt: expiresAt.toISOString(),
    });
    const project = await admin.clientFor(created.key).getProject();
    expect(project).toMatchObject({ projectId: String(projectId), slug: "sdk-alpha" });
    const listed = await admin.listApiKeys(projectId);
    expect(listed.find((k) => k.id === created.apiKey.id)).toMatchObject({ prefix: created.key.slice(0, 10) });
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const rotated = await admin.rotateApiKey(projectId, created.apiKey.id, { gracePeriodSeconds: 600 });
    secrets.push(rotated.key);
    expect(rotated.apiKey.rotatedFrom).toBe(created.apiKey.id);
    expect((await admin.clientFor(created.key).getProject()).projectId).toBe(String(projectId));
    expect((await admin.clientFor(rotated.key).getProject()).projectId).toBe(String(projectId));

    const revoked = await admin.revokeApiKey(projectId, rotated.apiKey.id);
    expect(revoked).toMatchObject({ id: rotated.apiKey.id, status: "revoked" });
    expect(await refusal(() => admin.clientFor(rotated.key).getProject())).toMatchObject({
      status: 401,
      code: "api_key_revoked",
    });
    expect(await refusal(() => admin.rotateApiKey(projectId, rotated.apiKey.id))).toMatchObject({
      status: 409,
      code: "api_key_not_live",
    });
    const actions: string[] = [];
    for await (const entry of admin.iterateAuditLog(projectId, { limit: 2 })) {
      actions.push(entry.action);
      if (actions.length === 6) break;
    }
    expect(actions).toEqual(expect.arrayContaining(["api_key.revoke", "api_key.rotate", "api_key.create"]));
  });

  it("manages webhook endpoints with a webhooks:manage key: create, update, rotate, test, deliveries, replay, delete", async () => {
    const { client: admin } = await OneKeyAdminClient.signIn({ baseUrl, signer: owner });
    secrets.push(admin.sessionToken());
    const { key } = await admin.createApiKey(projectId, { name: "webhooks", scopes: ["webhooks:manage"] });
    secrets.push(key);
    const hooks = admin.clientFor(key);
    const { endpoint, secret } = await hooks.createWebhookEndpoint({
      url: receiver.url("/key"),
      eventTypes: ["project.role_granted", "webhook.test"],
    });
    secrets.push(secret);
    expect(secret).toMatch(/^whsec_/);
    expect((await hooks.listWebhookEndpoints()).map((e) => e.id)).toContain(endpoint.id);
    const updated = await hooks.updateWebhookEndpoint(endpoint.id, { enabled: false, description: "paused" });
    expect(updated).toMatchObject({ enabled: false, description: "paused" });
    const rotated = await hooks.rotateWebhookSecret(endpoint.id, { graceSeconds: 60 });
    secrets.push(rotated.secret);
    expect(rotated.secret).not.toBe(secret);
    await hooks.updateWebhookEndpoint(endpoint.id, { enabled: true });
    const { eventId, deliveryId } = await hooks.sendTestWebhook(endpoint.id);
    // The worker delivers it, signed with both secrets while the rotation's grace lasts.
    const arrivals = (id: string) => receiver.on("/key").filter((r) => r.id === id);
    await eventually(
      "the test event's delivery",
      async () => arrivals(eventId),
      (a) => a.length === 1,
    );
    const [first] = arrivals(eventId);
    expect(verifyWebhook(first?.body ?? "", first?.headers ?? {}, rotated.secret).type).toBe("webhook.test");
    expect(verifyWebhook(first?.body ?? "", first?.headers ?? {}, secret).id).toBe(eventId);
    const delivered = await eventually(
      "the delivery to be recorded",
      () => hooks.getWebhookDelivery(deliveryId),
      (d) => d.status === "delivered",
    );
    expect(delivered).toMatchObject({ eventId, endpointId: endpoint.id, attempts: 1 });
    expect(delivered.log[0]).toMatchObject({ statusCode: 200 });
    expect((await hooks.listWebhookDeliveries({ endpointId: endpoint.id })).data.map((d) => d.eventId)).toContain(
      eventId,
    );
    // Replay of the one delivery: the same event (same webhook-id) arrives again.
    expect(await hooks.replayWebhookDelivery(deliveryId)).toEqual({ deliveryId });
    await eventually(
      "the replayed delivery",
      async () => arrivals(eventId),
      (a) => a.length === 2,
    );
    // Replay by time range: the endpoint's chain events of this (fresh) chain, the admin role
    // grants of the wallet tests above, though the endpoint did not exist when they happened.
    // The window is wide: block times are the chain's clock, not this one.
    const day = 24 * 3600_000;
    const range = await hooks.replayWebhooks({
      endpointId: endpoint.id,
      since: new Date(Date.now() - day),
      until: new Date(Date.now() + day),
    });
    expect(range.replayed).toBeGreaterThanOrEqual(2);
    await eventually(
      "the replayed role grants",
      async () => receiver.on("/key").filter((r) => r.body.includes('"project.role_granted"')),
      (a) => a.length >= 2,
    );
    // A read-only key may not manage webhooks.
    const reader = await admin.createApiKey(projectId, { name: "reader", scopes: ["read"] });
    secrets.push(reader.key);
    expect(await refusal(() => admin.clientFor(reader.key).listWebhookEndpoints())).toMatchObject({
      status: 403,
      code: "scope_missing",
    });
    await hooks.deleteWebhookEndpoint(endpoint.id);
    expect(await refusal(() => hooks.getWebhookEndpoint(endpoint.id))).toMatchObject({ status: 404 });
  });

  it("manages the same endpoints with the admin session (no API key), and refuses another org's admin", async () => {
    const { client: admin } = await OneKeyAdminClient.signIn({ baseUrl, signer: owner });
    secrets.push(admin.sessionToken());
    const memberships = await admin.listProjects();
    expect(memberships.find((p) => p.projectId === String(projectId))).toMatchObject({ slug: "sdk-alpha" });
    const { endpoint, secret } = await admin.createWebhookEndpoint(projectId, { url: receiver.url("/session") });
    secrets.push(secret);
    const { key } = await admin.createApiKey(projectId, { name: "check", scopes: ["webhooks:manage"] });
    secrets.push(key);
    // The key's routes see the endpoint the session made: one project, two ways in.
    expect((await admin.clientFor(key).getWebhookEndpoint(endpoint.id)).url).toBe(receiver.url("/session"));
    const { eventId, deliveryId } = await admin.sendTestWebhook(projectId, endpoint.id);
    await eventually(
      "the session's test event",
      async () => receiver.on("/session"),
      (a) => a.length === 1,
    );
    const [arrived] = receiver.on("/session");
    expect(verifyWebhook(arrived?.body ?? "", arrived?.headers ?? {}, secret).id).toBe(eventId);
    expect(await admin.getWebhookDelivery(projectId, deliveryId)).toMatchObject({ endpointId: endpoint.id, eventId });
    expect((await admin.listWebhookDeliveries(projectId, { endpointId: endpoint.id })).data).toHaveLength(1);
    expect(await admin.updateWebhookSettings(projectId, { confirmations: 2 })).toMatchObject({ confirmations: 2 });

    const { client: stranger } = await OneKeyAdminClient.signIn({
      baseUrl,
      signer: stack.onekey.account(3) as LocalAccount,
    });
    secrets.push(stranger.sessionToken());
    expect(await refusal(() => stranger.listWebhookEndpoints(projectId))).toMatchObject({
      status: 403,
      code: "not_project_admin",
    });
    await admin.deleteWebhookEndpoint(projectId, endpoint.id);
    expect(await admin.listWebhookEndpoints(projectId)).not.toContainEqual(
      expect.objectContaining({ id: endpoint.id }),
    );
  });

  it("keeps every token, key and webhook secret out of the API's logs", () => {
    expect(secrets.length).toBeGreaterThan(8);
    const logs = ponder.logs();
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
