/**
 * The local key service over HTTP: a Hono app on @hono/node-server, as the issuer and the tenant
 * API are. Every request is answered, including one whose target or Host header is not a URL
 * (400). It logs one line per request (route, status, outcome, time): never a body, a key, a
 * signature or an address.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, type HttpBindings, RequestError } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import {
  base64ToBytes,
  bytesToBase64,
  type ChallengeResponse,
  type DecryptCondition,
  type ErrorResponse,
  KEY_ID_PATTERN,
  KEY_SERVICE_ERRORS,
  type KeyServiceErrorCode,
  type ReleaseResponse,
  type StoreKeyResponse,
  storeResource,
  subjectOfUid,
} from "@onekey/keyservice-protocol";
import { AuditReporter } from "@onekey/service-kit/audit-reporter";
import { type Check, CheckFailed, livenessResponse, readinessHandler } from "@onekey/service-kit/health";
import { ApiError, PROBLEM_CONTENT_TYPE, problemDetails } from "@onekey/service-kit/problem";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { getAddress } from "viem";
import { parseSiweMessage } from "viem/siwe";
import { z } from "zod";
import { ChainGate, ChainUnavailableError } from "./chain-gate.js";
import { type Challenge, ChallengeBook, ChallengeLimitError, type ChallengeLimits } from "./challenges.js";
import type { KeyServiceConfig } from "./config.js";
import { FileKeyStore, type KeyStore, KeyWrapper, loadMasterKey, MemoryKeyStore, type StoredKey } from "./key-store.js";

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
  /** Outstanding challenges per client and in all (defaults: DEFAULT_CHALLENGE_LIMITS). */
  challengeLimits?: ChallengeLimits;
}

export interface RunningKeyService {
  url: string;
  close(): Promise<void>;
}

interface KeyServiceEnv {
  Bindings: HttpBindings;
  Variables: { keyId?: string; outcome?: RequestLogEntry["outcome"] };
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
// Strict: the SIWE domain and uri are the service's configuration, and a caller that still
// sends its own learns so rather than getting a challenge that names something else.
const ChallengeBody = z.strictObject({ address });
const StoreChallengeBody = z.strictObject({ address, condition: Condition });
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
    const problems = result.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : undefined;
      return `${issue.path.join(".") || keys || "body"}: ${issue.message}`;
    });
    throw new HttpError("RequestInvalid", problems.join("; "));
  }
  return result.data;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError("RequestInvalid", "the body is not JSON");
  }
}

/**
 * RFC 9457 problem details, the shape of every OneKey service (@onekey/service-kit/problem); the
 * key service's pre-1.1 `{ error: "Code", message }` stays in it for existing clients.
 */
function errorBody(code: KeyServiceErrorCode | "InternalError", message: string, status: number): ErrorResponse {
  return { ...problemDetails(new ApiError(status, code, message), { legacy: code }), code, error: code, message };
}

function problem(c: Context, code: KeyServiceErrorCode | "InternalError", message: string, status: number) {
  c.header("Content-Type", PROBLEM_CONTENT_TYPE);
  return c.body(JSON.stringify(errorBody(code, message, status)), status as ContentfulStatusCode);
}

/** A release decision as the tenant API's POST /v1/internal/key-releases takes it. */
export interface KeyReleaseReport {
  reader: string;
  uid: string;
  chainId: number;
  keyId: string;
  outcome: "released" | "refused";
  reason?: string;
  at: string;
}

/** How long close() waits for queued release reports to reach the trail. */
const AUDIT_FLUSH_MS = 5_000;

