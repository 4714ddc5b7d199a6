/**
 * The tenant API's types: what the app carries per request (ApiEnv), what it is built from
 * (ApiDeps), and what route modules get (ApiKit). Route modules import these, never app.ts, so
 * app.ts can import the route modules without a circle.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import type { Kysely } from "kysely";
import type { Address } from "viem";
import type { AnalyticsConfig } from "../../analytics/config.js";
import type { RollupRecorder } from "../../analytics/recorder.js";
import type { PlanReader } from "../../billing/plans.js";
import type { PriceList } from "../../billing/priceList.js";
import type { ApiDatabase } from "../../db/tables.js";
import type { Logger } from "../../lib/logger.js";
import type { ApiKeyPrincipal, ApiKeyService, Scope } from "./auth/apiKeys.js";
import type { SessionPrincipal, SessionService } from "./auth/sessions.js";
import type { SignatureVerifier, SiweService } from "./auth/siwe.js";
import type { ApiConfig } from "./config.js";
import type { ApiVersion } from "./http/apiVersion.js";
import type { ApiMetrics } from "./http/metrics.js";
import type { OrganizationInfo, ReadModel } from "./readModel.js";

export interface GovernanceTargets {
  chainId: number;
  projectRegistry: Address;
  kycRegistry: Address;
  paymaster?: Address;
  /** The governance Safe, named in the batch so the Safe app opens it for the right Safe. */
  safe?: Address;
}

export interface ApiEnv {
  Variables: {
    requestId: string;
    /** The dated version of v1 this request is served (http/apiVersion.ts). */
    apiVersion?: ApiVersion;
    /** Set once the request is tied to a project (labels logs and metrics). */
    projectId?: string;
    apiKey?: ApiKeyPrincipal;
    session?: SessionPrincipal;
  };
}

export interface ApiDeps {
  config: ApiConfig;
  store: Kysely<ApiDatabase>;
  readModel: ReadModel;
  verifySignature: SignatureVerifier;
  logger: Logger;
  metrics: ApiMetrics;
  /** Prices for the cost figures (analytics/config.ts); default: wei only, no provider fees. */
  analytics?: AnalyticsConfig;
  /** Billing's price lists (billing/prices/); default: the shipped ones. */
  priceLists?: PriceList[];
  /** Organizations' plans in force (billing/plans.ts; index.ts watches the file); default: config.plansFile, read once. */
  plans?: PlanReader;
  /** Where each project's API calls and latency are counted (analytics/recorder.ts); none: not counted. */
  recorder?: RollupRecorder;
  /** Where rate limits count when ONEKEY_REDIS_URL is set (shared by every replica). */
  redis?: Redis;
  /**
   * What the operators' governance routes propose calls to (the deployment book's contracts) and
   * for which Safe; absent: those routes answer 503.
   */
  governance?: GovernanceTargets;
  /**
   * The issuer's database (its kyc_sessions; only SELECTs run), for operators' subject lookups;
   * absent: the lookup says the sessions are not available.
   */
  issuerSessions?: Kysely<unknown>;
  /** Wall clock: sessions, nonces, API key expiry. */
  now?: () => Date;
  /**
   * The time attestation expiry is judged at: the later of the wall clock and the chain's latest
   * block (what `isVerified` uses on-chain; local chains run ahead of the wall clock).
   */
  attestationTime?: () => Date;
}

/** What route modules get: dependencies, services, and the guards they compose. */
export interface ApiKit {
  deps: ApiDeps & {
    now: () => Date;
    attestationTime: () => Date;
    analytics: AnalyticsConfig;
    priceLists: PriceList[];
    plans: PlanReader;
  };
  keys: ApiKeyService;
  sessions: SessionService;
  siwe: SiweService;
  requireApiKey: (scope: Scope) => MiddlewareHandler<ApiEnv>;
  requireSession: MiddlewareHandler<ApiEnv>;
  limitClient: MiddlewareHandler<ApiEnv>;
  /** Which client sent the request (the peer, or what trusted proxies say): the key of per-client limits. */
  clientKey: (c: Context) => string;
  /**
   * Spends a refused caller's budget (per address and per session; 429 once spent), never a
   * project's: call it before auditing a refusal, so refusals cannot write the trail without bound.
   * A refused service token has no session: pass `{ client: kit.clientKey(c) }`.
   */
  limitRefused: (who: SessionPrincipal | { client: string }) => Promise<void>;
  /**
   * Authorises an admin call on `projectId`, then spends the project's admin budget. A refusal is
   * audited and limited per session and per address, never from the project's budget (403
   * `not_project_admin`, or `role_missing` when other roles were accepted too).
   */
  requireProjectAdmin: (
    c: Context<ApiEnv>,
    projectId: bigint,
    action: string,
    /** ProjectRoles bits that are also accepted (reads a reader may make); 0: admins only. */
    alsoRoles?: number,
  ) => Promise<SessionPrincipal>;
  /**
   * Authorises a call on an organization: its owner or an enabled admin, on the indexed chain now;
   * then spends the organization's admin budget. A refusal (an unknown organization too) is
   * audited as `action` on `target` and limited like a project's (403 `not_organization_admin`).
   */
  requireOrganizationAdmin: (
    c: Context<ApiEnv>,
    orgId: bigint,
    action: string,
    target: string,
  ) => Promise<{ session: SessionPrincipal; organization: OrganizationInfo }>;
}

export type ApiApp = OpenAPIHono<ApiEnv>;
