/**
 * KYC provider configuration, for protocol operators: the providers the issuer runs, each with
 * its pause state, its circuit and its sessions (last 24 h, open now), and a protocol-wide pause
 * or resume of one (an outage, a breach at the provider, a contract ending) without a redeploy.
 * The issuer holds the providers and their states (issuer/src/kyc/provider-states.ts): both
 * routes ask its internal operator routes through the one client (issuerOperatorClient.ts).
 * A paused provider takes no new sessions; sessions already there carry on.
 *
 * Audited as `operator.provider.read`, `operator.provider.pause` and `operator.provider.resume`
 * (with the operator's reason); refusals too.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { writeAudit } from "../../../db/audit.js";
import { ApiError, errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { askIssuer, issuerOrFail, issuerUnavailable } from "./issuerOperatorClient.js";
import type { RequireOperator } from "./operatorSubjects.js";

const TAG = ["Operators"];
const security = [{ session: [] }];

const ProviderNameParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, "must be a provider name (lowercase letters, digits and -)")
    .openapi({ param: { name: "name", in: "path" }, example: "sumsub" }),
});

const ProviderStateBody = z
  .strictObject({
    paused: z.boolean().openapi({ description: "true: no new sessions start at this provider" }),
    reason: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200, "at most 200 characters")
      .regex(/^[^\p{Cc}]*$/u, "no control characters")
      .openapi({ description: "A short note for the other operators and the audit trail; never personal data" }),
  })
  .openapi("ProviderStateChange");

const stateFields = {
  name: z.string(),
  paused: z.boolean(),
  reason: z
    .string()
    .nullable()
    .openapi({ description: "The operators' note for the last change; null: never changed" }),
  changedBy: z.string().nullable().openapi({ description: "The operator who made the last change" }),
  changedAt: z.string().nullable().openapi({ format: "date-time" }),
};

const KycProvider = z
  .object({
    ...stateFields,
    circuit: z
      .enum(["closed", "half_open", "open"])
      .openapi({ description: "The issuer's circuit breaker for this provider (open: failing, skipped)" }),
    sessionsStarted24h: z.number().int().openapi({ description: "Sessions created in the last 24 h now at it" }),
    openSessions: z.number().int().openapi({ description: "Its sessions not yet attested, ended or expired" }),
  })
  .openapi("KycProvider");

const ProviderList = z.object({ data: z.array(KycProvider) }).openapi("KycProviderList");

const ProviderStateResult = z
  .object({
    ...stateFields,
    changed: z.boolean().openapi({ description: "false: it already was in this state (nothing was changed)" }),
  })
  .openapi("KycProviderState");

export function registerOperatorProviderRoutes(app: ApiApp, kit: ApiKit, requireOperator: RequireOperator): void {
  const { deps } = kit;

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/operator/providers",
      tags: TAG,
      summary: "The KYC providers the issuer runs, with their pause state and sessions (operators only)",
      description:
        "Asked of the issuer. Each configured provider: paused or not (with the operators' reason, who and when), its circuit breaker, sessions started in the last 24 h and open now. Audited as `operator.provider.read`.",
      security,
      middleware: [kit.requireSession],
      // No parameters: an unknown one is a 400, not silently ignored.
      request: { query: z.strictObject({}) },
      responses: {
        200: { description: "The providers", content: { "application/json": { schema: ProviderList } } },
        ...errorResponses(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const operator = await requireOperator(c, "operator.provider.read");
      const audit = (result: "ok" | "failed", detail: Record<string, unknown>) =>
        writeAudit(deps.store, {
          actor: operator,
          action: "operator.provider.read",
          result,
          detail,
          requestId: c.get("requestId"),
        });
      const issuer = await issuerOrFail(deps.config.issuerOperator, (d) => audit("failed", d), "provider requests");
      const answer = await askIssuer(issuer, "GET", "/v1/internal/operator/providers");
      // Only what the issuer's answer is documented to hold is passed on.
      const list = answer.ok ? ProviderList.safeParse(answer.body) : undefined;
      if (!list?.success) {
        await audit("failed", { reason: answer.ok ? "issuer_bad_response" : answer.reason });
        throw issuerUnavailable("The issuer did not answer with its providers; try again");
      }
      await audit("ok", { providers: list.data.data.length });
      return c.json(list.data, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/operator/providers/{name}",
      tags: TAG,
      summary: "Pause or resume a KYC provider protocol-wide (operators only)",
      description:
        "A paused provider takes no new sessions: a start falls back to the project's next allowed provider, and with none left the person gets the ordinary 503 `no_provider_available` (never the reason). Sessions already at it carry on. Every replica of the issuer applies it within seconds. Idempotent: the same state again answers `changed: false`. Audited as `operator.provider.pause` or `operator.provider.resume` with the reason.",
      security,
      middleware: [kit.requireSession],
      request: {
        params: ProviderNameParams,
        body: { required: true, content: { "application/json": { schema: ProviderStateBody } } },
      },
      responses: {
        200: { description: "The provider's state", content: { "application/json": { schema: ProviderStateResult } } },
        ...errorResponses(400, 401, 403, 404, 429, 503),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const body = c.req.valid("json");
      const action = body.paused ? "operator.provider.pause" : "operator.provider.resume";
      const operator = await requireOperator(c, action, name);
      const audit = (result: "ok" | "failed", detail: Record<string, unknown>) =>
        writeAudit(deps.store, {
          actor: operator,
          action,
          target: name,
          result,
          detail: { reason: body.reason, ...detail },
          requestId: c.get("requestId"),
        });
      const issuer = await issuerOrFail(
        deps.config.issuerOperator,
        (d) => audit("failed", { failure: d.reason }),
        "provider requests",
      );
      // The name is checked above (lowercase letters, digits, -), so the path is safe.
      const answer = await askIssuer(issuer, "PUT", `/v1/internal/operator/providers/${name}`, {
        ...body,
        changedBy: operator,
      });
      if (!answer.ok && answer.status === 404 && answer.code === "provider_not_found") {
        await audit("failed", { failure: answer.reason });
        throw new ApiError(404, "provider_not_found", "The issuer runs no provider by this name");
      }
      const state = answer.ok ? ProviderStateResult.safeParse(answer.body) : undefined;
      if (!state?.success) {
        await audit("failed", { failure: answer.ok ? "issuer_bad_response" : answer.reason });
        throw issuerUnavailable("The issuer did not take the provider change; try again");
      }
      await audit("ok", { changed: state.data.changed });
      return c.json(state.data, 200);
    },
  );
}