export async function startKeyService(options: KeyServiceOptions): Promise<RunningKeyService> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((entry: RequestLogEntry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
  const store: KeyStore = config.dataDir ? new FileKeyStore(config.dataDir) : new MemoryKeyStore();
  const wrapper = new KeyWrapper(loadMasterKey(config));
  const gate = new ChainGate(config.chains);
  // Each release decision, to the audit trail (when configured); a release never waits for it.
  const warn = (entry: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level: "warn", ...entry })}\n`);
  const audit = config.audit
    ? new AuditReporter<KeyReleaseReport>({
        ...config.audit,
        path: "/v1/internal/key-releases",
        // Refusals go first from a full queue: a flood of refused asks never pushes out a release.
        expendable: (report) => report.outcome === "refused",
        onOutcome: (outcome, report, why) => {
          // A refused report is a bug worth its line; queue-full losses are summed when the API is back.
          if (outcome === "dropped" && why !== "queue_full") {
            warn({ msg: "key release report dropped", why, keyId: report.keyId });
          }
        },
        onOutage: (event) =>
          warn(
            event.state === "down"
              ? { msg: "audit trail unreachable: key release reports queued and retried", why: event.why }
              : { msg: "audit trail reachable again", ...event },
          ),
      })
    : undefined;
  const challenges = new ChallengeBook({
    ttlSeconds: config.challengeTtlSeconds,
    dappOrigin: config.dappOrigin,
    limits: options.challengeLimits,
    now,
  });

  /** The condition, normalised, if it names a configured chain and that chain's registry. */
  function served(condition: z.infer<typeof Condition>): DecryptCondition {
    const registry = gate.registryOf(condition.chainId);
    if (registry === undefined) {
      throw new HttpError("ChainNotSupported", `chain ${condition.chainId} is not configured in this key service`);
    }
    if (getAddress(condition.registry) !== registry) {
      throw new HttpError(
        "RegistryNotSupported",
        `this key service serves the KycRegistry ${registry} on chain ${condition.chainId}, not ${getAddress(condition.registry)}`,
      );
    }
    return { chainId: condition.chainId, registry, uid: condition.uid.toLowerCase() as `0x${string}` };
  }

  /** The stored key `keyId`, if its condition is still one this service serves. */
  async function servedRecord(keyId: string): Promise<StoredKey> {
    const record = await store.get(keyId);
    if (record === undefined) throw new HttpError("KeyNotFound", `no key ${keyId}`);
    // A key kept from before registries were bound may name another: it is never released.
    served(record.condition);
    return record;
  }

  /** The client asking, by network address: what its share of the challenge book is counted by. */
  function requester(c: Context<KeyServiceEnv>): string {
    return getConnInfo(c).remote.address ?? "unknown";
  }

  function issue(c: Context<KeyServiceEnv>, params: Omit<Parameters<ChallengeBook["issue"]>[0], "requester">) {
    try {
      return challenges.issue({ ...params, requester: requester(c) });
    } catch (error) {
      if (error instanceof ChallengeLimitError) throw new HttpError("TooManyChallenges", error.message);
      throw error;
    }
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

  /** The key id of the path, when it can be one (logged only then). */
  function keyIdOf(c: Context<KeyServiceEnv>): string {
    const keyId = c.req.param("keyId") ?? "";
    if (!KEY_ID_PATTERN.test(keyId)) throw new HttpError("KeyNotFound", "malformed key id");
    c.set("keyId", keyId);
    return keyId;
  }

  const app = new Hono<KeyServiceEnv>();

  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    c.header("cache-control", "no-store");
    if (c.req.method === "OPTIONS") return;
    const pattern = routePath(c, -1);
    const keyId = c.get("keyId");
    log({
      time: new Date().toISOString(),
      method: c.req.method,
      route: pattern.endsWith("*") ? "unknown" : pattern,
      ...(keyId ? { keyId } : {}),
      status: c.res.status,
      outcome: c.get("outcome") ?? "ok",
      ms: Math.round(performance.now() - started),
    });
  });
  // Any page may ask: releases are authorized by signature and chain state, not by origin.
  app.use("*", cors({ origin: "*", allowMethods: ["GET", "POST"], allowHeaders: ["content-type"], maxAge: 600 }));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        c.set("outcome", "BodyTooLarge");
        return problem(c, "BodyTooLarge", `the body exceeds ${MAX_BODY_BYTES} bytes`, 413);
      },
    }),
  );

  // Liveness: the process answers; no dependency is asked.
  app.get("/health", (c) => c.json({ ok: true }));
  app.get("/livez", () => livenessResponse());
  // Readiness: the key store takes a write, the master key wraps and unwraps, and every
  // configured chain's RPC answers with its own chain id.
  const probeCondition: DecryptCondition = {
    chainId: 0,
    registry: `0x${"00".repeat(20)}`,
    uid: `0x${"00".repeat(32)}`,
  };
  const checks: Record<string, Check> = {
    keyStore: () => store.probe(),
    masterKey: async () => {
      const probe = { keyId: "readiness", condition: probeCondition, createdAt: "" };
      const unwrapped = wrapper.unwrap({
        ...probe,
        wrappedKey: wrapper.wrap(probe.keyId, probe.condition, new Uint8Array(32)),
      });
      if (unwrapped.length !== 32) throw new CheckFailed("the master key does not unwrap what it wraps");
    },
    ...Object.fromEntries(
      gate.chainIds().map((chainId) => [
        `chain:${chainId}`,
        async () => {
          const served = await gate.servedChainId(chainId);
          if (served !== chainId) throw new CheckFailed(`the RPC serves chain ${served}, not ${chainId}`);
        },
      ]),
    ),
  };
  app.get("/readyz", readinessHandler(checks));

  app.post("/v1/keys/challenge", async (c) => {
    const body = parseBody(StoreChallengeBody, await readJson(c));
    const condition = served(body.condition);
    if ((await store.keyIdFor(condition)) !== undefined) throw keyExists();
    const challenge = issue(c, {
      purpose: { kind: "store", condition },
      address: getAddress(body.address),
      chainId: condition.chainId,
    });
    return c.json<ChallengeResponse>({ message: challenge.message, expiresAt: challenge.expiresAt.toISOString() });
  });

  app.post("/v1/keys", async (c) => {
    const body = parseBody(StoreKeyBody, await readJson(c));
    const condition = served(body.condition);
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
      challenge.address !== (await gate.decryptDelegateOf(condition.chainId, subject))
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
    return c.json<StoreKeyResponse>({ keyId }, 201);
  });

  app.post("/v1/keys/:keyId/challenge", async (c) => {
    const keyId = keyIdOf(c);
    const body = parseBody(ChallengeBody, await readJson(c));
    const record = await servedRecord(keyId);
    const challenge = issue(c, {
      purpose: { kind: "release", keyId },
      address: getAddress(body.address),
      chainId: record.condition.chainId,
    });
    return c.json<ChallengeResponse>({ message: challenge.message, expiresAt: challenge.expiresAt.toISOString() });
  });

  app.post("/v1/keys/:keyId/release", async (c) => {
    const keyId = keyIdOf(c);
    const body = parseBody(ReleaseBody, await readJson(c));
    const challenge = takeChallenge(
      body.message,
      (issued) => issued.purpose.kind === "release" && issued.purpose.keyId === keyId,
    );
    const record = await servedRecord(keyId);
    const { chainId, uid } = record.condition;
    // Reported once the signature proves who asked: the trail names only readers that signed.
    const decided = (outcome: "released" | "refused", reason?: KeyServiceErrorCode) =>
      audit?.report({ reader: challenge.address, uid, chainId, keyId, outcome, reason, at: now().toISOString() });
    const signed = await gate.signatureValid(chainId, {
      address: challenge.address,
      message: body.message,
      signature: body.signature as `0x${string}`,
      now: now(),
    });
    // Not reported: without a valid signature the challenged address is only what the caller claimed.
    if (!signed) throw new HttpError("SignatureInvalid", "the signature is not the challenged account's");
    if (!(await gate.canDecrypt(chainId, challenge.address, uid))) {
      decided("refused", "ConditionNotMet");
      throw new HttpError("ConditionNotMet", "canDecrypt is false for this account and attestation");
    }
    const dataKey = wrapper.unwrap(record);
    const response = { dataKey: bytesToBase64(dataKey) };
    dataKey.fill(0);
    decided("released");
    return c.json<ReleaseResponse>(response);
  });

  app.notFound((c) => {
    c.set("outcome", "RequestInvalid");
    return problem(c, "RequestInvalid", `no route ${c.req.method} ${c.req.path}`, 400);
  });

  app.onError((error, c) => {
    if (error instanceof HttpError || error instanceof ChainUnavailableError) {
      const code: KeyServiceErrorCode = error instanceof HttpError ? error.code : "ChainUnavailable";
      c.set("outcome", code);
      return problem(c, code, error.message, KEY_SERVICE_ERRORS[code]);
    }
    c.set("outcome", "InternalError");
    return problem(c, "InternalError", "internal error", 500);
  });

  const listener = getRequestListener(app.fetch, {
    overrideGlobalObjects: false,
    // Reached only when no Request could be built (a target or Host header that is not a URL),
    // or if the app itself failed: answer, log, and keep serving.
    errorHandler: (error) => {
      const invalid = error instanceof RequestError;
      const status = invalid ? 400 : 500;
      const outcome = invalid ? "RequestInvalid" : "InternalError";
      log({ time: new Date().toISOString(), method: "?", route: "invalid", status, outcome, ms: 0 });
      const body = invalid
        ? errorBody("RequestInvalid", "the request target or Host header is not a valid URL", status)
        : errorBody("InternalError", "internal error", status);
      return new Response(JSON.stringify(body), { status, headers: { "content-type": PROBLEM_CONTENT_TYPE } });
    },
  });
  const server = createServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      // Reports still queued get a moment to reach the trail, not forever.
      if (audit && !(await audit.flush(AUDIT_FLUSH_MS))) {
        warn({ msg: "key release reports not sent before stopping", unsent: audit.queued });
      }
    },
  };
}
