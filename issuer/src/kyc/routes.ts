/**
 * The session API over HTTP (issuer/SESSIONS.md), with its OpenAPI document at /openapi.json.
 * Tokens travel in `Authorization: Bearer`, never in a URL; request logs name routes by pattern,
 * so no id, token or personal value reaches a log line through a path.
 */
import { randomUUID } from "node:crypto";
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { Address } from "viem";
import { parseSiweMessage } from "viem/siwe";
import type { AuditSink, IssuerAuditEntry } from "../audit/reporter.js";
import { SIGN_IN_REJECTIONS, type SubjectAuth } from "../auth/subject-auth.js";
import { ApiError, badRequest, errorResponse, errorResponses, notFound } from "../http/errors.js";
import { type Logger, loggableError } from "../logger.js";
import type { IssuerMetrics } from "../metrics.js";
import { levelFor } from "./policy.js";
import type { ProjectDirectory } from "./projects.js";
import {
  isProviderName,
  type KycCheck,
  ProviderError,
  type ProviderName,
  ProviderWebhookInvalid,
} from "./providers/provider.js";
import type { ProviderRegistry } from "./providers/registry.js";
import type { KycLimits } from "./rate-limits.js";
import {
  AttestationAnswer,
  AttestationBody,
  NonceAnswer,
  NonceBody,
  ProjectAnswer,
  ProjectIdParam,
  ProjectRefParam,
  ProviderNameParam,
  ResultAnswer,
  SessionAnswer,
  SessionIdParam,
  SettingsBody,
  StartBody,
  TokenAnswer,
  VerifyBody,
  WebhookAnswer,
} from "./schemas.js";
import { type SessionService, storageNetworkOf } from "./sessions/service.js";
import type { SettingsStore } from "./settings.js";

export interface KycEnv {
  Variables: { requestId: string; subject?: Address };
}

export interface KycRouteDeps {
  auth: SubjectAuth;
  sessions: SessionService;
  projects: ProjectDirectory;
  settings: SettingsStore;
  registry: ProviderRegistry;
  limits: KycLimits;
  metrics: IssuerMetrics;
  logger: Logger;
  dappOrigin: string;
  now: () => Date;
  /** The audit trail admin actions are reported to (audit/reporter.ts); absent: only logged. */
  audit?: AuditSink;
}

function issueField(issue: z.core.$ZodIssue, target: string): string {
  if (issue.code === "unrecognized_keys" && issue.keys[0]) return issue.keys[0];
  return issue.path.length > 0 ? issue.path.join(".") : target === "json" ? "body" : target;
}

const json = <T>(schema: T) => ({ "application/json": { schema } });
const security = [{ subject: [] }];

