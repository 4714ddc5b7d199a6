/**
 * The tenant API as a Hono app: request context (id, structured log, metrics), credentials,
 * per-project rate limits, validation that names the bad field, one error shape, and the
 * OpenAPI document generated from the route schemas. Ponder mounts it (src/api/index.ts).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import { readAnalyticsConfig } from "../../analytics/config.js";
import { fixedPlans, loadPlans, planOf } from "../../billing/plans.js";
import { loadPriceLists } from "../../billing/priceList.js";
import { writeAudit } from "../../db/audit.js";
import { errorFields } from "../../lib/logger.js";
import { ApiKeyService, type Scope } from "./auth/apiKeys.js";
import { type SessionPrincipal, SessionService } from "./auth/sessions.js";
import { SiweService } from "./auth/siwe.js";
import type { ApiConfig } from "./config.js";
import { API_VERSION_HEADER, API_VERSIONS, apiVersion, DEFAULT_API_VERSION } from "./http/apiVersion.js";
import { clientAddress, clientLimitKey, clientNetwork } from "./http/clientAddress.js";
import { dashboardCors } from "./http/cors.js";
import { ApiError, errorResponse, forbidden, unauthorized } from "./http/errors.js";
import { idempotent } from "./http/idempotency.js";
import { documentApiVersion, documentIdempotencyKey } from "./http/openapi.js";
import { Limiter } from "./http/rateLimit.js";
import type { ApiApp, ApiDeps, ApiEnv, ApiKit } from "./kit.js";
import { registerAdminRoutes } from "./routes/admin.js";
import { registerAdminReadRoutes } from "./routes/adminReads.js";
import { registerAnalyticsRoutes } from "./routes/analytics.js";
import { registerAuthRoutes } from "./routes/auth.js";
import { registerBillingRoutes } from "./routes/billing.js";
import { registerDocsRoutes } from "./routes/docs.js";
import { registerKeyReleaseRoutes } from "./routes/keyReleases.js";
import { registerOperatorRoutes } from "./routes/operator.js";
import { registerRecordOpeningRoutes } from "./routes/recordOpenings.js";
import { registerTenantRoutes } from "./routes/tenant.js";
import { registerWebhookDeliveryRoutes } from "./routes/webhookDeliveries.js";
import { registerWebhookEndpointRoutes } from "./routes/webhookEndpoints.js";
import { registerWebhookEventTypeRoutes } from "./routes/webhookEventTypes.js";
import { registerWebhookSettingsRoutes } from "./routes/webhookSettings.js";

/** The request field a zod issue is about (unknown keys name themselves). */
function issueField(issue: z.core.$ZodIssue, target: string): string {
  if (issue.code === "unrecognized_keys" && issue.keys[0]) return issue.keys[0];
  return issue.path.length > 0 ? issue.path.join(".") : target === "json" ? "body" : target;
}

