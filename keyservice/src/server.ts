/**
 * The local key service over HTTP (node:http, JSON). It logs one line per request (route,
 * status, outcome, time): never a body, a key, a signature or an address.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getAddress } from "viem";
import { parseSiweMessage } from "viem/siwe";
import { z } from "zod";
import { ChainGate, ChainUnavailableError } from "./chain-gate.js";
import { type Challenge, ChallengeBook } from "./challenges.js";
import type { KeyServiceConfig } from "./config.js";
import { FileKeyStore, type KeyStore, KeyWrapper, loadMasterKey, MemoryKeyStore } from "./key-store.js";
import {
  base64ToBytes,
  bytesToBase64,
  type ChallengeResponse,
  type DecryptCondition,
  KEY_ID_PATTERN,
  KEY_SERVICE_ERRORS,
  type KeyServiceErrorCode,
  type ReleaseResponse,
  type StoreKeyResponse,
  storeResource,
  subjectOfUid,
} from "./protocol.js";

export interface RequestLogEntry {
  time: string;
  method: string;
  route: string;
  keyId?: string;
  status: number;
  outcome: "ok" | KeyServiceErrorCode | "InternalError";
  ms: number;
}

export interface KeyServiceOptions {
  config: KeyServiceConfig;
  log?: (entry: RequestLogEntry) => void;
  now?: () => Date;
}

export interface RunningKeyService {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a bytes32");

const Condition = z.object({
  chainId: z.number().int().positive(),
  registry: address,
  uid: bytes32,
});
const Signed = {
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "hex"),
};
const StoreKeyBody = z.object({
  condition: Condition,
  dataKey: z.base64().refine((text) => base64ToBytes(text).length === 32, "32 bytes, base64"),
  ...Signed,
});
const ChallengeBody = z.object({
  address,
  domain: z.string().regex(/^[a-zA-Z0-9.-]+(:\d{1,5})?$/, "a host, optionally with a port"),
  uri: z.url({ protocol: /^https?$/ }),
});
const StoreChallengeBody = ChallengeBody.extend({ condition: Condition });
const ReleaseBody = z.object(Signed);

class HttpError extends Error {
  constructor(
    readonly code: KeyServiceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const keyExists = () =>
  new HttpError("KeyExists", "a key is already stored for this attestation; it is never overwritten");

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
    throw new HttpError("RequestInvalid", problems.join("; "));
  }
  return result.data;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError("BodyTooLarge", `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError("RequestInvalid", "the body is not JSON");
  }
}

export async function startKeyService(options: KeyServiceOptions): Promise<RunningKeyService> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((entry: RequestLogEntry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
  const store: KeyStore = config.dataDir ? new FileKeyStore(config.dataDir) : new MemoryKeyStore();
  const wrapper = new KeyWrapper(loadMasterKey(config));
  const gate = new ChainGate(config.chains);
  const challenges = new ChallengeBook(config.challengeTtlSeconds, now);

  function normalized(condition: z.infer<typeof Condition>): DecryptCondition {
    if (!gate.supports(condition.chainId)) {
      throw new HttpError("ChainNotSupported", `chain ${condition.chainId} is not configured in this key service`);
    }
    return {
      chainId: condition.chainId,
      registry: getAddress(condition.registry),
      uid: condition.uid.toLowerCase() as `0x${string}`,
    };
  }

  /** Takes the challenge `message` names out of the book; it must be live and what `expected` says. */
  function takeChallenge(message: string, expected: (challenge: Challenge) => boolean): Challenge {
    let nonce: string | undefined;
    try {
      nonce = parseSiweMessage(message).nonce;
    } catch {
      nonce = undefined;
    }
    const challenge = nonce === undefined ? undefined : challenges.take(nonce);
    if (challenge === undefined || challenge.message !== message || !expected(challenge)) {
      throw new HttpError("ChallengeInvalid", "the challenge is unknown, already used, expired or for another request");
    }
    return challenge;
  }

  async function issueStoreChallenge(request: IncomingMessage): Promise<ChallengeResponse> {
    const body = parseBody(StoreChallengeBody, await readJson(request));
    const condition = normalized(body.condition);
    if ((await store.keyIdFor(condition)) !== undefined) throw keyExists();
    const challenge = challenges.issue({
      purpose: { kind: "store", condition },
      address: getAddress(body.address),
      chainId: condition.chainId,
      domain: body.domain,
      uri: body.uri,
    });
    return { message: challenge.message, expiresAt: challenge.expiresAt.toISOString() };
  }

  async function storeKey(request: IncomingMessage): Promise<StoreKeyResponse> {
    const body = parseBody(StoreKeyBody, await readJson(request));
    const condition = normalized(body.condition);
    const challenge = takeChallenge(
      body.message,
      (issued) => issued.purpose.kind === "store" && issued.resource === storeResource(condition),
    );
    const signed = await gate.signatureValid(condition.chainId, {
      address: challenge.address,
      message: body.message,
      signature: body.signature as `0x${string}`,
      now: now(),
    });
    if (!signed) throw new HttpError("SignatureInvalid", "the signature is not the challenged account's");
    const subject = getAddress(subjectOfUid(condition.uid));
    if (
      challenge.address !== subject &&
      challenge.address !== (await gate.decryptDelegateOf(condition.chainId, condition.registry, subject))
    ) {
      throw new HttpError(
        "StoreNotAllowed",
        "only the attestation's subject or its decrypt delegate may protect a key for it",
      );
    }
    const keyId = randomBytes(16).toString("hex");
    const dataKey = base64ToBytes(body.dataKey);
    const stored = await store.putNew({
      keyId,
      condition,
      wrappedKey: wrapper.wrap(keyId, condition, dataKey),
      createdAt: now().toISOString(),
    });
    dataKey.fill(0);
    if (!stored) throw keyExists();
    return { keyId };
  }

  async function issueChallenge(request: IncomingMessage, keyId: string): Promise<ChallengeResponse> {
    const body = parseBody(ChallengeBody, await readJson(request));
    const record = await store.get(keyId);
    if (record === undefined) throw new HttpError("KeyNotFound", `no key ${keyId}`);
    const challenge = challenges.issue({
      purpose: { kind: "release", keyId },
      address: getAddress(body.address),
      chainId: record.condition.chainId,
      domain: body.domain,
      uri: body.uri,
    });
    return { message: challenge.message, expiresAt: challenge.expiresAt.toISOString() };
  }

  async function release(request: IncomingMessage, keyId: string): Promise<ReleaseResponse> {
    const body = parseBody(ReleaseBody, await readJson(request));
    const challenge = takeChallenge(
      body.message,
      (issued) => issued.purpose.kind === "release" && issued.purpose.keyId === keyId,
    );
    const record = await store.get(keyId);
    if (record === undefined) throw new HttpError("KeyNotFound", `no key ${keyId}`);
    const { chainId, registry, uid } = record.condition;
    const signed = await gate.signatureValid(chainId, {
      address: challenge.address,
      message: body.message,
      signature: body.signature as `0x${string}`,
      now: now(),
    });
    if (!signed) throw new HttpError("SignatureInvalid", "the signature is not the challenged account's");
    if (!(await gate.canDecrypt(chainId, registry, challenge.address, uid))) {
      throw new HttpError("ConditionNotMet", "canDecrypt is false for this account and attestation");
    }
    const dataKey = wrapper.unwrap(record);
    const response = { dataKey: bytesToBase64(dataKey) };
    dataKey.fill(0);
    return response;
  }

  async function route(
    request: IncomingMessage,
  ): Promise<{ route: string; keyId?: string; run: () => Promise<unknown> }> {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method === "GET" && path === "/health") return { route: "/health", run: async () => ({ ok: true }) };
    if (request.method === "POST" && path === "/v1/keys") return { route: "/v1/keys", run: () => storeKey(request) };
    if (request.method === "POST" && path === "/v1/keys/challenge") {
      return { route: "/v1/keys/challenge", run: () => issueStoreChallenge(request) };
    }
    const match = /^\/v1\/keys\/([^/]+)\/(challenge|release)$/.exec(path);
    if (request.method === "POST" && match) {
      const [, keyId = "", action] = match;
      const routeName = `/v1/keys/:keyId/${action}`;
      if (!KEY_ID_PATTERN.test(keyId)) {
        return { route: routeName, run: () => Promise.reject(new HttpError("KeyNotFound", "malformed key id")) };
      }
      const run = action === "challenge" ? () => issueChallenge(request, keyId) : () => release(request, keyId);
      return { route: routeName, keyId, run };
    }
    return {
      route: "unknown",
      run: () => Promise.reject(new HttpError("RequestInvalid", `no route ${request.method} ${path}`)),
    };
  }

  function send(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, {
      "content-type": "application/json",
      "cache-control": "no-store",
      // Any page may ask: releases are authorized by signature and chain state, not by origin.
      "access-control-allow-origin": "*",
    });
    response.end(JSON.stringify(body));
  }

  const server = createServer(async (request, response) => {
    const started = performance.now();
    if (request.method === "OPTIONS") {
      response.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "600",
      });
      response.end();
      return;
    }
    const { route: routeName, keyId, run } = await route(request);
    let status = 200;
    let outcome: RequestLogEntry["outcome"] = "ok";
    try {
      const result = await run();
      status = routeName === "/v1/keys" ? 201 : 200;
      send(response, status, result);
    } catch (error) {
      if (error instanceof HttpError || error instanceof ChainUnavailableError) {
        const code: KeyServiceErrorCode = error instanceof HttpError ? error.code : "ChainUnavailable";
        status = KEY_SERVICE_ERRORS[code];
        outcome = code;
        send(response, status, { error: code, message: error.message });
      } else {
        status = 500;
        outcome = "InternalError";
        send(response, status, { error: "InternalError", message: "internal error" });
      }
    } finally {
      log({
        time: new Date().toISOString(),
        method: request.method ?? "?",
        route: routeName,
        ...(keyId ? { keyId } : {}),
        status,
        outcome,
        ms: Math.round(performance.now() - started),
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
