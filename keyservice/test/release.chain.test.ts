import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToBase64, subjectOfUid } from "@onekey/keyservice-protocol";
import type { Hex, LocalAccount } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { type RequestLogEntry, type RunningKeyService, startKeyService } from "../src/server.js";
import { type RegistryWorld, startRegistryWorld } from "./support/registry-world.js";

// The grant/deny matrix of the issue, against a real hardhat node with the registries deployed
// through the production Ignition modules, talking raw HTTP to the service.

let world: RegistryWorld;
let service: RunningKeyService;
let clockSkewMs = 0;
const logs: RequestLogEntry[] = [];
const rawLogs: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), "onekey-keyservice-"));
const domain = "localhost:5173";

async function start(dataDir?: string): Promise<RunningKeyService> {
  return startKeyService({
    config: parseConfig({
      chains: {
        [String(world.chainId)]: { rpcUrl: world.rpcUrl, registry: world.registry },
        "999": { rpcUrl: "http://127.0.0.1:1", registry: world.registry },
      },
      dappOrigin: `http://${domain}`,
      dataDir,
    }),
    log: (entry) => {
      logs.push(entry);
      rawLogs.push(JSON.stringify(entry));
    },
    now: () => new Date(Date.now() + clockSkewMs),
  });
}

beforeAll(async () => {
  world = await startRegistryWorld();
  service = await start();
}, 240_000);

