/**
 * The sandbox KYC provider: a real local HTTP service that stands in for Sumsub/Persona/Onfido
 * the way arlocal stands in for Arweave. It speaks an API shaped like a real provider's
 * (applicants, access tokens, HMAC-signed requests and webhooks), serves a hosted flow a person
 * can fill in (document form, simulated selfie), decides deterministically from the input
 * (outcomes.ts), and takes failure injection for the fallback tests (README.md lists it all).
 *
 * It holds what a real provider holds (the person's data) in memory only, and forgets an
 * applicant on DELETE. Binds 127.0.0.1 by default.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  DOCUMENT_TYPES,
  type DocumentFields,
  documentPage,
  donePage,
  type FieldErrors,
  messagePage,
  selfiePage,
} from "./flow-pages.js";
import { decide, SANDBOX_CHECKS, type SandboxCheck, type SandboxDecision } from "./outcomes.js";
import { payloadDigest, REQUEST_SKEW_SECONDS, requestSignature, sameHex } from "./signing.js";

export type SandboxFaultMode = "none" | "down" | "error" | "timeout" | "bad_webhook_signature";
export const SANDBOX_FAULT_MODES: readonly SandboxFaultMode[] = [
  "none",
  "down",
  "error",
  "timeout",
  "bad_webhook_signature",
];

export interface KycSandboxOptions {
  port?: number;
  host?: string;
  /** API credentials (random when omitted; read them from `credentials`). */
  appToken?: string;
  secretKey?: string;
  webhookSecret?: string;
  /** Bearer token of the /admin routes. */
  adminToken?: string;
  /** Where decisions are announced (the issuer's POST /v1/providers/<name>/webhook). */
  webhookUrl?: string;
  /** How long a "slow" applicant waits for its decision (default 3000 ms). */
  slowMs?: number;
  /** Waits before each webhook retry (default 250 ms, 1 s, 4 s). */
  webhookRetryMs?: number[];
  log?: (line: string) => void;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  applicantId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** HTTP status of the last attempt (0: no answer). */
  status: number;
  attempts: number;
}

export interface RunningKycSandbox {
  url: string;
  credentials: { appToken: string; secretKey: string; webhookSecret: string; adminToken: string };
  setWebhookUrl(url: string | undefined): void;
  setFault(mode: SandboxFaultMode): void;
  /** Every webhook sent (for assertions), oldest first. */
  deliveries: WebhookDelivery[];
  /** Applicants currently held (DELETE forgets them). */
  applicantCount(): number;
  hasApplicant(id: string): boolean;
  stop(): Promise<void>;
}

interface ReviewResult {
  reviewAnswer: "GREEN" | "RED";
  reviewRejectType?: "FINAL" | "RETRY";
  rejectLabels: string[];
}

interface Applicant {
  id: string;
  externalUserId: string;
  createdAt: string;
  requiredChecks: SandboxCheck[];
  reviewStatus: "init" | "pending" | "completed";
  reviewResult?: ReviewResult;
  checks?: Record<SandboxCheck, "passed" | "failed" | "not_requested">;
  /** The person's data (a real provider keeps it; the sandbox keeps it in memory only). */
  info?: {
    firstName: string;
    lastName: string;
    dob: string;
    country: string;
    idDocs: { idDocType: string; number: string; country: string }[];
  };
  attempts: number;
  timer?: NodeJS.Timeout;
}

interface AccessToken {
  token: string;
  applicantId: string;
  expiresAt: number;
  returnUrl?: string;
  /** Step 1 answers, waiting for the selfie step. */
  draft?: DocumentFields;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;
const randomId = (bytes = 12) => randomBytes(bytes).toString("hex");

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res
    .writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      // The person's data is typed here: never cache, never leak the URL's token as a referrer.
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:",
    })
    .end(html);
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" }).end();
}

function parseJson(body: string): Record<string, unknown> {
  if (!body) return {};
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, "body must be a JSON object");
}

/** What the API shows of an applicant (Sumsub's shape, trimmed). */
function applicantView(a: Applicant) {
  return {
    id: a.id,
    externalUserId: a.externalUserId,
    createdAt: a.createdAt,
    requiredChecks: a.requiredChecks,
    review: { reviewStatus: a.reviewStatus, attempts: a.attempts, reviewResult: a.reviewResult },
    checks: a.checks,
    info: a.info,
  };
}

