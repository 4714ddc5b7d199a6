/**
 * The attacks the key service defends against, each written as the attacker's script against the
 * real service (as its own process where the attack is on the process) and a real chain with the
 * registries deployed through the production Ignition modules.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, startProcess, waitFor } from "@onekey/devnet/processes";
import { bytesToBase64 } from "@onekey/keyservice-protocol";
import { createPublicClient, createWalletClient, type Hex, http, type LocalAccount } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { FileKeyStore, KeyWrapper } from "../src/key-store.js";
import { type RunningKeyService, startKeyService } from "../src/server.js";
import { type RegistryWorld, startRegistryWorld } from "./support/registry-world.js";

const DAPP = "http://localhost:5173";
const MASTER_KEY = "ab".repeat(32);
let world: RegistryWorld;
let service: RunningKeyService;
const scratch = mkdtempSync(join(tmpdir(), "onekey-keyservice-attacks-"));

function configFor(dataDir?: string) {
  return parseConfig({
    chains: { [String(world.chainId)]: { rpcUrl: world.rpcUrl, registry: world.registry } },
    dappOrigin: DAPP,
    dataDir,
    masterKey: MASTER_KEY,
  });
}

beforeAll(async () => {
  world = await startRegistryWorld();
  service = await startKeyService({ config: configFor(join(scratch, "keys")), log: () => undefined });
}, 240_000);

afterAll(async () => {
  await service?.close();
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** POSTs JSON from a chosen local address (127.0.0.x are all this machine): one client each. */
function post(
  path: string,
  body: unknown,
  options: { from?: string; base?: string } = {},
): Promise<{ status: number; body: Record<string, string> }> {
  const url = new URL(path, options.base ?? service.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        localAddress: options.from ?? "127.0.0.1",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Sends raw bytes and returns everything the server wrote back before closing. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", () => undefined);
    socket.write(bytes);
  });
}

const conditionFor = (uid: Hex, registry: Hex = world.registry) => ({ chainId: world.chainId, registry, uid });

/** A uid whose subject (`uid >> 96`) is `account`, and that no attestation holds yet. */
let sequence = 0x1000;
function freshUid(account: LocalAccount): Hex {
  sequence += 1;
  return `0x${account.address.slice(2).toLowerCase()}${sequence.toString(16).padStart(24, "0")}`;
}

async function signedStore(owner: LocalAccount, uid: Hex, dataKey: Uint8Array, from?: string) {
  const challenge = await post(
    "/v1/keys/challenge",
    { address: owner.address, condition: conditionFor(uid) },
    { from },
  );
  expect(challenge.status, JSON.stringify(challenge.body)).toBe(200);
  const message = challenge.body.message as string;
  return {
    condition: conditionFor(uid),
    dataKey: bytesToBase64(dataKey),
    message,
    signature: await owner.signMessage({ message }),
  };
}

