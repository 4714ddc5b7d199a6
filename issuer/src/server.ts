import type { FlagReader } from "@onekey/deploy";
import { type Check, CheckFailed, livenessResponse, readinessHandler } from "@onekey/service-kit/health";
import type { PlanReader } from "@onekey/service-kit/plans";
import { createSignatureVerifier, type SignatureVerifier } from "@onekey/service-kit/signatures";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Redis } from "ioredis";
import { type Kysely, sql } from "kysely";
import { createPublicClient, hexToNumber, http, type LocalAccount, type PublicClient, verifyMessage } from "viem";
import { createIssuerAuditReporter, type IssuerAuditReporter } from "./audit/reporter.js";
import { SubjectAuth } from "./auth/subject-auth.js";
import type { IssuerConfig } from "./config.js";
import { bearerTokenCheck } from "./http/bearer.js";
import { type ChainWatcher, createChainWatcher } from "./kyc/chain-watcher.js";
import { type CleanupJob, createCleanupJob } from "./kyc/cleanup.js";
import { createOperatorRoutes } from "./kyc/operator-routes.js";
import { createProjectDirectory, type ProjectDirectory } from "./kyc/projects.js";
import { createProviderStates } from "./kyc/provider-states.js";
import { createProvider } from "./kyc/providers/factories.js";
import type { KycProvider } from "./kyc/providers/provider.js";
import { createProviderRegistry, type ProviderRegistry } from "./kyc/providers/registry.js";
import type { KycLimits } from "./kyc/rate-limits.js";
import { createKycApp } from "./kyc/routes.js";
import { createSessionService, type SessionService } from "./kyc/sessions/service.js";
import { createSettingsStore } from "./kyc/settings.js";
import { createGatewayStorage, type RecordStorage, STORAGE_NETWORKS } from "./kyc/storage.js";
import type { AttestationLedger } from "./ledger/attestation-ledger.js";
import type { IssuerDatabase } from "./ledger/types.js";
import { createLogger, type Logger, loggableError } from "./logger.js";
import { createIssuerMetrics, type IssuerMetrics, RPC_METHOD_LABELS } from "./metrics.js";
import { createSigner, type SignerConfig } from "./signing/signer.js";
import { remoteSignerHolds } from "./signing/web3signer.js";
import { createSponsorshipService, InvalidParams, type SponsorshipService } from "./sponsorship/erc7677.js";
import { SponsorshipRefused } from "./sponsorship/policy.js";
import type { SponsorshipLimits } from "./sponsorship/rate-limits.js";
import type { RefusalCounts } from "./sponsorship/refusal-counts.js";

/** JSON-RPC 2.0 error codes: the standard ones, and one for a policy refusal. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
/** How long a replica may go on using a provider another replica's operator paused. */
const PROVIDER_STATE_CACHE_MS = 5_000;
/**
 * The paymaster refuses to sponsor this operation; `message` says why to a person and
 * `data.reason` to a program. An implementation-defined server error (JSON-RPC reserves
 * -32000..-32099 for those) that no client library gives a meaning of its own: -32001 is EIP-1474's
 * "resource not found", which viem shows instead of the reason, and -32500..-32521 are the bundler
 * codes of ERC-7769. viem surfaces this one as an RpcRequestError carrying code, message and data.
 */
export const SPONSORSHIP_REFUSED = -32099;

type RpcId = string | number | null;

function rpcError(id: RpcId, code: number, message: string, data?: unknown) {
  return { jsonrpc: "2.0" as const, id, error: data === undefined ? { code, message } : { code, message, data } };
}

export interface KycParts {
  registry: ProviderRegistry;
  projects: ProjectDirectory;
  sessions: SessionService;
  watcher: ChainWatcher;
  cleanup: CleanupJob;
  auth: SubjectAuth;
  /** Where admin actions are reported (config.audit); absent: not reported. */
  audit?: IssuerAuditReporter;
}

export interface IssuerApp {
  app: Hono;
  signer: LocalAccount;
  kycSigner: LocalAccount;
  metrics: IssuerMetrics;
  /** The KYC session workflow (absent when the app was built without its database). */
  kyc?: KycParts;
}

export interface KycOptions {
  db: Kysely<IssuerDatabase>;
  limits: KycLimits;
  /** Providers to use instead of building the configured ones (tests). */
  providers?: KycProvider[];
  storage?: RecordStorage;
  verifySignature?: SignatureVerifier;
  /** Wall clock of the session workflow (tests move it). */
  now?: () => Date;
}