function validateDocument(form: URLSearchParams): { values: DocumentFields; errors: FieldErrors } {
  const get = (name: keyof DocumentFields) => (form.get(name) ?? "").trim().slice(0, 200);
  const values: DocumentFields = {
    firstName: get("firstName"),
    lastName: get("lastName"),
    dateOfBirth: get("dateOfBirth"),
    country: get("country").toUpperCase(),
    documentType: get("documentType"),
    documentNumber: get("documentNumber"),
  };
  const errors: FieldErrors = {};
  if (!values.firstName) errors.firstName = "Enter your first name";
  if (!values.lastName) errors.lastName = "Enter your last name";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.dateOfBirth)) errors.dateOfBirth = "Enter your date of birth as YYYY-MM-DD";
  if (!/^[A-Z]{2}$/.test(values.country)) errors.country = "Enter the two-letter country code, for example DE";
  if (!DOCUMENT_TYPES.some((t) => t.value === values.documentType)) errors.documentType = "Choose a document type";
  if (!values.documentNumber) errors.documentNumber = "Enter the document number";
  return { values, errors };
}

export async function startKycSandbox(options: KycSandboxOptions = {}): Promise<RunningKycSandbox> {
  const credentials = {
    appToken: options.appToken ?? `sbx_${randomId(16)}`,
    secretKey: options.secretKey ?? randomId(32),
    webhookSecret: options.webhookSecret ?? randomId(32),
    adminToken: options.adminToken ?? randomId(16),
  };
  const slowMs = options.slowMs ?? 3_000;
  const retryMs = options.webhookRetryMs ?? [250, 1_000, 4_000];
  const log = options.log ?? (() => {});
  let webhookUrl = options.webhookUrl;
  let fault: SandboxFaultMode = "none";
  let stopping = false;
  const applicants = new Map<string, Applicant>();
  const tokens = new Map<string, AccessToken>();
  const deliveries: WebhookDelivery[] = [];
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = "";

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };

  async function deliver(delivery: WebhookDelivery) {
    for (let attempt = 0; attempt <= retryMs.length && !stopping; attempt++) {
      if (attempt > 0) await new Promise<void>((resolve) => later(retryMs[attempt - 1] as number, resolve));
      if (stopping) return;
      delivery.attempts++;
      try {
        const response = await fetch(delivery.url, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
          signal: AbortSignal.timeout(5_000),
        });
        delivery.status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
      } catch {
        delivery.status = 0;
      }
      log(`webhook ${delivery.eventId} to ${delivery.url}: attempt ${delivery.attempts} failed (${delivery.status})`);
    }
  }

  function announce(type: "applicantPending" | "applicantReviewed", applicant: Applicant) {
    if (!webhookUrl) return;
    // No personal data in a webhook (as with real providers): the issuer fetches the decision.
    const body = JSON.stringify({
      eventId: randomId(),
      type,
      applicantId: applicant.id,
      externalUserId: applicant.externalUserId,
      reviewStatus: applicant.reviewStatus,
      reviewAnswer: applicant.reviewResult?.reviewAnswer,
      createdAtMs: Date.now(),
    });
    const key = fault === "bad_webhook_signature" ? `${credentials.webhookSecret}-wrong` : credentials.webhookSecret;
    const delivery: WebhookDelivery = {
      eventId: (JSON.parse(body) as { eventId: string }).eventId,
      type,
      applicantId: applicant.id,
      url: webhookUrl,
      body,
      headers: {
        "content-type": "application/json",
        "x-payload-digest": payloadDigest(key, body),
        "x-payload-digest-alg": "HMAC_SHA256_HEX",
      },
      status: 0,
      attempts: 0,
    };
    deliveries.push(delivery);
    void deliver(delivery);
  }

  function settle(applicant: Applicant, decision: SandboxDecision) {
    applicant.reviewStatus = "completed";
    applicant.reviewResult = {
      reviewAnswer: decision.reviewAnswer,
      reviewRejectType: decision.reviewRejectType,
      rejectLabels: decision.rejectLabels,
    };
    const passed = decision.reviewAnswer === "GREEN";
    applicant.checks = Object.fromEntries(
      SANDBOX_CHECKS.map((check) => [
        check,
        applicant.requiredChecks.includes(check) ? (passed ? "passed" : "failed") : "not_requested",
      ]),
    ) as Applicant["checks"];
    announce("applicantReviewed", applicant);
  }

  function submit(applicant: Applicant, fields: DocumentFields) {
    applicant.info = {
      firstName: fields.firstName,
      lastName: fields.lastName,
      dob: fields.dateOfBirth,
      country: fields.country,
      idDocs: [{ idDocType: fields.documentType, number: fields.documentNumber, country: fields.country }],
    };
    applicant.attempts++;
    applicant.reviewStatus = "pending";
    applicant.reviewResult = undefined;
    applicant.checks = undefined;
    announce("applicantPending", applicant);
    const decision = decide(fields, slowMs);
    if (applicant.timer) clearTimeout(applicant.timer);
    applicant.timer = later(decision.delayMs, () => {
      applicant.timer = undefined;
      if (applicants.get(applicant.id) === applicant) settle(applicant, decision);
    });
  }

  /** Checks X-App-Token / X-App-Access-Ts / X-App-Access-Sig over the raw request. */
  function authenticate(req: IncomingMessage, body: string) {
    const token = String(req.headers["x-app-token"] ?? "");
    const ts = String(req.headers["x-app-access-ts"] ?? "");
    const sig = String(req.headers["x-app-access-sig"] ?? "");
    if (token !== credentials.appToken) throw new HttpError(401, "unknown app token");
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > REQUEST_SKEW_SECONDS) {
      throw new HttpError(401, "request timestamp missing or too far from now");
    }
    const expected = requestSignature(credentials.secretKey, ts, req.method ?? "GET", req.url ?? "/", body);
    if (!sameHex(sig, expected)) throw new HttpError(401, "request signature mismatch");
  }

  function liveToken(token: string): AccessToken | undefined {
    const entry = tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt < Date.now() || !applicants.has(entry.applicantId)) {
      tokens.delete(token);
      return undefined;
    }
    return entry;
  }

  function afterFlow(res: ServerResponse, entry: AccessToken) {
    if (entry.returnUrl) redirect(res, entry.returnUrl);
    else sendHtml(res, 200, donePage());
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    const body = await readBody(req);
    authenticate(req, body);
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/resources/status/api") return sendJson(res, 200, { status: "ok" });

    if (method === "POST" && path === "/resources/applicants") {
      const input = parseJson(body);
      const externalUserId = input.externalUserId;
      if (typeof externalUserId !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(externalUserId)) {
        throw new HttpError(400, "externalUserId must be 1-128 characters of [A-Za-z0-9_.:-]");
      }
      const checks = input.requiredChecks ?? ["document"];
      if (!Array.isArray(checks) || !checks.every((c) => SANDBOX_CHECKS.includes(c as SandboxCheck))) {
        throw new HttpError(400, `requiredChecks must be a subset of ${SANDBOX_CHECKS.join(", ")}`);
      }
      const applicant: Applicant = {
        id: randomId(),
        externalUserId,
        createdAt: new Date().toISOString(),
        requiredChecks: [...new Set(checks as SandboxCheck[])],
        reviewStatus: "init",
        attempts: 0,
      };
      applicants.set(applicant.id, applicant);
      return sendJson(res, 201, applicantView(applicant));
    }

    const tokenRoute = /^\/resources\/applicants\/([0-9a-f]{24})\/accessTokens$/.exec(path);
    if (method === "POST" && tokenRoute) {
      const applicant = applicants.get(tokenRoute[1] as string);
      if (!applicant) throw new HttpError(404, "applicant not found");
      const input = parseJson(body);
      const ttl = Number(input.ttlInSecs ?? query.get("ttlInSecs") ?? 600);
      if (!Number.isInteger(ttl) || ttl < 10 || ttl > 86_400) throw new HttpError(400, "ttlInSecs must be 10..86400");
      const returnUrl = input.returnUrl;
      if (returnUrl !== undefined && (typeof returnUrl !== "string" || !/^https?:\/\//.test(returnUrl))) {
        throw new HttpError(400, "returnUrl must be an http(s) URL");
      }
      const entry: AccessToken = {
        token: randomBytes(24).toString("base64url"),
        applicantId: applicant.id,
        expiresAt: Date.now() + ttl * 1000,
        returnUrl: returnUrl as string | undefined,
      };
      tokens.set(entry.token, entry);
      return sendJson(res, 200, {
        token: entry.token,
        applicantId: applicant.id,
        expiresAt: new Date(entry.expiresAt).toISOString(),
        url: `${baseUrl}/flow/${entry.token}`,
      });
    }

    const applicantRoute = /^\/resources\/applicants\/([0-9a-f]{24})$/.exec(path);
    if (applicantRoute) {
      const id = applicantRoute[1] as string;
      const applicant = applicants.get(id);
      if (method === "GET") {
        if (!applicant) throw new HttpError(404, "applicant not found");
        return sendJson(res, 200, applicantView(applicant));
      }
      if (method === "DELETE") {
        if (!applicant) throw new HttpError(404, "applicant not found");
        if (applicant.timer) clearTimeout(applicant.timer);
        applicants.delete(id);
        for (const [token, entry] of tokens) if (entry.applicantId === id) tokens.delete(token);
        return sendJson(res, 200, { id, deleted: true });
      }
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  }

  async function handleFlow(req: IncomingMessage, res: ServerResponse, path: string) {
    const match = /^\/flow\/([A-Za-z0-9_-]{32})(\/selfie)?$/.exec(path);
    const entry = match ? liveToken(match[1] as string) : undefined;
    if (!match || !entry) {
      return sendHtml(res, 404, messagePage("Link expired", "This verification link is unknown or has expired."));
    }
    const applicant = applicants.get(entry.applicantId) as Applicant;
    const withSelfie = applicant.requiredChecks.includes("liveness");
    const action = `/flow/${entry.token}`;
    const open = applicant.reviewStatus === "init" || applicant.reviewResult?.reviewRejectType === "RETRY";
    if (!open) return afterFlow(res, entry);
    const resubmission =
      applicant.reviewResult?.reviewRejectType === "RETRY"
        ? `the provider could not accept your last submission: ${applicant.reviewResult.rejectLabels.map(retryReason).join("; ")}.`
        : undefined;

    if (!match[2]) {
      if (req.method === "GET") return sendHtml(res, 200, documentPage(action, { withSelfie, resubmission }));
      if (req.method !== "POST") throw new HttpError(405, "GET or POST");
      const { values, errors } = validateDocument(new URLSearchParams(await readBody(req)));
      if (Object.keys(errors).length > 0) {
        return sendHtml(res, 400, documentPage(action, { values, errors, withSelfie, resubmission }));
      }
      if (withSelfie) {
        entry.draft = values;
        return redirect(res, `${action}/selfie`);
      }
      submit(applicant, values);
      return afterFlow(res, entry);
    }

    if (!entry.draft) return redirect(res, action);
    if (req.method === "GET") return sendHtml(res, 200, selfiePage(`${action}/selfie`));
    if (req.method !== "POST") throw new HttpError(405, "GET or POST");
    const form = new URLSearchParams(await readBody(req));
    if (form.get("confirm") !== "yes") {
      return sendHtml(res, 400, selfiePage(`${action}/selfie`, "Confirm that you are the person on the document"));
    }
    const draft = entry.draft;
    entry.draft = undefined;
    submit(applicant, draft);
    return afterFlow(res, entry);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.headers.authorization !== `Bearer ${credentials.adminToken}`) throw new HttpError(401, "admin token");
    const body = await readBody(req);
    if (path === "/admin/fault") {
      if (req.method === "PUT") {
        const mode = parseJson(body).mode;
        if (!SANDBOX_FAULT_MODES.includes(mode as SandboxFaultMode)) {
          throw new HttpError(400, `mode must be one of ${SANDBOX_FAULT_MODES.join(", ")}`);
        }
        fault = mode as SandboxFaultMode;
      }
      return sendJson(res, 200, { mode: fault });
    }
    if (path === "/admin/webhook-url" && req.method === "PUT") {
      const url = parseJson(body).url;
      if (url !== null && (typeof url !== "string" || !/^https?:\/\//.test(url))) {
        throw new HttpError(400, "url must be an http(s) URL or null");
      }
      webhookUrl = url ?? undefined;
      return sendJson(res, 200, { url: webhookUrl ?? null });
    }
    if (path === "/admin/webhooks" && req.method === "GET") {
      return sendJson(res, 200, { deliveries });
    }
    throw new HttpError(404, `no admin route ${req.method} ${path}`);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const path = url.pathname;
    const isAdmin = path.startsWith("/admin/");
    // Failure injection covers the provider's API and its hosted flow, never the admin routes.
    if (!isAdmin && fault === "down") {
      req.socket.destroy();
      return;
    }
    if (!isAdmin && fault === "timeout") {
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    if (!isAdmin && fault === "error") return sendJson(res, 503, { description: "injected failure", code: 503 });
    const route = path.startsWith("/resources/")
      ? handleApi(req, res, path, url.searchParams)
      : path.startsWith("/flow/")
        ? handleFlow(req, res, path)
        : isAdmin
          ? handleAdmin(req, res, path)
          : Promise.reject(new HttpError(404, "not found"));
    route.catch((error: unknown) => {
      if (res.headersSent) return res.end();
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log(`sandbox error: ${String(error)}`);
      sendJson(res, status, {
        description: error instanceof HttpError ? error.message : "internal error",
        code: status,
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${port}`;

  return {
    url: baseUrl,
    credentials,
    setWebhookUrl: (next) => {
      webhookUrl = next;
    },
    setFault: (mode) => {
      fault = mode;
    },
    deliveries,
    applicantCount: () => applicants.size,
    hasApplicant: (id) => applicants.has(id),
    stop: async () => {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      for (const applicant of applicants.values()) if (applicant.timer) clearTimeout(applicant.timer);
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** A RETRY label in words a person understands (a real provider's hosted flow says why, too). */
function retryReason(label: string): string {
  switch (label) {
    case "BAD_PROOF_OF_IDENTITY":
      return "the document could not be read; use a clear, complete photo or another document";
    case "DOCUMENT_EXPIRED":
      return "the document has expired; use one that is still valid";
    default:
      return label.toLowerCase().replaceAll("_", " ");
  }
}
