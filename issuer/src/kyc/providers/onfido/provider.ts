import { type ProviderDeps, resolveDeps } from "../common/deps.js";
import { type ProviderRequest, readBody, sendProviderRequest } from "../common/http.js";
import {
  type BrowserLaunch,
  type Decision,
  type KycProvider,
  ProviderError,
  type ProviderEvent,
  type ProviderWebhookRequest,
  type StartApplicantInput,
} from "../provider.js";
import type { OnfidoConfig } from "./config.js";
import { normalizeOnfidoDecision } from "./normalize.js";
import { onfidoApplicant, onfidoChecks, onfidoReports, onfidoWorkflowRun } from "./schemas.js";
import { verifyOnfidoWebhook } from "./webhook.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** workflow_run_link.language (schemas/workflow_runs/definitions.yaml). */
const LINK_LANGUAGES = ["en_US", "de_DE", "es_ES", "fr_FR", "it_IT", "pt_PT", "nl_NL"];

/**
 * The applicant's names are required by POST /applicants, but the issuer holds no personal data
 * before the flow: these placeholders stand in, and the workflow's own data-capture step fills
 * in the real ones (see ../real-providers.md, Onfido).
 */
export const ONFIDO_PLACEHOLDER_NAME = { first_name: "OneKey", last_name: "Applicant" } as const;

/**
 * Onfido behind the KycProvider interface, built to Onfido's OpenAPI specification v3.6. Requests
 * carry `Authorization: Token token=<API token>`. Each session is an applicant plus a Studio
 * workflow run; our applicantId is the workflow run's id (what webhooks name). The person runs the
 * workflow from its hosted link; the decision and the reports are fetched server-side.
 */
export function createOnfidoProvider(config: OnfidoConfig, deps: ProviderDeps = {}): KycProvider {
  const { fetch, now } = resolveDeps(deps);
  const prefix = `/${config.apiVersion}`;

  function call(
    method: ProviderRequest["method"],
    path: string,
    route: string,
    signal: AbortSignal,
    options: { body?: unknown; json?: boolean } = {},
  ) {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Token token=${config.apiToken}`,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const request = { method, path: `${prefix}${path}`, route: `${prefix}${route}`, headers, body };
    return sendProviderRequest("onfido", fetch, config.baseUrl, request, signal, { json: options.json });
  }

  const runPath = (runId: string) => {
    if (!UUID.test(runId)) throw new ProviderError("onfido", "rejected_request", "onfido: malformed workflow run id");
    return `/workflow_runs/${runId}`;
  };

  const readRun = async (runId: string, signal: AbortSignal) => {
    const route = "/workflow_runs/:id";
    return readBody("onfido", route, onfidoWorkflowRun, (await call("GET", runPath(runId), route, signal)).json);
  };

  return {
    name: "onfido",
    supports: config.checks,

    // POST /applicants (placeholder names, nothing personal), then POST /workflow_runs with our
    // session id as customer_user_id and the hosted link's redirect and expiry. If the run cannot
    // be created, the applicant is deleted again (best effort, in the background).
    async createApplicant(input: StartApplicantInput, signal: AbortSignal) {
      const applicant = readBody(
        "onfido",
        "/applicants",
        onfidoApplicant,
        (await call("POST", "/applicants", "/applicants", signal, { body: ONFIDO_PLACEHOLDER_NAME })).json,
      );
      if (!UUID.test(applicant.id)) throw new ProviderError("onfido", "bad_response", "onfido: malformed applicant id");
      const link: Record<string, string> = {
        expires_at: new Date((now() + config.linkTtlSeconds) * 1000).toISOString(),
      };
      if (input.returnUrl) link.completed_redirect_url = input.returnUrl;
      const lang = input.locale?.slice(0, 2).toLowerCase();
      const language = lang && LINK_LANGUAGES.find((l) => l.startsWith(`${lang}_`));
      if (language) link.language = language;
      try {
        const response = await call("POST", "/workflow_runs", "/workflow_runs", signal, {
          body: {
            workflow_id: config.workflowId,
            applicant_id: applicant.id,
            customer_user_id: input.sessionId,
            link,
          },
        });
        return { applicantId: readBody("onfido", "/workflow_runs", onfidoWorkflowRun, response.json).id };
      } catch (error) {
        // Not awaited: a failing provider must not delay the caller's failover.
        void call("DELETE", `/applicants/${applicant.id}`, "/applicants/:id", AbortSignal.timeout(5_000), {
          json: false,
        }).catch(() => {});
        throw error;
      }
    },

    // GET /workflow_runs/{workflow_run_id}: the run's hosted link (link.url), usable without an SDK.
    async launch(applicantId: string, _input: StartApplicantInput, signal: AbortSignal): Promise<BrowserLaunch> {
      const run = await readRun(applicantId, signal);
      const url = run.link?.url;
      if (!url || !URL.canParse(url) || new URL(url).protocol !== "https:") {
        throw new ProviderError("onfido", "bad_response", "onfido: workflow run without an https link");
      }
      const linkExpiry = run.link?.expires_at ? Date.parse(run.link.expires_at) : Number.NaN;
      return {
        kind: "hosted-url",
        provider: "onfido",
        url,
        expiresAt: Number.isNaN(linkExpiry) ? now() + config.linkTtlSeconds : Math.floor(linkExpiry / 1000),
      };
    },

    verifyWebhook(request: ProviderWebhookRequest): ProviderEvent {
      return verifyOnfidoWebhook(request, config.webhookToken);
    },

    // GET /workflow_runs/{id}; once decided, GET /checks?applicant_id=... and the latest check's
    // GET /reports?check_id=... for the per-report results and the extracted document data.
    async fetchDecision(applicantId: string, signal: AbortSignal): Promise<Decision> {
      const run = await readRun(applicantId, signal);
      const first = normalizeOnfidoDecision(run, []);
      if (first.state === "pending") return first;
      if (!UUID.test(run.applicant_id))
        throw new ProviderError("onfido", "bad_response", "onfido: malformed applicant id");
      const checksRoute = "/checks?applicant_id=:id";
      const checks = readBody(
        "onfido",
        checksRoute,
        onfidoChecks,
        (await call("GET", `/checks?applicant_id=${run.applicant_id}`, checksRoute, signal)).json,
      ).checks;
      const latest = [...checks].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""))[0];
      if (!latest) return first;
      if (!UUID.test(latest.id)) throw new ProviderError("onfido", "bad_response", "onfido: malformed check id");
      const reportsRoute = "/reports?check_id=:id";
      const { reports } = readBody(
        "onfido",
        reportsRoute,
        onfidoReports,
        (await call("GET", `/reports?check_id=${latest.id}`, reportsRoute, signal)).json,
      );
      return normalizeOnfidoDecision(run, reports);
    },

    // DELETE /applicants/{applicant_id} (204): Onfido deletes the applicant and everything under it.
    async deleteApplicant(applicantId: string, signal: AbortSignal) {
      const run = await readRun(applicantId, signal);
      if (!UUID.test(run.applicant_id))
        throw new ProviderError("onfido", "bad_response", "onfido: malformed applicant id");
      await call("DELETE", `/applicants/${run.applicant_id}`, "/applicants/:id", signal, { json: false });
      return "deleted" as const;
    },

    // GET /ping: Onfido's health check of the regional API (plain text).
    async ping(signal: AbortSignal) {
      await call("GET", "/ping", "/ping", signal, { json: false });
    },
  };
}
