/**
 * The operators' internal route: the tenant API's operator routes (indexer/src/api/routes/
 * operatorSubjects.ts) ask the issuer, which holds the provider credentials, to delete a subject's
 * applicants at the KYC providers now (a data-subject request received out of band).
 *
 * Nothing is deleted here: each applicant the subject's sessions still reference is queued in
 * provider_deletions and its reference removed from the session, exactly as an on-chain erasure
 * does (chain-watcher.ts), so the cleanup job (cleanup.ts) sends the deletions with its retries
 * and lease. Open sessions end as expired (they cannot go on without their applicant). A repeat
 * finds no reference left and schedules nothing.
 *
 * The provider routes list the configured providers with their operators' state and pause or
 * resume one protocol-wide (provider-states.ts); a paused provider takes no new sessions.
 *
 * Service to service: every route sits behind one middleware; the caller presents
 * ONEKEY_ISSUER_OPERATOR_TOKEN, compared as digests in constant time; a wrong token is refused and
 * refusals are limited per client (only refusals are counted, so a caller with the right token is
 * never refused for others' attempts).
 */
import { Hono } from "hono";
import { type Kysely, sql } from "kysely";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { bearerTokenCheck } from "../http/bearer.js";
import { ApiError, errorResponse } from "../http/errors.js";
import type { IssuerDatabase, ProviderStatesTable } from "../ledger/types.js";
import type { Logger } from "../logger.js";
import type { ProviderStates } from "./provider-states.js";
import type { ProviderRegistry } from "./providers/registry.js";
import { EXPIRABLE } from "./sessions/model.js";
import { queueApplicantDeletion, stepJson } from "./sessions/store.js";

/** Why these deletions were queued (provider_deletions.reason) and the step an open session ends with. */
export const SUBJECT_REQUEST = "subject_request";

export interface OperatorRouteDeps {
  db: Kysely<IssuerDatabase>;
  /** Absent: the route answers 503 operator_token_not_configured. */
  token?: string;
  logger: Logger;
  now: () => Date;
  /** Refused attempts per client a minute (default 10). */
  refusalsPerMinute?: number;
  /** The configured providers and their operators' states; absent, there are no provider routes. */
  providers?: { registry: ProviderRegistry; states: ProviderStates };
}

const DAY_MS = 86_400_000;

/** What an operator may set; the reason is a short note for the other operators, never personal data. */
const ProviderStateBody = z.strictObject({
  paused: z.boolean(),
  reason: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(200, "at most 200 characters")
    .regex(/^[^\p{Cc}]*$/u, "no control characters"),
  changedBy: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address (0x and 40 hex digits)"),
});

const stateView = (name: string, state: ProviderStatesTable | undefined) => ({
  name,
  paused: state?.paused ?? false,
  reason: state?.reason ?? null,
  changedBy: state?.changed_by ?? null,
  changedAt: state ? new Date(state.changed_at).toISOString() : null,
});

