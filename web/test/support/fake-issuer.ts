/**
 * A tiny issuer built from issuer/SESSIONS.md alone, for the dApp's component tests while the
 * real session service is being built: sign-in (EIP-4361, EOAs), projects, sessions with scripted
 * provider outcomes, the one-time result pull, fallback, and the attestation signature (a test
 * key signs deploy/attestation.ts's typed data). Not a model of the issuer's policies: the e2e
 * suite runs against the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signAttestation } from "@onekey/deploy";
import { type Address, createPublicClient, getAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { generateSiweNonce, parseSiweMessage, verifySiweMessage } from "viem/siwe";

// Hardhat's public test key #5: signs fake attestations, never anything real.
const ISSUER_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

export interface FakeSession {
  id: string;
  projectId: string;
  subject: Address;
  status: string;
  provider: string;
  outcome?: string;
  reasonCodes?: string[];
  steps: { step: string; at: string }[];
  expiresAt: string;
  fallbackAvailable: boolean;
  resultPulled: boolean;
  attestationBody?: string;
}

export interface FakeIssuer {
  url: string;
  issuerAddress: Address;
  sessions: Map<string, FakeSession>;
  /** Every request's method, path and authorization header, in order. */
  requests: { method: string; path: string; authorization?: string }[];
  decide(sessionId: string, outcome: "approved" | "rejected" | "needs_resubmission"): void;
  /** Providers the fake lists for each new session, first is used; fallback moves along. */
  providers: string[];
  close(): Promise<void>;
}

