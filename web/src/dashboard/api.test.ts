import { describe, expect, it } from "vitest";
import { NetworkError } from "../clients/issuer/issuer-client.js";
import { DashboardApi, DashboardApiError } from "./api.js";
import { dashboardError } from "./errors.js";

function recordingFetch(response: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: URL | RequestInfo, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return response();
  }) as typeof fetch;
  return { calls, fetcher };
}

describe("the dashboard's API client", () => {
  it("sends the session token in the Authorization header, never in the URL", async () => {
    const { calls, fetcher } = recordingFetch(() => Response.json({ data: [], nextCursor: null }));
    const api = new DashboardApi("http://api.test", undefined, fetcher).withToken("oks_secret");
    await api.auditLog("7", { limit: 100, cursor: "abc" });
    expect(calls).toHaveLength(1);
    const [call] = calls as [{ url: string; init: RequestInit }];
    expect(call.url).toBe("http://api.test/v1/admin/projects/7/audit-log?limit=100&cursor=abc");
    expect(call.url).not.toContain("oks_secret");
    expect((call.init.headers as Record<string, string>).authorization).toBe("Bearer oks_secret");
  });

  it("turns the API's error body into a DashboardApiError, and the error table into a way forward", async () => {
    const { fetcher } = recordingFetch(() =>
      Response.json(
        { error: { code: "not_project_admin", message: "This address does not administer the project" } },
        { status: 403 },
      ),
    );
    const failure = await new DashboardApi("http://api.test", "oks_x", fetcher).apiKeys("2").catch((e) => e);
    expect(failure).toBeInstanceOf(DashboardApiError);
    expect(failure).toMatchObject({ status: 403, code: "not_project_admin" });
    expect(dashboardError(failure)).toMatchObject({ code: "not_project_admin", actions: ["retry"] });
  });

  it("maps refusals to their entries: an ended session asks to sign in, a bad field shows the API's words", () => {
    expect(dashboardError(new DashboardApiError(401, "session_invalid", "Session unknown"))).toMatchObject({
      code: "session_ended",
      actions: ["signIn"],
    });
    expect(dashboardError(new DashboardApiError(401, "siwe_signature_invalid", "no"))).toMatchObject({
      code: "sign_in_refused",
    });
    expect(dashboardError(new DashboardApiError(401, "siwe_domain_mismatch", "no")).code).toBe("sign_in_wrong_place");
    expect(dashboardError(new DashboardApiError(400, "invalid_request", "url: must be https", "url"))).toMatchObject({
      code: "invalid_request",
      detail: "url: must be https",
    });
    expect(dashboardError(new DashboardApiError(503, "webhooks_unavailable", "off")).code).toBe("webhooks_unavailable");
    expect(dashboardError(new DashboardApiError(502, "internal", "x")).code).toBe("api_unavailable");
    expect(dashboardError(new DashboardApiError(409, "idempotency_request_in_progress", "running"))).toMatchObject({
      code: "idempotency_request_in_progress",
      actions: ["retry"],
    });
  });

  it("fetches a statement file with the token in the header and the format in Accept, and refuses like the rest", async () => {
    const { calls, fetcher } = recordingFetch(
      () => new Response("organization,month\n1,2026-11\n", { headers: { "content-type": "text/csv" } }),
    );
    const api = new DashboardApi("http://api.test", "oks_secret", fetcher);
    const file = await api.statementFile("1", "2026-11", "csv");
    expect(await file.text()).toBe("organization,month\n1,2026-11\n");
    const [call] = calls as [{ url: string; init: RequestInit }];
    expect(call.url).toBe("http://api.test/v1/admin/organizations/1/statements/2026-11");
    expect(call.url).not.toContain("oks_secret");
    expect(call.init.headers).toMatchObject({ authorization: "Bearer oks_secret", accept: "text/csv" });

    const refused = recordingFetch(() =>
      Response.json({ error: { code: "not_organization_admin", message: "not an admin" } }, { status: 403 }),
    );
    const failure = await new DashboardApi("http://api.test", "oks_x", refused.fetcher)
      .statementFile("1", "2026-11", "json")
      .catch((e) => e);
    expect(failure).toMatchObject({ status: 403, code: "not_organization_admin" });
    expect(dashboardError(failure)).toMatchObject({ code: "not_organization_admin", actions: ["retry"] });
  });

  it("reports an unreachable API as such, not as a refusal", async () => {
    const fetcher = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const failure = await new DashboardApi("http://api.test", undefined, fetcher).nonce().catch((e) => e);
    expect(failure).toBeInstanceOf(NetworkError);
    expect(dashboardError(failure).code).toBe("api_unreachable");
  });

  it("resends a signed-in write once after a dropped connection, with the same Idempotency-Key", async () => {
    const sent: (string | undefined)[] = [];
    let drops = 1;
    const fetcher = (async (_url: URL | RequestInfo, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get("idempotency-key") ?? undefined);
      if (drops-- > 0) throw new TypeError("fetch failed");
      return Response.json({ key: "okk_once", apiKey: {} }, { status: 201 });
    }) as typeof fetch;
    const api = new DashboardApi("http://api.test", "oks_x", fetcher);
    const created = await api.createApiKey("7", { name: "ci", scopes: ["read"] });
    expect(created.key).toBe("okk_once");
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toBe(sent[0]);
    // The next write is a new request with a key of its own; reads carry none.
    await api.createApiKey("7", { name: "ci-2", scopes: ["read"] });
    expect(sent[2]).not.toBe(sent[0]);
    const { calls, fetcher: reads } = recordingFetch(() => Response.json({ data: [] }));
    await new DashboardApi("http://api.test", "oks_x", reads).apiKeys("7");
    expect(new Headers(calls[0]?.init.headers).get("idempotency-key")).toBeNull();
  });
});