export function createOperatorRoutes(deps: OperatorRouteDeps): Hono {
  const expected = deps.token ? bearerTokenCheck(deps.token) : undefined;
  // Per process: a refused token is a misconfiguration or a probe, and neither needs a shared count.
  const refusals = new RateLimiterMemory({ points: deps.refusalsPerMinute ?? 10, duration: 60 });
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    throw error;
  });

  app.use("/v1/internal/operator/*", async (c, next) => {
    if (!expected) {
      throw new ApiError(503, "operator_token_not_configured", "This issuer takes no operator requests (no token)");
    }
    if (!expected(c.req.header("authorization"))) {
      const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
      try {
        await refusals.consume(incoming?.socket?.remoteAddress ?? "unknown");
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new ApiError(
          429,
          "rate_limited",
          `Too many refused operator requests; retry in ${retryAfter} s`,
          undefined,
          {
            "Retry-After": String(retryAfter),
          },
        );
      }
      throw new ApiError(401, "operator_token_invalid", "Send the operator token: Authorization: Bearer <token>");
    }
    await next();
  });

  app.post("/v1/internal/operator/subjects/:address/provider-deletion", async (c) => {
    const address = c.req.param("address");
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new ApiError(400, "invalid_request", "address: must be an address (0x and 40 hex digits)", "address");
    }
    const subject = address.toLowerCase();
    const now = deps.now();
    const scheduled = await deps.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("kyc_sessions")
        .select(["id", "provider", "provider_applicant_id", "status"])
        .where("subject", "=", subject)
        .where("provider_applicant_id", "is not", null)
        .forUpdate()
        .execute();
      let count = 0;
      for (const row of rows) {
        if (row.provider && row.provider_applicant_id) {
          await queueApplicantDeletion(trx, row.provider, row.provider_applicant_id, SUBJECT_REQUEST, now);
          count++;
        }
        const open = (EXPIRABLE as readonly string[]).includes(row.status);
        await trx
          .updateTable("kyc_sessions")
          .set({
            provider_applicant_id: null,
            launch: null,
            updated_at: now,
            ...(open
              ? {
                  status: "expired" as const,
                  steps: sql`steps || ${stepJson({ step: "expired", reason: SUBJECT_REQUEST }, now)}::jsonb`,
                }
              : {}),
          })
          .where("id", "=", row.id)
          .execute();
      }
      return count;
    });
    // Counts only: the subject's address is personal data and stays out of the log.
    deps.logger.info({ scheduled }, "operator request: provider applicants queued for deletion");
    return c.json({ scheduled }, 200);
  });

  // Without the session workflow there are no providers to list or pause: the routes do not exist.
  if (deps.providers) registerProviderRoutes(app, deps, deps.providers);
  return app;
}

function registerProviderRoutes(
  app: Hono,
  deps: OperatorRouteDeps,
  { registry, states }: { registry: ProviderRegistry; states: ProviderStates },
): void {
  app.get("/v1/internal/operator/providers", async (c) => {
    const since = new Date(deps.now().getTime() - DAY_MS);
    const [stored, started, open] = await Promise.all([
      states.list(),
      deps.db
        .selectFrom("kyc_sessions")
        .select(["provider", (eb) => eb.fn.countAll<string>().as("n")])
        .where("provider", "is not", null)
        .where("created_at", ">=", since)
        .groupBy("provider")
        .execute(),
      deps.db
        .selectFrom("kyc_sessions")
        .select(["provider", (eb) => eb.fn.countAll<string>().as("n")])
        .where("provider", "is not", null)
        .where("status", "in", [...EXPIRABLE])
        .groupBy("provider")
        .execute(),
    ]);
    const count = (rows: { provider: string | null; n: string }[], name: string) =>
      Number(rows.find((r) => r.provider === name)?.n ?? 0);
    return c.json(
      {
        data: registry.names.map((name) => ({
          ...stateView(
            name,
            stored.find((s) => s.provider === name),
          ),
          circuit: registry.state(name),
          // Sessions created in the last 24 h that reached this provider (their current one).
          sessionsStarted24h: count(started, name),
          openSessions: count(open, name),
        })),
      },
      200,
    );
  });

  app.put("/v1/internal/operator/providers/:name", async (c) => {
    const name = c.req.param("name");
    // Only a configured name reaches the database; anything else is a 404 that changes nothing.
    if (!(registry.names as readonly string[]).includes(name)) {
      throw new ApiError(404, "provider_not_found", "No such provider is configured on this issuer");
    }
    const parsed = ProviderStateBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "body";
      throw new ApiError(400, "invalid_request", `${field}: ${issue?.message ?? "must be a JSON object"}`, field);
    }
    const { state, changed } = await states.set(name, parsed.data);
    // The operator's note may name the provider's incident; it is not logged, only the change.
    deps.logger.info({ provider: name, paused: state.paused, changed }, "operator request: provider state set");
    return c.json({ ...stateView(name, state), changed }, 200);
  });
}