export async function startFakeIssuer(options: {
  domain: string;
  chainId: number;
  registry: Address;
  projects?: { projectId: string; slug: string; status?: string; requiredLevel?: number }[];
}): Promise<FakeIssuer> {
  const issuer = privateKeyToAccount(ISSUER_KEY);
  const nonces = new Set<string>();
  const tokens = new Map<string, Address>();
  const sessions = new Map<string, FakeSession>();
  const requests: FakeIssuer["requests"] = [];
  const projects = options.projects ?? [{ projectId: "1", slug: "demo" }];
  const verifier = createPublicClient({ transport: http("http://127.0.0.1:9") }); // EOAs verify offline
  let next = 1;
  const fake: Omit<FakeIssuer, "url" | "close"> = {
    issuerAddress: issuer.address,
    sessions,
    requests,
    providers: ["sandbox", "sandbox-backup"],
    decide(sessionId, outcome) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      Object.assign(session, {
        status: "decided",
        outcome,
        reasonCodes: outcome === "approved" ? [] : ["document_blurry"],
      });
      session.steps.push({ step: "decided", at: new Date().toISOString() });
    },
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
    response.end(JSON.stringify(body));
  };
  const refuse = (response: ServerResponse, status: number, code: string, message: string) =>
    send(response, status, { error: { code, message } });
  const view = (session: FakeSession) => {
    const { resultPulled: _pulled, attestationBody: _body, ...rest } = session;
    const launch =
      ["created", "provider_started"].includes(session.status) || session.outcome === "needs_resubmission"
        ? {
            kind: "hosted-url",
            provider: session.provider,
            url: `http://127.0.0.1:9/flow/${session.id}`,
            expiresAt: Date.now() + 600_000,
          }
        : undefined;
    return { ...rest, ...(launch ? { launch } : {}) };
  };
  const readBody = async (request: IncomingMessage) => {
    let raw = "";
    for await (const chunk of request) raw += chunk;
    return raw ? JSON.parse(raw) : undefined;
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const path = url.pathname;
    requests.push({
      method: request.method ?? "",
      path,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    if (request.method === "OPTIONS") {
      response.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "authorization, content-type",
        "access-control-allow-methods": "GET, POST",
      });
      response.end();
      return;
    }
    const body = request.method === "POST" ? await readBody(request) : undefined;
    const subject = tokens.get((request.headers.authorization ?? "").replace(/^Bearer /, ""));

    if (path === "/v1/auth/nonce" && request.method === "POST") {
      const nonce = generateSiweNonce();
      nonces.add(nonce);
      return send(response, 200, {
        nonce,
        domain: options.domain,
        uri: `http://${options.domain}`,
        chainId: options.chainId,
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
      });
    }
    if (path === "/v1/auth/verify" && request.method === "POST") {
      const fields = parseSiweMessage(body.message);
      const ok =
        fields.nonce !== undefined &&
        nonces.delete(fields.nonce) &&
        fields.domain === options.domain &&
        (await verifySiweMessage(verifier, { message: body.message, signature: body.signature }).catch(() => false));
      if (!ok || !fields.address)
        return refuse(response, 401, "signature_invalid", "The sign-in signature was not accepted.");
      const token = `tok_${crypto.randomUUID()}`;
      tokens.set(token, getAddress(fields.address));
      return send(response, 200, {
        token,
        address: fields.address,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
    }
    const project = /^\/v1\/projects\/([^/]+)$/.exec(path);
    if (project && request.method === "GET") {
      const found = projects.find((p) => p.slug === project[1] || p.projectId === project[1]);
      if (!found) return refuse(response, 404, "project_not_found", "No project uses this link.");
      return send(response, 200, {
        projectId: found.projectId,
        slug: found.slug,
        status: found.status ?? "active",
        requiredLevel: found.requiredLevel ?? 1,
        providers: fake.providers,
        checks: ["document", "liveness"],
      });
    }
    if (!subject) return refuse(response, 401, "unauthorized", "Sign in first.");
    if (path === "/v1/sessions" && request.method === "POST") {
      const found = projects.find((p) => p.slug === body?.project || p.projectId === body?.project);
      if (!found) return refuse(response, 404, "project_not_found", "No project uses this link.");
      const open = [...sessions.values()].find(
        (s) =>
          s.subject === subject &&
          s.projectId === found.projectId &&
          !["expired", "failed", "consented"].includes(s.status),
      );
      if (open) return send(response, 200, view(open));
      const session: FakeSession = {
        id: `ses_${next++}`,
        projectId: found.projectId,
        subject,
        status: "provider_started",
        provider: fake.providers[0] ?? "sandbox",
        steps: [{ step: "created", at: new Date().toISOString() }],
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        fallbackAvailable: fake.providers.length > 1,
        resultPulled: false,
      };
      sessions.set(session.id, session);
      return send(response, 201, view(session));
    }
    const match = /^\/v1\/sessions\/([^/]+)(?:\/(fallback|result|attestation))?$/.exec(path);
    const session = match ? sessions.get(match[1] as string) : undefined;
    if (!match || !session || session.subject !== subject)
      return refuse(response, 404, "session_not_found", "No such session.");
    const action = match[2];
    if (!action && request.method === "GET") return send(response, 200, view(session));
    if (action === "fallback") {
      const index = fake.providers.indexOf(session.provider);
      const nextProvider = fake.providers[index + 1];
      if (!nextProvider) return refuse(response, 409, "no_fallback", "No other provider is available.");
      Object.assign(session, {
        provider: nextProvider,
        status: "provider_started",
        fallbackAvailable: index + 2 < fake.providers.length,
      });
      return send(response, 200, view(session));
    }
    if (action === "result") {
      if (session.status !== "decided" || session.outcome !== "approved") {
        return refuse(response, 409, "not_decided", "There is no approved result yet.");
      }
      if (session.resultPulled)
        return refuse(response, 410, "result_already_delivered", "The result was already handed over.");
      session.resultPulled = true;
      return send(response, 200, {
        result: {
          outcome: "approved",
          checksPassed: ["document", "liveness"],
          reasonCodes: [],
          provider: session.provider,
          providerReference: `app_${session.id}`,
        },
        personalData: { firstName: "Ada", lastName: "Lovelace", documentNumber: "P1234567" },
      });
    }
    if (action === "attestation") {
      const canonical = JSON.stringify(body);
      if (session.attestationBody && session.attestationBody !== canonical) {
        return refuse(response, 409, "attestation_conflict", "This session was attested with another record.");
      }
      session.attestationBody = canonical;
      const request = {
        subject,
        level: 2,
        expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400,
        storageNetwork: body.storageNetwork,
        storageId: body.storageId,
        ciphertextHash: body.ciphertextHash,
      };
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 900);
      const params = { chainId: options.chainId, registry: options.registry, request, nonce: 0n, deadline };
      session.status = "attestation_signed";
      return send(response, 200, {
        request,
        nonce: "0",
        deadline: String(deadline),
        signature: await signAttestation(issuer, params),
        registry: options.registry,
        chainId: options.chainId,
      });
    }
    return refuse(response, 404, "not_found", "No such route.");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The same object the routes read, so a test can change `providers` as it goes.
  return Object.assign(fake, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