/** What GET /readyz probes besides the chain and the signing keys (main.ts passes its resources). */
export interface HealthDependencies {
  /** Default: the session workflow's database (`kyc.db`), which holds the ledger too. */
  db?: Kysely<IssuerDatabase>;
  redis?: Pick<Redis, "ping" | "status">;
}

/** Signs a fixed message and checks the signature recovers to the key's address. */
async function canSign(account: LocalAccount): Promise<void> {
  const message = "onekey issuer readiness";
  const signature = await account.signMessage({ message });
  if (!(await verifyMessage({ address: account.address, message, signature }))) {
    throw new CheckFailed("the key's signature does not recover to its address");
  }
}

/** A local key signs a fixed message; a remote signer is asked whether it still holds the key. */
async function keyReady(signer: SignerConfig, account: LocalAccount): Promise<void> {
  if (signer.kind === "local") return canSign(account);
  try {
    if (await remoteSignerHolds(signer)) return;
  } catch (error) {
    // viem's message names the signer's URL: say only what kind of failure it was.
    throw new CheckFailed(`the remote signer did not answer (${(error as Error).name})`);
  }
  throw new CheckFailed(`the remote signer no longer holds ${signer.address}`);
}

/** The checks behind GET /readyz: database, RPC (the configured chain), Redis, both signing keys. */
function readinessChecks(
  config: IssuerConfig,
  deps: { client: PublicClient; signer: LocalAccount; kycSigner: LocalAccount } & HealthDependencies,
): Record<string, Check> {
  const { db, redis } = deps;
  return {
    ...(db ? { database: () => sql`select 1`.execute(db) } : {}),
    rpc: async () => {
      // One try: a probe that retries outlives its timeout and says only that it timed out.
      const chainId = hexToNumber(await deps.client.request({ method: "eth_chainId" }, { retryCount: 0 }));
      if (chainId !== config.chainId) throw new CheckFailed(`the RPC serves chain ${chainId}, not ${config.chainId}`);
    },
    ...(redis
      ? {
          redis: async () => {
            // Commands fail at once while disconnected (no offline queue): say which state it is in.
            if (redis.status !== "ready") throw new CheckFailed(`not connected (${redis.status})`);
            await redis.ping();
          },
        }
      : {}),
    sponsorSigner: () => keyReady(config.sponsorSigner, deps.signer),
    kycSigner: () => keyReady(config.kycSigner, deps.kycSigner),
  };
}

/**
 * The issuer HTTP app: ERC-7677 JSON-RPC at POST / (and /rpc), liveness at GET /health and
 * GET /livez, readiness at GET /readyz, metrics at GET /metrics, and (given `kyc`) the
 * verification session API under /v1 with /openapi.json.
 */