afterAll(async () => {
  await service?.close();
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function post(
  path: string,
  body: unknown,
  base = service.url,
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** A recognisable key, so the log test can look for it. */
function canaryKey(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

/** The cast member whose address is the uid's subject (`uid >> 96`). */
function subjectAccount(uid: Hex): LocalAccount {
  const subject = subjectOfUid(uid).toLowerCase();
  const account = Object.values(world.accounts).find((candidate) => candidate.address.toLowerCase() === subject);
  if (!account) throw new Error(`no test account is the subject of ${uid}`);
  return account;
}

function conditionFor(uid: Hex, chainId = world.chainId) {
  return { chainId, registry: world.registry, uid };
}

async function storeChallenge(uid: Hex, signer: LocalAccount, chainId = world.chainId, base = service.url) {
  const { status, body } = await post(
    "/v1/keys/challenge",
    { address: signer.address, condition: conditionFor(uid, chainId) },
    base,
  );
  expect(status, JSON.stringify(body)).toBe(200);
  return body.message as string;
}

/** A signed store request: a fresh store challenge for `signer`, signed by `signedBy`. */
async function signedStore(
  uid: Hex,
  dataKey: Uint8Array,
  options: { signer?: LocalAccount; signedBy?: LocalAccount; chainId?: number; base?: string } = {},
) {
  const signer = options.signer ?? subjectAccount(uid);
  const message = await storeChallenge(uid, signer, options.chainId, options.base);
  const signature = await (options.signedBy ?? signer).signMessage({ message });
  return {
    condition: conditionFor(uid, options.chainId),
    dataKey: bytesToBase64(dataKey),
    message,
    signature,
  };
}

async function storeKey(
  uid: Hex,
  dataKey = canaryKey(1),
  chainId = world.chainId,
  base = service.url,
): Promise<string> {
  const { status, body } = await post("/v1/keys", await signedStore(uid, dataKey, { chainId, base }), base);
  expect(status, JSON.stringify(body)).toBe(201);
  return body.keyId as string;
}

async function challenge(keyId: string, account: LocalAccount, base = service.url) {
  const { status, body } = await post(`/v1/keys/${keyId}/challenge`, { address: account.address }, base);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.message as string;
}

async function release(keyId: string, account: LocalAccount, base = service.url) {
  const message = await challenge(keyId, account, base);
  return post(`/v1/keys/${keyId}/release`, { message, signature: await account.signMessage({ message }) }, base);
}

const released = (dataKey: Uint8Array) => ({ status: 200, body: { dataKey: bytesToBase64(dataKey) } });
const denied = {
  status: 403,
  body: { error: "ConditionNotMet", message: "canDecrypt is false for this account and attestation" },
};

describe("key release against the registry", () => {
  it("grants the subject and a reader of a project the subject consents to; denies a stranger", async () => {
    const uid = await world.nextUid(world.accounts.subject.address);
    const keyId = await storeKey(uid, canaryKey(2));
    // Protected before the attestation exists (the browser names nextUid): nobody yet.
    expect(await release(keyId, world.accounts.subject)).toMatchObject(denied);
    expect(await world.attest("subject")).toBe(uid);
    await world.grantConsent("subject");
    expect(await release(keyId, world.accounts.subject)).toEqual(released(canaryKey(2)));
    expect(await release(keyId, world.accounts.reader)).toEqual(released(canaryKey(2)));
    expect(await release(keyId, world.accounts.stranger)).toMatchObject(denied);
  });

  it("denies the reader once consent is revoked, while the subject keeps access", async () => {
    const uid = await world.attest("subject");
    const keyId = await storeKey(uid, canaryKey(3));
    expect((await release(keyId, world.accounts.reader)).status).toBe(200);
    await world.revokeConsent("subject");
    expect(await release(keyId, world.accounts.reader)).toMatchObject(denied);
    expect(await release(keyId, world.accounts.subject)).toEqual(released(canaryKey(3)));
    await world.grantConsent("subject");
  });

  it("releases to the subject's decrypt delegate (the EOA behind a smart account)", async () => {
    const uid = await world.attest("subject");
    const keyId = await storeKey(uid, canaryKey(4));
    expect(await release(keyId, world.accounts.delegate)).toMatchObject(denied);
    await world.setDecryptDelegate("subject", world.accounts.delegate.address);
    expect(await release(keyId, world.accounts.delegate)).toEqual(released(canaryKey(4)));
  });

  it("denies everyone once the issuer revokes the attestation", async () => {
    const uid = await world.attest("subject");
    const keyId = await storeKey(uid, canaryKey(5));
    expect((await release(keyId, world.accounts.subject)).status).toBe(200);
    await world.revoke(uid);
    expect(await release(keyId, world.accounts.subject)).toMatchObject(denied);
    expect(await release(keyId, world.accounts.reader)).toMatchObject(denied);
  });

  it("denies everyone for good once the subject erases the record", async () => {
    const uid = await world.attest("subject");
    const keyId = await storeKey(uid, canaryKey(6));
    expect((await release(keyId, world.accounts.reader)).status).toBe(200);
    await world.erase("subject");
    expect(await release(keyId, world.accounts.subject)).toMatchObject(denied);
    expect(await release(keyId, world.accounts.reader)).toMatchObject(denied);
    // A new attestation does not bring the erased one back.
    await world.attest("subject");
    expect(await world.canDecrypt(world.accounts.subject.address, uid)).toBe(false);
    expect(await release(keyId, world.accounts.subject)).toMatchObject(denied);
  });
});

describe("key release reports to the audit trail", () => {
  it("reports each decision, who and which record, in order, each under its own Idempotency-Key, and retries while the trail is away or refuses the token", async () => {
    const token = "ingest-token-of-the-tenant-api-0123456789";
    const received: { auth: string | undefined; key: unknown; body: Record<string, unknown> }[] = [];
    let refusedKey: unknown;
    let failFirst = true;
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        if (failFirst) {
          // The token being rotated at the API: retried, not lost.
          failFirst = false;
          refusedKey = request.headers["idempotency-key"];
          response.writeHead(401).end();
          return;
        }
        received.push({
          auth: request.headers.authorization,
          key: request.headers["idempotency-key"],
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        });
        response.writeHead(201, { "content-type": "application/json" }).end('{"recorded":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const reported = await startKeyService({
      config: parseConfig({
        chains: { [String(world.chainId)]: { rpcUrl: world.rpcUrl, registry: world.registry } },
        dappOrigin: `http://${domain}`,
        audit: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, token },
      }),
      log: () => undefined,
    });
    try {
      const uid = await world.attest("subject");
      await world.grantConsent("subject");
      const keyId = await storeKey(uid, canaryKey(9), world.chainId, reported.url);
      expect((await release(keyId, world.accounts.reader, reported.url)).status).toBe(200);
      expect(await release(keyId, world.accounts.stranger, reported.url)).toMatchObject(denied);

      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(received.map((r) => r.auth)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
      // One Idempotency-Key per report, the same on its retry: the API writes each once.
      expect(refusedKey).toEqual(expect.any(String));
      expect(received[0]?.key).toBe(refusedKey);
      expect(received[1]?.key).toEqual(expect.any(String));
      expect(received[1]?.key).not.toBe(received[0]?.key);
      expect(received.map((r) => r.body)).toEqual([
        {
          reader: world.accounts.reader.address,
          uid: uid.toLowerCase(),
          chainId: world.chainId,
          keyId,
          outcome: "released",
          at: expect.any(String),
        },
        {
          reader: world.accounts.stranger.address,
          uid: uid.toLowerCase(),
          chainId: world.chainId,
          keyId,
          outcome: "refused",
          reason: "ConditionNotMet",
          at: expect.any(String),
        },
      ]);
      expect(failFirst).toBe(false);
    } finally {
      await reported.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe("key release: signatures and challenges", () => {
  let keyId: string;
  beforeAll(async () => {
    keyId = await storeKey(await world.attest("subject"), canaryKey(7));
  });

  it("refuses a signature by another account than the challenged one", async () => {
    const message = await challenge(keyId, world.accounts.subject);
    const forged = await world.accounts.stranger.signMessage({ message });
    expect(await post(`/v1/keys/${keyId}/release`, { message, signature: forged })).toMatchObject({
      status: 401,
      body: { error: "SignatureInvalid", message: "the signature is not the challenged account's" },
    });
  });

  it("accepts a challenge once: a replay is refused", async () => {
    const message = await challenge(keyId, world.accounts.subject);
    const signature = await world.accounts.subject.signMessage({ message });
    expect((await post(`/v1/keys/${keyId}/release`, { message, signature })).status).toBe(200);
    expect(await post(`/v1/keys/${keyId}/release`, { message, signature })).toMatchObject({
      status: 401,
      body: { error: "ChallengeInvalid" },
    });
  });

  it("refuses an expired challenge, an edited one, and one issued for another key", async () => {
    const expired = await challenge(keyId, world.accounts.subject);
    clockSkewMs = 301_000;
    try {
      const signature = await world.accounts.subject.signMessage({ message: expired });
      expect((await post(`/v1/keys/${keyId}/release`, { message: expired, signature })).body.error).toBe(
        "ChallengeInvalid",
      );
    } finally {
      clockSkewMs = 0;
    }

    const original = await challenge(keyId, world.accounts.subject);
    const edited = original.replace("Release a OneKey", "Release any OneKey");
    const editedSignature = await world.accounts.subject.signMessage({ message: edited });
    expect((await post(`/v1/keys/${keyId}/release`, { message: edited, signature: editedSignature })).body.error).toBe(
      "ChallengeInvalid",
    );

    const otherKeyId = await storeKey(await world.nextUid(world.accounts.stranger.address), canaryKey(8));
    const forOther = await challenge(otherKeyId, world.accounts.subject);
    const signature = await world.accounts.subject.signMessage({ message: forOther });
    expect((await post(`/v1/keys/${keyId}/release`, { message: forOther, signature })).body.error).toBe(
      "ChallengeInvalid",
    );
  });
});

describe("key store: only the subject or its decrypt delegate, once per uid", () => {
  const store = (body: unknown) => post("/v1/keys", body);
  const challengeInvalid = {
    status: 401,
    body: {
      error: "ChallengeInvalid",
      message: "the challenge is unknown, already used, expired or for another request",
    },
  };

  it("accepts the subject's signed store and the decrypt delegate's; refuses anyone else", async () => {
    const uid = await world.attest("orgOwner");
    const refused = await store(await signedStore(uid, canaryKey(20), { signer: world.accounts.reader }));
    expect(refused).toMatchObject({
      status: 403,
      body: {
        error: "StoreNotAllowed",
        message: "only the attestation's subject or its decrypt delegate may protect a key for it",
      },
    });
    // The delegate may store only once the subject names it on-chain.
    const early = await store(await signedStore(uid, canaryKey(20), { signer: world.accounts.delegate }));
    expect(early.body.error).toBe("StoreNotAllowed");
    await world.setDecryptDelegate("orgOwner", world.accounts.delegate.address);
    const accepted = await store(await signedStore(uid, canaryKey(21), { signer: world.accounts.delegate }));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    // Nothing from the refused attempts was kept: the delegate's key is the one released.
    expect(await release(accepted.body.keyId as string, world.accounts.orgOwner)).toEqual(released(canaryKey(21)));

    const own = await world.attest("subject");
    const keyId = await storeKey(own, canaryKey(22));
    expect(await release(keyId, world.accounts.subject)).toEqual(released(canaryKey(22)));
  });

  it("refuses a store signed by another account than the challenged one, and keeps nothing", async () => {
    const uid = await world.attest("subject");
    const forged = await signedStore(uid, canaryKey(23), { signedBy: world.accounts.stranger });
    expect(await store(forged)).toMatchObject({
      status: 401,
      body: { error: "SignatureInvalid", message: "the signature is not the challenged account's" },
    });
    const keyId = await storeKey(uid, canaryKey(24));
    expect(await release(keyId, world.accounts.subject)).toEqual(released(canaryKey(24)));
  });

  it("refuses a replayed store challenge, one for another uid, and a release challenge", async () => {
    const uid = await world.attest("subject");
    const body = await signedStore(uid, canaryKey(25));
    const first = await store(body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await store(body)).toMatchObject(challengeInvalid);

    const other = await world.attest("subject");
    const forOther = await signedStore(other, canaryKey(26));
    expect(await store({ ...forOther, condition: conditionFor(uid) })).toMatchObject(challengeInvalid);

    const releaseMessage = await challenge(first.body.keyId as string, world.accounts.subject);
    const releaseSigned = {
      ...forOther,
      message: releaseMessage,
      signature: await world.accounts.subject.signMessage({ message: releaseMessage }),
    };
    expect(await store(releaseSigned)).toMatchObject(challengeInvalid);
    // forOther's own challenge was consumed by the mismatched attempt: nothing was stored for it.
    const keyId = await storeKey(other, canaryKey(27));
    expect(await release(keyId, world.accounts.subject)).toEqual(released(canaryKey(27)));
  });

  it("never overwrites the key of a uid", async () => {
    const uid = await world.attest("subject");
    // Two challenges taken while the uid is still free, then two stores: the second loses.
    const firstBody = await signedStore(uid, canaryKey(28));
    const secondBody = await signedStore(uid, canaryKey(29));
    const first = await store(firstBody);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const keyExists = {
      status: 409,
      body: { error: "KeyExists", message: "a key is already stored for this attestation; it is never overwritten" },
    };
    expect(await store(secondBody)).toMatchObject(keyExists);
    // Once it holds a key, the uid gets no store challenge at all.
    expect(
      await post("/v1/keys/challenge", { address: world.accounts.subject.address, condition: conditionFor(uid) }),
    ).toMatchObject(keyExists);
    expect(await release(first.body.keyId as string, world.accounts.subject)).toEqual(released(canaryKey(28)));
  });

  it("answers a malformed store or store challenge with a 400 that says what is wrong, and keeps nothing", async () => {
    const uid = await world.attest("subject");
    const body = await signedStore(uid, canaryKey(30));
    const { signature: _signature, ...unsigned } = body;
    expect(await store(unsigned)).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "signature: Invalid input: expected string, received undefined" },
    });
    expect(await store({ ...body, signature: "not hex" })).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "signature: hex" },
    });
    expect(await store({ ...body, condition: { ...body.condition, uid: "0x1234" } })).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "condition.uid: a bytes32" },
    });
    expect(await store("{")).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "the body is not JSON" },
    });
    expect(await post("/v1/keys/challenge", { address: world.accounts.subject.address, condition: {} })).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: expect.stringMatching(/^condition\.chainId/) },
    });
    // The challenge was not consumed by the malformed attempts (they were refused before it was
    // read), and nothing was stored: the well-formed request still goes through.
    const accepted = await store(body);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(await release(accepted.body.keyId as string, world.accounts.subject)).toEqual(released(canaryKey(30)));
  });
});

