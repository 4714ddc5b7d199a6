import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createPublicClient, http, type LocalAccount, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { IssuerConfig } from "./config.js";
import type { AttestationLedger } from "./ledger/attestation-ledger.js";
import { createLogger, type Logger, loggableError } from "./logger.js";
import { createSponsorshipService, InvalidParams, type SponsorshipService } from "./sponsorship/erc7677.js";
import { SponsorshipRefused } from "./sponsorship/policy.js";
import type { SponsorshipLimits } from "./sponsorship/rate-limits.js";

/** JSON-RPC 2.0 error codes: the standard ones, and one for a policy refusal. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
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

export interface IssuerApp {
  app: Hono;
  signer: LocalAccount;
}

/** The issuer HTTP app: ERC-7677 JSON-RPC at POST / (and /rpc), health at GET /health. */
export function createIssuerApp(
  config: IssuerConfig,
  options: {
    ledger: AttestationLedger;
    limits: SponsorshipLimits;
    client?: PublicClient;
    logger?: Logger;
    now?: () => number;
  },
): IssuerApp {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const client = options.client ?? (createPublicClient({ transport: http(config.RPC_URL) }) as PublicClient);
  const signer = privateKeyToAccount(config.SPONSOR_SIGNER_PRIVATE_KEY);
  const service: SponsorshipService = createSponsorshipService({
    config,
    client,
    signer,
    ledger: options.ledger,
    limits: options.limits,
    now: options.now,
  });
  const methods: Record<string, (params: unknown) => Promise<unknown>> = {
    pm_getPaymasterStubData: (p) => service.getPaymasterStubData(p),
    pm_getPaymasterData: (p) => service.getPaymasterData(p),
  };

  const app = new Hono();
  app.get("/health", (c) => c.json({ ok: true, signer: signer.address, chainId: config.CHAIN_ID }));

  app.use(
    "*",
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
      return c.json(rpcError(id, INVALID_REQUEST, "Expected a JSON-RPC 2.0 request with a method"), 400);
    }
    const method = methods[request.method];
    if (!method) return c.json(rpcError(id, METHOD_NOT_FOUND, `Method ${request.method} is not supported`));
    const started = Date.now();
    try {
      const result = await method(request.params);
      logger.info({ method: request.method, ms: Date.now() - started }, "sponsorship served");
      return c.json({ jsonrpc: "2.0", id, result });
    } catch (error) {
      if (error instanceof InvalidParams) return c.json(rpcError(id, INVALID_PARAMS, error.message), 400);
      if (error instanceof SponsorshipRefused) {
        logger.info({ method: request.method, reason: error.reason }, "sponsorship refused");
        // HTTP 200: a refusal is an answer, and clients retry 4xx/5xx statuses such as 429.
        return c.json(
          rpcError(id, SPONSORSHIP_REFUSED, error.message, { reason: error.reason, message: error.message }),
        );
      }
      // Never the raw message: viem's errors carry the RPC URL, and API keys live in RPC URLs.
      logger.error({ method: request.method, err: loggableError(error) }, "sponsorship failed");
      return c.json(rpcError(id, INTERNAL_ERROR, "Internal error; try again"), 500);
    }
  };
  app.post("/", handle);
  app.post("/rpc", handle);
  return { app, signer };
}

export type { AttestationLedger, SignedAttestation } from "./ledger/attestation-ledger.js";
export { type IssuerResources, openIssuerResources } from "./resources.js";