export function createIssuerApp(
  config: IssuerConfig,
  options: {
    ledger: AttestationLedger;
    limits: SponsorshipLimits;
    kyc?: KycOptions;
    client?: PublicClient;
    logger?: Logger;
    /** Unix seconds, for sponsorship validity windows. */
    now?: () => number;
    /** The dependencies GET /readyz probes (the database defaults to `kyc.db`). */
    health?: HealthDependencies;
    /** Feature flags (main.ts watches the network's flag file); default: every flag at its default. */
    flags?: FlagReader;
    /** Organizations' plans (main.ts watches the plans file); default: config.plansFile read at start. */
    plans?: PlanReader;
    /** Where refusals are counted per project and hour (the security monitor reads them); absent, only metrics. */
    refusals?: RefusalCounts;
  },
): IssuerApp {
  const logger = options.logger ?? createLogger(config.logLevel);
  const client = options.client ?? (createPublicClient({ transport: http(config.rpcUrl) }) as PublicClient);
  const signer = createSigner(config.sponsorSigner, "sponsorSigner");
  const kycSigner = createSigner(config.kycSigner, "kycSigner");
  const metrics = createIssuerMetrics();
  const kyc = options.kyc
    ? buildKyc(config, options.kyc, {
        client,
        logger,
        metrics,
        kycSigner,
        ledger: options.ledger,
        flags: options.flags,
        plans: options.plans,
      })
    : undefined;
  const service: SponsorshipService = createSponsorshipService({
    config,
    client,
    signer,
    ledger: options.ledger,
    limits: options.limits,
    now: options.now,
    approvedSession: options.kyc ? approvedSessionQuery(options.kyc.db) : undefined,
    flags: options.flags,
  });
  const methods: Record<string, (params: unknown) => Promise<unknown>> = {
    pm_getPaymasterStubData: (p) => service.getPaymasterStubData(p),
    pm_getPaymasterData: (p) => service.getPaymasterData(p),
  };

  const app = new Hono();
  // Liveness: the process answers; no dependency is asked (a restart would not fix one).
  app.get("/health", (c) =>
    c.json({ ok: true, signer: signer.address, kycSigner: kycSigner.address, chainId: config.chainId }),
  );
  app.get("/livez", () => livenessResponse());
  const checks = readinessChecks(config, {
    client,
    signer,
    kycSigner,
    db: options.health?.db ?? options.kyc?.db,
    redis: options.health?.redis,
  });
  app.get("/readyz", readinessHandler(checks));
  const metricsToken = config.kyc.metricsToken ? bearerTokenCheck(config.kyc.metricsToken) : undefined;
  app.get("/metrics", async (c) => {
    if (metricsToken && !metricsToken(c.req.header("authorization"))) return c.text("unauthorized", 401);
    return c.text(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType });
  });
  if (kyc) app.route("/", kyc.app);
  // After the session API, so its /v1/* request log and body limit cover the operators' route too.
  if (options.kyc) {
    const { db, now } = options.kyc;
    app.route(
      "/",
      createOperatorRoutes({
        db,
        token: config.kyc.operatorToken,
        logger,
        now: now ?? (() => new Date()),
        providers: kyc ? { registry: kyc.registry, states: kyc.providerStates } : undefined,
      }),
    );
  }

  // The dApp's browser wallet asks for sponsorship from the page (ERC-7677 through viem's
  // paymaster client): the dApp's origin may call the JSON-RPC endpoint, no other.
  for (const path of ["/", "/rpc"]) {
    app.use(
      path,
      cors({ origin: config.kyc.dappOrigin, allowHeaders: ["content-type"], allowMethods: ["POST"], maxAge: 600 }),
    );
  }
  app.use(
    "/",
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.json(rpcError(null, INVALID_REQUEST, "Request body too large"), 413),
    }),
  );
  const handle = async (c: Context) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(rpcError(null, PARSE_ERROR, "Body is not valid JSON"), 400);
    }
    const request = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id: RpcId =
      typeof request?.id === "string" || typeof request?.id === "number" ? (request.id as string | number) : null;
    if (request?.jsonrpc !== "2.0" || typeof request.method !== "string") {
      metrics.rpcRequests.inc({ method: "unknown", outcome: "invalid_request" });
      return c.json(rpcError(id, INVALID_REQUEST, "Expected a JSON-RPC 2.0 request with a method"), 400);
    }
    const method = methods[request.method];
    if (!method) {
      metrics.rpcRequests.inc({ method: "unknown", outcome: "method_not_found" });
      return c.json(rpcError(id, METHOD_NOT_FOUND, `Method ${request.method} is not supported`));
    }
    const label = (RPC_METHOD_LABELS as readonly string[]).includes(request.method) ? request.method : "unknown";
    const started = performance.now();
    const count = (outcome: string) => {
      metrics.rpcRequests.inc({ method: label, outcome });
      metrics.rpcDuration.observe({ method: label, outcome }, (performance.now() - started) / 1000);
    };
    try {
      const result = await method(request.params);
      count("ok");
      if (request.method === "pm_getPaymasterData") metrics.sponsorshipsSigned.inc();
      logger.info({ method: request.method, ms: Math.round(performance.now() - started) }, "sponsorship served");
      return c.json({ jsonrpc: "2.0", id, result });
    } catch (error) {
      if (error instanceof InvalidParams) {
        count("invalid_params");
        return c.json(rpcError(id, INVALID_PARAMS, error.message), 400);
      }
      if (error instanceof SponsorshipRefused) {
        count("refused");
        // In memory, written in the background: the database never delays or changes this answer.
        if (error.projectId !== undefined) options.refusals?.count(error.projectId, error.reason);
        logger.info({ method: request.method, reason: error.reason }, "sponsorship refused");
        // HTTP 200: a refusal is an answer, and clients retry 4xx/5xx statuses such as 429.
        return c.json(
          rpcError(id, SPONSORSHIP_REFUSED, error.message, { reason: error.reason, message: error.message }),
        );
      }
      count("error");
      // Never the raw message: viem's errors carry the RPC URL, and API keys live in RPC URLs.
      logger.error({ method: request.method, err: loggableError(error) }, "sponsorship failed");
      return c.json(rpcError(id, INTERNAL_ERROR, "Internal error; try again"), 500);
    }
  };
  app.use(
    "/rpc",
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.json(rpcError(null, INVALID_REQUEST, "Request body too large"), 413),
    }),
  );
  app.post("/", handle);
  app.post("/rpc", handle);
  const parts = kyc ? { ...kyc } : undefined;
  delete (parts as { app?: unknown } | undefined)?.app;
  return { app, signer, kycSigner, metrics, kyc: parts as KycParts | undefined };
}