describe("key service edges", () => {
  it("answers bad input with a 4xx that says what is wrong", async () => {
    const uid = `0x${"11".repeat(32)}`;
    const signedPart = { message: "m", signature: "0x00" };
    expect(
      await post("/v1/keys", {
        condition: { chainId: world.chainId, registry: world.registry, uid },
        dataKey: "AAAA",
        ...signedPart,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "dataKey: 32 bytes, base64" },
    });
    expect(
      await post("/v1/keys", {
        condition: { chainId: 5, registry: world.registry, uid },
        dataKey: bytesToBase64(canaryKey(9)),
        ...signedPart,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: "ChainNotSupported", message: "chain 5 is not configured in this key service" },
    });
    expect(await post("/v1/keys", "{not json")).toMatchObject({
      status: 400,
      body: { error: "RequestInvalid", message: "the body is not JSON" },
    });
    expect(
      (
        await post("/v1/keys", {
          condition: { chainId: world.chainId, registry: "0x12", uid },
          dataKey: "",
          ...signedPart,
        })
      ).body.message,
    ).toMatch(/condition\.registry: an address/);
    expect((await post(`/v1/keys/${"0".repeat(32)}/challenge`, { address: world.registry })).status).toBe(404);
    expect((await post("/v1/keys/..%2f..%2fetc/challenge", { address: world.registry })).status).toBe(404);
    expect((await post("/v1/keys", "x".repeat(20_000))).status).toBe(413);
  });

  it("lets any page ask (CORS) and keeps answers out of caches", async () => {
    const preflight = await fetch(`${service.url}/v1/keys/challenge`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
    for (const [response, type] of [
      [await fetch(`${service.url}/health`, { headers: { origin: "https://app.example" } }), "application/json"],
      [
        await fetch(`${service.url}/v1/keys`, {
          method: "POST",
          body: "{",
          headers: { origin: "https://app.example" },
        }),
        "application/problem+json",
      ],
    ] as const) {
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-type")).toMatch(new RegExp(`^${type.replace("+", "\\+")}`));
    }
    // Refusals are RFC 9457 problem details, as from every OneKey service, with the old members.
    const refused = await fetch(`${service.url}/v1/keys`, { method: "POST", body: "{" });
    expect(await refused.json()).toMatchObject({
      type: "/docs/errors#RequestInvalid",
      title: "Bad Request",
      status: 400,
      code: "RequestInvalid",
      detail: expect.any(String),
      error: "RequestInvalid",
      message: expect.any(String),
    });
  });

  it("reports 503 when the condition's chain cannot be read", async () => {
    // The subject's own uid on a chain that cannot be read: an EOA's store signature still checks
    // (ECDSA recovery), the release's canDecrypt cannot.
    const uid: Hex = `0x${world.accounts.subject.address.slice(2)}${"22".repeat(12)}`;
    const keyId = await storeKey(uid, canaryKey(10), 999);
    expect(await release(keyId, world.accounts.subject)).toMatchObject({
      status: 503,
      body: { error: "ChainUnavailable" },
    });
  });

  it("keeps keys across a restart when given a data dir", async () => {
    const dataDir = join(scratch, "persist");
    const uid = await world.attest("subject");
    const first = await start(dataDir);
    const keyId = await storeKey(uid, canaryKey(11), world.chainId, first.url);
    await first.close();
    const second = await start(dataDir);
    try {
      expect(await release(keyId, world.accounts.subject, second.url)).toEqual(released(canaryKey(11)));
    } finally {
      await second.close();
    }
  });

  it("logs every request by route and outcome, and never a key, signature or address", () => {
    expect(logs.length).toBeGreaterThan(20);
    expect(new Set(logs.map((entry) => entry.route))).toEqual(
      new Set(["/health", "/v1/keys/challenge", "/v1/keys", "/v1/keys/:keyId/challenge", "/v1/keys/:keyId/release"]),
    );
    expect(logs.some((entry) => entry.outcome === "ConditionNotMet" && entry.status === 403)).toBe(true);
    const text = rawLogs.join("\n").toLowerCase();
    for (let seed = 1; seed <= 30; seed++) {
      expect(text).not.toContain(Buffer.from(canaryKey(seed)).toString("hex"));
      expect(text).not.toContain(bytesToBase64(canaryKey(seed)).toLowerCase());
    }
    for (const account of Object.values(world.accounts)) {
      expect(text).not.toContain(account.address.toLowerCase().slice(2));
    }
    expect(text).not.toMatch(/0x[0-9a-f]{130}/); // no 65-byte signature
  });
});