describe("attacks on the key service", () => {
  it("attack: malformed request targets over a raw socket, to stop the service", async () => {
    // The attacker opens TCP connections and sends request targets that are not URLs: before,
    // the first one (`//x:99999` parses as host x, port 99999) threw in new URL() outside the
    // request's try, an unhandled rejection that ended the process and every other client's
    // session with it. Now each is answered with a 4xx and the service keeps serving.
    const keyservice = startProcess(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: join(repoRoot, "keyservice"),
      env: {
        ONEKEY_NETWORK: "local",
        ONEKEY_RPC_URL: world.rpcUrl,
        ONEKEY_DEPLOY_BOOK_DIR: world.deployBookDir,
        ONEKEY_KEYSERVICE_HOST: "127.0.0.1",
        ONEKEY_KEYSERVICE_PORT: "0",
        ONEKEY_KEYSERVICE_DATA_DIR: "",
      },
    });
    try {
      const url = await waitFor("the key service to listen", async () => {
        if (keyservice.child.exitCode !== null) throw new Error(`the key service exited:\n${keyservice.output()}`);
        return /"keyservice":"(http:\/\/[^"]+)"/.exec(keyservice.output())?.[1];
      });
      const port = Number(new URL(url).port);
      const attacks = [
        "GET //x:99999 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "POST //x:99999/v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        "GET http://x:99999/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x:99999\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "GET //[::1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "GET /\x7f HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      ];
      for (const attack of attacks) {
        const answer = await raw(port, attack);
        expect(answer, JSON.stringify(attack)).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      expect(keyservice.child.exitCode).toBeNull();
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ ok: true });
    } finally {
      await keyservice.stop();
    }
  });

  it("attack: a phishing site asks for challenges that name its own domain", async () => {
    // The attacker's site (evil.example) asks the key service for a release challenge for the
    // victim's key, naming evil.example as the SIWE domain and uri. Before, the service wrote the
    // caller's domain into the message, so the victim's wallet showed a request from the very
    // site it was on, without a warning; a signature released the key to the attacker's page.
    // Now the request shape has no domain or uri (400 if sent), and every challenge names the
    // configured dApp, which a wallet flags when another site asks to sign it.
    const victim = world.accounts.subject;
    const uid = freshUid(victim);
    const stored = await post("/v1/keys", await signedStore(victim, uid, new Uint8Array(32).fill(1)));
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    const keyId = stored.body.keyId as string;

    const phishing = { domain: "evil.example", uri: "https://evil.example" };
    const refused = await post(`/v1/keys/${keyId}/challenge`, { address: victim.address, ...phishing });
    expect(refused).toMatchObject({ status: 400, body: { error: "RequestInvalid" } });
    expect(refused.body.message).toMatch(/domain/);
    const storeRefused = await post("/v1/keys/challenge", {
      address: victim.address,
      condition: conditionFor(freshUid(victim)),
      ...phishing,
    });
    expect(storeRefused).toMatchObject({ status: 400, body: { error: "RequestInvalid" } });

    const issued = await post(`/v1/keys/${keyId}/challenge`, { address: victim.address });
    expect(issued.status).toBe(200);
    expect(issued.body.message).toMatch(/^localhost:5173 wants you to sign in/);
    expect(issued.body.message).toContain(`\nURI: ${DAPP}\n`);
    expect(issued.body.message).not.toContain("evil.example");
  });

  it("attack: protect a key under a registry the attacker deployed, then release it to anyone", async () => {
    // The attacker deploys a contract that answers "yes" to every call (canDecrypt: true, a
    // decrypt delegate for everyone) and names it as the registry of a condition. Before, the
    // service read whatever registry the caller named: it stored keys under the attacker's rules
    // and released them to any account, with OneKey's name on the challenges. Now a condition
    // must name the KycRegistry configured for its chain: nothing is issued, stored or released.
    const attacker = world.accounts.stranger;
    const yesMan = await deployYesMan(attacker);
    const uid = freshUid(attacker);
    const refused = await post("/v1/keys/challenge", {
      address: attacker.address,
      condition: conditionFor(uid, yesMan),
    });
    expect(refused).toMatchObject({ status: 400, body: { error: "RegistryNotSupported" } });
    expect(refused.body.message).toContain(world.registry);

    // Even with a challenge for the real registry, the store cannot be re-pointed at another.
    const forReal = await signedStore(attacker, uid, new Uint8Array(32).fill(2));
    const repointed = await post("/v1/keys", { ...forReal, condition: conditionFor(uid, yesMan) });
    expect(repointed).toMatchObject({ status: 400, body: { error: "RegistryNotSupported" } });
  });

  it("attack: release a key stored under an attacker's registry before registries were bound", async () => {
    // A key service that ran the old code may hold keys whose condition names a contract the
    // attacker controls. The attacker asks for a release challenge and a release for one of them.
    // Now a key whose condition is not the configured registry is never challenged or released.
    const attacker = world.accounts.stranger;
    const yesMan = await deployYesMan(attacker);
    const dataDir = join(scratch, "legacy");
    const condition = conditionFor(freshUid(attacker), yesMan);
    const keyId = "e".repeat(32);
    const wrapper = new KeyWrapper(Buffer.from(MASTER_KEY, "hex"));
    await new FileKeyStore(dataDir).putNew({
      keyId,
      condition,
      wrappedKey: wrapper.wrap(keyId, condition, new Uint8Array(32).fill(3)),
      createdAt: new Date().toISOString(),
    });
    const legacy = await startKeyService({ config: configFor(dataDir), log: () => undefined });
    try {
      const challenge = await post(`/v1/keys/${keyId}/challenge`, { address: attacker.address }, { base: legacy.url });
      expect(challenge).toMatchObject({ status: 400, body: { error: "RegistryNotSupported" } });
    } finally {
      await legacy.close();
    }
  });

  it("attack: flood store challenges to evict a victim's live one", async () => {
    // The victim (one client, 127.0.0.2) holds a store challenge and is about to sign it. The
    // attacker asks for store challenges as fast as it can. Before, the book held 10,000 and then
    // evicted the oldest, the victim's: its signed store was refused. Now each client holds at
    // most 32 unused challenges (429 beyond) and a full book refuses rather than evicts, so the
    // victim's challenge stays good and the victim can still get new ones.
    const victim = world.accounts.subject;
    const victimStore = await signedStore(victim, freshUid(victim), new Uint8Array(32).fill(4), "127.0.0.2");

    const attacker = world.accounts.stranger;
    const attackerClient = "127.0.0.3";
    let issued = 0;
    let refusal: { status: number; body: Record<string, string> } | undefined;
    while (refusal === undefined && issued <= 10_000) {
      const res = await post(
        "/v1/keys/challenge",
        { address: attacker.address, condition: conditionFor(freshUid(attacker)) },
        { from: attackerClient },
      );
      if (res.status === 200) issued += 1;
      else refusal = res;
    }
    const stored = await post("/v1/keys", victimStore, { from: "127.0.0.2" });
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    expect(refusal).toMatchObject({ status: 429, body: { error: "TooManyChallenges" } });
    expect(issued).toBe(32);
    const again = await post(
      "/v1/keys/challenge",
      { address: victim.address, condition: conditionFor(freshUid(victim)) },
      { from: "127.0.0.2" },
    );
    expect(again.status).toBe(200);
  });
});

/**
 * A contract that returns 32 bytes of 1 to any call: `canDecrypt` is true for everyone and
 * `decryptDelegateOf` names 0x…01. Runtime: PUSH1 1 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN.
 */
async function deployYesMan(deployer: LocalAccount): Promise<Hex> {
  const runtime = "600160005260206000f3";
  const init = `0x600a600c600039600a6000f3${runtime}` as const;
  const transport = http(world.rpcUrl);
  const wallet = createWalletClient({ account: deployer, transport });
  const hash = await wallet.sendTransaction({ data: init, chain: null });
  const receipt = await createPublicClient({ transport }).waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error("the yes-man contract was not deployed");
  return receipt.contractAddress;
}