/** Whether a subject has an approved session of a project (the sponsorship of setDecryptDelegate). */
function approvedSessionQuery(db: Kysely<IssuerDatabase>) {
  return async (subject: `0x${string}`, projectId: bigint) => {
    const row = await db
      .selectFrom("kyc_sessions")
      .select("id")
      .where("subject", "=", subject.toLowerCase())
      .where("project_id", "=", projectId.toString())
      .where("outcome", "=", "approved")
      .where("status", "in", ["decided", "record_stored", "attestation_signed", "attested", "consented"])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  };
}

function buildKyc(
  config: IssuerConfig,
  options: KycOptions,
  shared: {
    client: PublicClient;
    logger: Logger;
    metrics: IssuerMetrics;
    kycSigner: LocalAccount;
    ledger: AttestationLedger;
    flags?: FlagReader;
    plans?: PlanReader;
  },
) {
  const { client, logger, metrics } = shared;
  const now = options.now ?? (() => new Date());
  const kyc = config.kyc;
  const providers = options.providers ?? kyc.providers.map((name) => createProvider(name, kyc.providerSettings[name]));
  const registry = createProviderRegistry(providers, {
    timeoutMs: kyc.providerTimeoutMs,
    breakerFailures: kyc.breakerFailures,
    halfOpenMs: kyc.breakerHalfOpenMs,
    metrics,
  });
  const projects = createProjectDirectory(client, config.contracts.projectRegistry, { cacheMs: kyc.projectCacheMs });
  const settings = createSettingsStore(options.db, { cacheMs: kyc.projectCacheMs });
  // A pause reaches every replica within a few seconds (kyc/provider-states.ts).
  const providerStates = createProviderStates(options.db, { cacheMs: PROVIDER_STATE_CACHE_MS, now });
  const storage =
    options.storage ??
    createGatewayStorage({
      [STORAGE_NETWORKS.arweave]: kyc.storage.arweaveGateway,
      [STORAGE_NETWORKS.irys]: kyc.storage.irysGateway,
    });
  const auth = new SubjectAuth(
    options.db,
    {
      origin: kyc.dappOrigin,
      domain: kyc.siweDomain,
      chainId: config.chainId,
      nonceTtlSeconds: kyc.nonceTtlSeconds,
      tokenTtlSeconds: kyc.authTokenTtlSeconds,
    },
    options.verifySignature ?? createSignatureVerifier(client, config.sponsor.simpleAccountFactories),
  );
  const sessions = createSessionService({
    db: options.db,
    config,
    registry,
    projects,
    settings,
    storage,
    client,
    kycSigner: shared.kycSigner,
    ledger: shared.ledger,
    limits: options.limits,
    metrics,
    logger,
    now,
    flags: shared.flags,
    plans: shared.plans,
    providerStates,
  });
  const watcher = createChainWatcher({
    db: options.db,
    client,
    registry: config.contracts.kycRegistry,
    issuer: shared.kycSigner.address,
    startBlock: config.contracts.kycRegistryStartBlock,
    confirmations: kyc.chainConfirmations,
    metrics,
    logger,
    now,
  });
  const cleanup = createCleanupJob({
    db: options.db,
    registry,
    auth,
    retentionDays: kyc.sessionRetentionDays,
    metrics,
    logger,
    now,
  });
  // Admin actions into the tenant API's audit trail; a lost report is logged and counted, and
  // never fails the admin's request.
  const audit = config.audit ? createIssuerAuditReporter(config.audit, metrics, logger) : undefined;
  const app = createKycApp({
    auth,
    sessions,
    projects,
    settings,
    registry,
    limits: options.limits,
    metrics,
    logger,
    dappOrigin: kyc.dappOrigin,
    now,
    audit,
  });
  return { app, registry, projects, sessions, watcher, cleanup, auth, audit, providerStates };
}

export type { AttestationLedger, SignedAttestation } from "./ledger/attestation-ledger.js";
export { type IssuerResources, openIssuerResources } from "./resources.js";