export function createKycApp(deps: KycRouteDeps): OpenAPIHono<KycEnv> {
  const { auth, sessions, projects, settings, registry, limits, metrics, logger } = deps;
  const app = new OpenAPIHono<KycEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue ? issueField(issue, result.target) : result.target;
      return errorResponse(
        c,
        new ApiError(400, "invalid_request", `${field}: ${issue?.message ?? "is invalid"}`, field),
      );
    },
  });

  // The dApp calls from the browser: its origin only, and the bearer header.
  app.use(
    "/v1/*",
    cors({
      origin: deps.dappOrigin,
      allowHeaders: ["authorization", "content-type"],
      allowMethods: ["GET", "POST", "PUT"],
    }),
  );
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => errorResponse(c, new ApiError(413 as 400, "body_too_large", "The request body is too large")),
    }),
  );
  // Request id, one log line and a metric per request, named by route pattern (never by path).
  app.use("/v1/*", async (c, next) => {
    const started = performance.now();
    c.set("requestId", randomUUID());
    try {
      await next();
    } finally {
      const pattern = routePath(c, -1);
      const route = pattern.endsWith("*") ? "unmatched" : pattern;
      c.header("X-Request-Id", c.get("requestId"));
      metrics.httpRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
      metrics.httpDuration.observe({ route, method: c.req.method }, (performance.now() - started) / 1000);
      logger[c.res.status >= 500 ? "error" : "info"](
        {
          requestId: c.get("requestId"),
          method: c.req.method,
          route,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        "request",
      );
    }
  });

  const requireSubject: MiddlewareHandler<KycEnv> = async (c, next) => {
    const header = c.req.header("authorization");
    const token = header?.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw new ApiError(401, "credentials_missing", "Sign in first: Authorization: Bearer oki_...");
    const subject = await auth.authenticate(token, deps.now());
    if (!subject) throw new ApiError(401, "token_invalid", "The token is unknown or expired; sign in again");
    c.set("subject", subject);
    await next();
  };
  const subjectOf = (c: Context<KycEnv>): Address => {
    const subject = c.get("subject");
    if (!subject) throw new ApiError(401, "credentials_missing", "Sign in first");
    return subject;
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/nonce",
      tags: ["Sign-in"],
      summary: "A single-use SIWE nonce for this address, and the domain/uri/chain the message must name",
      request: { body: { required: true, content: json(NonceBody) } },
      responses: { 200: { description: "The nonce", content: json(NonceAnswer) }, ...errorResponses(400, 429) },
    }),
    async (c) => {
      const { address } = c.req.valid("json");
      await limits.signIn(address);
      const issued = await auth.issueNonce(address, deps.now());
      return c.json({ ...issued, expiresAt: issued.expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/verify",
      tags: ["Sign-in"],
      summary: "Exchange a signed EIP-4361 message for a bearer token (EOA, ERC-1271, ERC-6492)",
      request: { body: { required: true, content: json(VerifyBody) } },
      responses: { 200: { description: "Signed in", content: json(TokenAnswer) }, ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const { message, signature } = c.req.valid("json");
      let claimed: Address | undefined;
      try {
        claimed = parseSiweMessage(message).address;
      } catch {
        claimed = undefined;
      }
      if (claimed) await limits.signIn(claimed);
      const result = await auth.signIn(message, signature, deps.now());
      if ("rejected" in result) {
        const status = result.rejected === "message_malformed" ? 400 : 401;
        throw new ApiError(
          status,
          `siwe_${result.rejected}`,
          SIGN_IN_REJECTIONS[result.rejected],
          status === 400 ? "message" : undefined,
        );
      }
      return c.json({ token: result.token, address: result.address, expiresAt: result.expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/projects/{ref}",
      tags: ["Projects"],
      summary: "A project's verification requirements (for the verify page)",
      request: { params: ProjectRefParam },
      responses: { 200: { description: "The project", content: json(ProjectAnswer) }, ...errorResponses(400, 404) },
    }),
    async (c) => {
      const project = await projects.resolve(c.req.valid("param").ref);
      if (!project) throw notFound("project_not_found", "No such project");
      const chosen = await settings.get(project.projectId, project.requiredLevel, registry.names);
      return c.json(
        {
          projectId: project.projectId.toString(),
          slug: project.slug,
          status: project.status,
          requiredLevel: project.requiredLevel,
          providers: chosen.providers,
          checks: chosen.checks,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/projects/{id}/kyc-settings",
      tags: ["Projects"],
      summary: "Set the project's provider order and required checks (a project admin, on chain)",
      security,
      middleware: [requireSubject],
      request: { params: ProjectIdParam, body: { required: true, content: json(SettingsBody) } },
      responses: {
        200: { description: "The settings now", content: json(ProjectAnswer) },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const subject = subjectOf(c);
      const project = await projects.resolve(id.toString());
      if (!project) throw notFound("project_not_found", "No such project");
      const audited = (outcome: IssuerAuditEntry["outcome"], detail: IssuerAuditEntry["detail"]) =>
        deps.audit?.report({
          actor: subject.toLowerCase(),
          action: "issuer.kyc_settings.update",
          target: `project:${id}`,
          projectId: id.toString(),
          outcome,
          requestId: c.get("requestId"),
          detail,
          at: deps.now().toISOString(),
        });
      if (!(await projects.isAdmin(id, subject))) {
        // Limited before it is reported: any signed-in wallet can call this for any project, and
        // a flood of refusals must neither fill the audit queue nor the trail.
        await limits.refusedAdmin(subject);
        audited("denied", { reason: "not_project_admin" });
        throw new ApiError(403, "not_project_admin", "This address does not administer the project (on chain)");
      }
      const providers = [...new Set(body.providers)];
      const unknown = providers.find((p) => !isProviderName(p) || !registry.names.includes(p));
      if (unknown) {
        throw badRequest(
          "providers",
          `"${unknown.slice(0, 32)}" is not a provider of this issuer (${registry.names.join(", ")})`,
        );
      }
      const checks = [...new Set(body.checks)] as KycCheck[];
      const level = levelFor(checks);
      if (level < Math.max(1, project.requiredLevel)) {
        throw badRequest(
          "checks",
          `these checks earn level ${level}; the project requires level ${project.requiredLevel} (document, + liveness for 2, + sanctions and pep for 3)`,
        );
      }
      if (!providers.some((p) => registry.supports(p as ProviderName, checks))) {
        throw badRequest("providers", "none of these providers performs all of the checks");
      }
      try {
        await settings.put(id, { providers: providers as ProviderName[], checks }, subject, deps.now());
      } catch (error) {
        audited("error", { reason: "settings_not_saved" });
        throw error;
      }
      audited("ok", { providers, checks });
      logger.info({ project: id.toString(), providers, checks }, "project KYC settings changed");
      const saved = await settings.get(id, project.requiredLevel, registry.names);
      return c.json(
        {
          projectId: id.toString(),
          slug: project.slug,
          status: project.status,
          requiredLevel: project.requiredLevel,
          providers: saved.providers,
          checks: saved.checks,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sessions",
      tags: ["Sessions"],
      summary: "Start a verification session (or get the open one of this subject and project)",
      security,
      middleware: [requireSubject],
      request: { body: { required: true, content: json(StartBody) } },
      responses: {
        200: { description: "The subject's open session for this project", content: json(SessionAnswer) },
        201: { description: "A new session, started at a provider", content: json(SessionAnswer) },
        ...errorResponses(400, 401, 404, 409, 429, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { created, session } = await sessions.start(subjectOf(c), body.project, body.returnUrl);
      return c.json(session, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/sessions/{id}",
      tags: ["Sessions"],
      summary: "The session, its steps and what the browser needs next (resume from any device)",
      security,
      middleware: [requireSubject],
      request: { params: SessionIdParam },
      responses: {
        200: { description: "The session", content: json(SessionAnswer) },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => c.json(await sessions.get(subjectOf(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sessions/{id}/fallback",
      tags: ["Sessions"],
      summary: "Move the session to the next healthy provider (before a decision)",
      security,
      middleware: [requireSubject],
      request: { params: SessionIdParam },
      responses: {
        200: { description: "The session at its new provider", content: json(SessionAnswer) },
        ...errorResponses(400, 401, 404, 409, 503),
      },
    }),
    async (c) => c.json(await sessions.fallback(subjectOf(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sessions/{id}/result",
      tags: ["Sessions"],
      summary: "The approved result and the person's data, once (fetched from the provider now, never stored)",
      security,
      middleware: [requireSubject],
      request: { params: SessionIdParam },
      responses: {
        200: { description: "The decided record", content: json(ResultAnswer) },
        ...errorResponses(400, 401, 404, 409, 410, 503),
      },
    }),
    async (c) => {
      const pulled = await sessions.pullResult(subjectOf(c), c.req.valid("param").id);
      c.header("Cache-Control", "no-store");
      return c.json(pulled, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sessions/{id}/attestation",
      tags: ["Sessions"],
      summary: "Report the stored record; get the issuer's attestation signature (the same one on repeat)",
      security,
      middleware: [requireSubject],
      request: { params: SessionIdParam, body: { required: true, content: json(AttestationBody) } },
      responses: {
        200: { description: "The signed attestation for attestBySig", content: json(AttestationAnswer) },
        ...errorResponses(400, 401, 404, 409, 422, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const storageNetwork = storageNetworkOf(body.storageNetwork);
      if (!storageNetwork) throw badRequest("storageNetwork", "must be 1 (arweave) or 2 (irys)");
      const signed = await sessions.signAttestation(subjectOf(c), c.req.valid("param").id, {
        storageNetwork,
        storageId: body.storageId,
        ciphertextHash: body.ciphertextHash,
      });
      return c.json(signed, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/providers/{name}/webhook",
      tags: ["Providers"],
      summary: "A provider's webhook (raw body, the provider's signature headers)",
      request: { params: ProviderNameParam },
      responses: {
        200: { description: "Verified; applied, or a replay that changed nothing", content: json(WebhookAnswer) },
        ...errorResponses(401, 404, 503),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      if (!isProviderName(name) || !registry.get(name)) throw notFound("provider_not_found", "No such provider");
      const rawBody = await c.req.text();
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      try {
        const result = await sessions.handleWebhook(name, { rawBody, headers });
        metrics.webhooks.inc({ provider: name, result });
        return c.json({ ok: true as const, result }, 200);
      } catch (error) {
        if (error instanceof ProviderWebhookInvalid) {
          metrics.webhooks.inc({ provider: name, result: "invalid" });
          logger.warn({ provider: name, reason: error.message }, "provider webhook refused");
          throw new ApiError(401, "webhook_invalid", "The webhook's signature does not verify");
        }
        if (error instanceof ProviderError) {
          metrics.webhooks.inc({ provider: name, result: "failed" });
          throw new ApiError(503, "provider_unavailable", "Could not fetch the decision; deliver again later");
        }
        throw error;
      }
    },
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "subject", {
    type: "http",
    scheme: "bearer",
    description: "A subject's token (oki_...) from POST /v1/auth/verify",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "OneKey issuer: verification sessions",
      version: "1.0.0",
      description:
        "KYC sessions of the dApp's verify flow: sign-in, sessions, the one-time result, attestation signatures. issuer/SESSIONS.md.",
    },
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof ProviderError) {
      return errorResponse(
        c,
        new ApiError(503, "provider_unavailable", `The KYC provider ${error.provider} is unavailable; try again`),
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      const field = error.message.toLowerCase().includes("json") ? "body" : undefined;
      return errorResponse(c, new ApiError(error.status as 400, "invalid_request", error.message, field));
    }
    logger.error({ requestId: c.get("requestId"), err: loggableError(error) }, "unhandled error");
    return errorResponse(c, new ApiError(500, "internal", "Internal error; see the request id in the logs"));
  });

  return app;
}