function bearer(c: Context): string | undefined {
  const header = c.req.header("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  return c.req.header("x-api-key")?.trim();
}

/**
 * What /openapi.json says about itself (also the header of the SDK's generated types): the API,
 * how it is versioned, where its errors are explained, and where it is served.
 */
export function openApiInfo(config: Pick<ApiConfig, "publicUrl">) {
  return {
    openapi: "3.1.0",
    info: {
      title: "OneKey tenant API",
      version: "1.0.0",
      description: [
        "Per-project queries over the indexed OneKey registries. A project API key sees only its own project's data.",
        "",
        `**Versioning.** The URL carries the major version (\`/v1\`); v1 only ever grows compatibly (new routes, new optional fields, new event types, new error codes). A breaking change within v1 ships as a new dated version that a client opts into with the \`${API_VERSION_HEADER}: YYYY-MM-DD\` request header. A request without it is served ${DEFAULT_API_VERSION}, the version v1 started with; a version this server does not know is a 400 \`api_version_unknown\`. Every /v1 answer carries \`${API_VERSION_HEADER}\` with the version that served it. Versions: ${API_VERSIONS.join(", ")}.`,
        "",
        "**Errors** are RFC 9457 problem details (`application/problem+json`); each `type` is an entry of the error catalogue at `/docs/errors`, by `code`.",
        "",
        "**Webhooks.** `GET /v1/webhooks/event-types` lists every event type and the SDK type of its `data`.",
      ].join("\n"),
    },
    servers: config.publicUrl
      ? [{ url: config.publicUrl, description: "This deployment" }]
      : [{ url: "/", description: "The server that serves this document" }],
  };
}

export function createApi(deps: ApiDeps): ApiApp {
  const { config, logger, metrics } = deps;
  const now = deps.now ?? (() => new Date());
  const attestationTime = deps.attestationTime ?? now;
  const keys = new ApiKeyService(deps.store, config.apiKeyCacheMs);
  const sessions = new SessionService(deps.store);
  const siwe = new SiweService(
    deps.store,
    {
      domain: config.siweDomain,
      chainId: config.chainId,
      nonceTtlSeconds: config.nonceTtlSeconds,
      sessionTtlSeconds: config.sessionTtlSeconds,
    },
    deps.verifySignature,
  );
  const store = deps.redis && config.redis ? { redis: deps.redis, keyPrefix: config.redis.keyPrefix } : undefined;
  // The API rate tier: one limiter per plan and allowance (billing/plans.ts), made when first
  // needed, so a changed plans file (index.ts watches it) takes effect without a restart. The
  // default plan keeps the name "tenant", so its counts in a shared store carry over.
  const plans = deps.plans ?? fixedPlans(loadPlans(config.plansFile));
  const planLimiters = new Map<string, Limiter>();
  const planLimiter = (name: string): Limiter => {
    const current = plans.current();
    const points = current.plans[name]?.apiRequestsPerWindow ?? config.rateLimit.points;
    const key = `${name}:${points}`;
    let limiter = planLimiters.get(key);
    if (!limiter) {
      const prefix = name === current.defaultPlan ? "tenant" : `tenant:${name}`;
      limiter = new Limiter(points, config.rateLimit.windowSeconds, prefix, store);
      planLimiters.set(key, limiter);
    }
    return limiter;
  };
  // A project's plan, by its organization on the indexed chain; the organization cached a minute
  // per project. With no organization assigned a plan, every project is on the default and nothing is read.
  const projectOrgs = new Map<string, { at: number; orgId: Promise<bigint | undefined> }>();
  const planOfProject = async (projectId: bigint): Promise<string> => {
    if (Object.keys(plans.current().organizations).length === 0) return plans.current().defaultPlan;
    const key = projectId.toString();
    let cached = projectOrgs.get(key);
    if (!cached || Date.now() - cached.at >= 60_000) {
      const orgId = deps.readModel.project(projectId).then((project) => project?.orgId);
      orgId.catch(() => projectOrgs.delete(key));
      cached = { at: Date.now(), orgId };
      projectOrgs.set(key, cached);
    }
    const orgId = await cached.orgId;
    // Read after the wait: the plans in force now, not when the organization was looked up.
    const current = plans.current();
    return orgId === undefined ? current.defaultPlan : planOf(current, orgId);
  };
  const adminLimiter = new Limiter(config.adminRateLimitPoints, config.rateLimit.windowSeconds, "admin", store);
  const clientLimiter = new Limiter(config.authRateLimitPoints, 60, "sign-in", store);
  // Refused credentials, per client address: slows guessing. Only refusals are counted and only
  // refusals are answered 429, so a valid key or session is never refused for others' attempts.
  const failureLimiter = new Limiter(config.authRateLimitPoints, 60, "refused", store);
  // Refused admin calls, per session and per address: a stranger's session cannot spend a
  // project's admin budget, nor write the project's audit log without bound.
  const strangerLimiter = new Limiter(config.authRateLimitPoints, 60, "stranger", store);

  /** Which client sent the request: the peer, or what trusted proxies say it is. */
  const clientAddressOf = (c: Context): string => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    return clientAddress(incoming?.socket?.remoteAddress, c.req.header("x-forwarded-for"), config.trustedProxies);
  };
  const clientKey = (c: Context): string => clientLimitKey(clientAddressOf(c));

  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue ? issueField(issue, result.target) : result.target;
      const message = issue ? issue.message : "is invalid";
      return errorResponse(c, new ApiError(400, "invalid_request", `${field}: ${message}`, field));
    },
  });

  // Request context: id, one structured log line and the metrics, whatever the outcome.
  app.use("/v1/*", async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set("requestId", requestId);
    try {
      await next();
    } finally {
      c.header("X-Request-Id", requestId);
      const pattern = routePath(c, -1);
      const route = pattern.endsWith("*") ? "unmatched" : pattern;
      const status = c.res.status;
      const projectId = c.get("projectId") ?? "none";
      const seconds = (performance.now() - started) / 1000;
      metrics.requests.inc({ route, method: c.req.method, status: String(status), project_id: projectId });
      metrics.duration.observe({ route, method: c.req.method }, seconds);
      // Per-project analytics (analytics/recorder.ts): only calls tied to a project, as metrics are.
      if (c.get("projectId") && deps.recorder) {
        const at = Date.now();
        deps.recorder.count(projectId, "api.calls", `${c.req.method} ${route} ${status}`, at);
        deps.recorder.observe(projectId, "api.latency", `${c.req.method} ${route}`, at, seconds * 1000);
      }
      logger.log(status >= 500 ? "error" : "info", "request", {
        requestId,
        method: c.req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        projectId: c.get("projectId"),
        keyId: c.get("apiKey")?.keyId,
      });
    }
  });

  // Every route (GraphQL and /docs too): only the dashboard's pages may use the API from a browser.
  app.use("*", dashboardCors(config.dashboardOrigins));

  // Before credentials, limits and handlers: an unknown version is refused with nothing done.
  app.use("/v1/*", apiVersion);

  /** Counts a refused credential against the client, answering 429 once it has too many. */
  const refuse = async (c: Context<ApiEnv>, reason: string, error: ApiError): Promise<never> => {
    metrics.authFailures.inc({ reason });
    try {
      await failureLimiter.consume(`fail:${clientKey(c)}`, "refused credentials from this client");
    } catch (limited) {
      metrics.rateLimited.inc({ project_id: "none", scope: "failed_credentials" });
      throw limited;
    }
    throw error;
  };

  const requireApiKey =
    (scope: Scope): MiddlewareHandler<ApiEnv> =>
    async (c, next) => {
      const presented = bearer(c);
      if (!presented) {
        return refuse(
          c,
          "missing",
          unauthorized("credentials_missing", "Send an API key: Authorization: Bearer okk_..."),
        );
      }
      // The same trusted-proxy reading as the limits: a stranger's X-Forwarded-For is ignored.
      const result = await keys.authenticate(presented, now(), clientNetwork(clientAddressOf(c)));
      if (typeof result === "string") {
        return refuse(c, `api_key_${result}`, unauthorized(`api_key_${result}`, `API key ${result}`));
      }
      c.set("apiKey", result);
      c.set("projectId", result.projectId.toString());
      if (!result.scopes.includes(scope)) {
        throw forbidden("scope_missing", `This key lacks the "${scope}" scope`);
      }
      try {
        const plan = await planOfProject(result.projectId);
        const limiter = planLimiter(plan);
        const { remaining } = await limiter.consume(
          `project:${result.projectId}`,
          `requests for this project on the ${plan} plan (${limiter.points} per ${limiter.windowSeconds} s)`,
        );
        c.header("RateLimit-Limit", String(limiter.points));
        c.header("RateLimit-Remaining", String(remaining));
      } catch (error) {
        metrics.rateLimited.inc({ project_id: result.projectId.toString(), scope: "tenant" });
        throw error;
      }
      return idempotent(c, next, deps.store, `key:${result.keyId}`, now);
    };

  const requireSession: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const token = bearer(c);
    if (!token) {
      return refuse(
        c,
        "missing",
        unauthorized("credentials_missing", "Send a session token: Authorization: Bearer oks_..."),
      );
    }
    const session = await sessions.authenticate(token, now());
    if (!session)
      return refuse(c, "session_invalid", unauthorized("session_invalid", "Session unknown, expired or ended"));
    c.set("session", session);
    return idempotent(c, next, deps.store, `session:${session.tokenHash}`, now);
  };

  const limitClient: MiddlewareHandler<ApiEnv> = async (c, next) => {
    try {
      await clientLimiter.consume(`client:${clientKey(c)}`, "sign-in requests from this client");
    } catch (error) {
      metrics.rateLimited.inc({ project_id: "none", scope: "sign_in" });
      throw error;
    }
    await next();
  };

  /** A refused admin call spends the caller's refusal budget (per address and session), never a project's. */
  const limitRefused = async (who: SessionPrincipal | { client: string }) => {
    try {
      if ("client" in who) {
        // A refused service token (no session): the calling client's budget.
        await strangerLimiter.consume(`stranger:client:${who.client}`, "refused requests");
        return;
      }
      await strangerLimiter.consume(`stranger:address:${who.address.toLowerCase()}`, "refused admin requests");
      await strangerLimiter.consume(`stranger:session:${who.tokenHash}`, "refused admin requests");
    } catch (error) {
      metrics.rateLimited.inc({ project_id: "none", scope: "admin_refused" });
      throw error;
    }
  };

  const requireOrganizationAdmin = async (c: Context<ApiEnv>, orgId: bigint, action: string, target: string) => {
    const session = c.get("session");
    if (!session) throw unauthorized("session_invalid", "Session required");
    const organization = await deps.readModel.organization(orgId);
    const who = session.address.toLowerCase();
    if (organization && (organization.owner === who || organization.admins.some((a) => a === who))) {
      try {
        await adminLimiter.consume(`admin:org:${orgId}`, "admin requests for this organization");
      } catch (error) {
        metrics.rateLimited.inc({ project_id: "none", scope: "admin" });
        throw error;
      }
      return { session, organization };
    }
    await limitRefused(session);
    await writeAudit(deps.store, {
      actor: session.address,
      action,
      target,
      result: "denied",
      detail: { reason: "not_organization_admin" },
      requestId: c.get("requestId"),
    });
    // An unknown organization is refused like another's: ids are not probed this way.
    throw forbidden(
      "not_organization_admin",
      "This address neither owns nor administers the organization (on the indexed chain)",
    );
  };

  const requireProjectAdmin = async (c: Context<ApiEnv>, projectId: bigint, action: string, alsoRoles = 0) => {
    const session = c.get("session");
    if (!session) throw unauthorized("session_invalid", "Session required");
    // Authorisation first: only the project's admins (and, for reads that allow them, holders of
    // `alsoRoles`) spend its admin budget. Only then is the request labelled with the project, so
    // strangers cannot mint metric series by the id.
    const allowed =
      (await deps.readModel.isProjectAdmin(projectId, session.address)) ||
      (alsoRoles !== 0 && ((await deps.readModel.rolesOn(projectId, session.address)) & alsoRoles) !== 0);
    if (allowed) {
      c.set("projectId", projectId.toString());
      try {
        await adminLimiter.consume(`admin:${projectId}`, "admin requests for this project");
      } catch (error) {
        metrics.rateLimited.inc({ project_id: projectId.toString(), scope: "admin" });
        throw error;
      }
      return session;
    }
    await limitRefused(session);
    await writeAudit(deps.store, {
      actor: session.address,
      projectId,
      action,
      result: "denied",
      detail: { reason: alsoRoles !== 0 ? "role_missing" : "not_project_admin" },
      requestId: c.get("requestId"),
    });
    if (alsoRoles !== 0) {
      throw forbidden(
        "role_missing",
        "This address holds no role on the project that allows this (on the indexed chain)",
      );
    }
    throw forbidden("not_project_admin", "This address does not administer the project (on the indexed chain)");
  };

  const kit: ApiKit = {
    deps: {
      ...deps,
      now,
      attestationTime,
      analytics: deps.analytics ?? readAnalyticsConfig({}),
      priceLists: deps.priceLists ?? loadPriceLists(),
      plans,
    },
    keys,
    sessions,
    siwe,
    requireApiKey,
    requireSession,
    limitClient,
    clientKey,
    limitRefused,
    requireProjectAdmin,
    requireOrganizationAdmin,
  };
  registerAuthRoutes(app, kit);
  registerAdminRoutes(app, kit);
  registerAdminReadRoutes(app, kit);
  registerRecordOpeningRoutes(app, kit);
  registerOperatorRoutes(app, kit);
  registerKeyReleaseRoutes(app, kit);
  registerTenantRoutes(app, kit);
  registerAnalyticsRoutes(app, kit);
  registerBillingRoutes(app, kit);
  registerWebhookEventTypeRoutes(app);
  registerWebhookEndpointRoutes(app, kit);
  registerWebhookSettingsRoutes(app, kit);
  registerWebhookDeliveryRoutes(app, kit);

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A project API key (okk_...), created by a project admin",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "http",
    scheme: "bearer",
    description: "An admin session token (oks_...) from POST /v1/auth/login",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "ingestToken", {
    type: "http",
    scheme: "bearer",
    description: "The service token of OneKey's own services (ONEKEY_API_AUDIT_INGEST_TOKEN)",
  });
  documentIdempotencyKey(app);
  documentApiVersion(app);
  app.doc31("/openapi.json", openApiInfo(config));
  registerDocsRoutes(app, logger, config.publicUrl);

  app.get("/metrics/api", async (c) => {
    if (config.metricsToken && c.req.header("authorization") !== `Bearer ${config.metricsToken}`) {
      return c.text("unauthorized", 401);
    }
    return c.text(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType });
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      const field = error.message.toLowerCase().includes("json") ? "body" : undefined;
      return errorResponse(c, new ApiError(error.status as 400, "invalid_request", error.message, field));
    }
    logger.log("error", "unhandled error", { requestId: c.get("requestId"), ...errorFields(error) });
    return errorResponse(c, new ApiError(500, "internal", "Internal error; see the request id in the logs"));
  });

  return app;
}
