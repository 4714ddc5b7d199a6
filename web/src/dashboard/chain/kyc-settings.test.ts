import { describe, expect, it } from "vitest";
import { IssuerClient, IssuerError, NetworkError } from "../../clients/issuer/issuer-client.js";
import { issuerSettingsError } from "../errors.js";
import {
  checkNote,
  draftProblems,
  issuerSignGate,
  levelFor,
  levelSentence,
  moveProvider,
  orderWords,
  sameSettings,
  settingsBody,
  toggleCheck,
} from "./kyc-settings.js";

const admin = "0x1111111111111111111111111111111111111111";
const other = "0x2222222222222222222222222222222222222222";

describe("the provider order", () => {
  it("moves a provider up or down by one, and leaves the list alone at its ends", () => {
    const list = ["sandbox", "sandbox-b", "persona"];
    expect(moveProvider(list, 1, -1)).toEqual(["sandbox-b", "sandbox", "persona"]);
    expect(moveProvider(list, 1, 1)).toEqual(["sandbox", "persona", "sandbox-b"]);
    expect(moveProvider(list, 0, -1)).toEqual(list);
    expect(moveProvider(list, 2, 1)).toEqual(list);
    expect(moveProvider(list, 7, -1)).toEqual(list);
    // A new array: the saved state it came from is never changed.
    expect(list).toEqual(["sandbox", "sandbox-b", "persona"]);
    expect(orderWords(["sandbox-b", "sandbox"])).toBe("sandbox-b, then sandbox");
  });
});

describe("the level the checks earn (issuer/src/kyc/policy.ts)", () => {
  it("is the highest level whose checks are all ticked", () => {
    expect(levelFor([])).toBe(0);
    expect(levelFor(["liveness", "sanctions", "pep"])).toBe(0);
    expect(levelFor(["document"])).toBe(1);
    expect(levelFor(["document", "sanctions"])).toBe(1);
    expect(levelFor(["liveness", "document"])).toBe(2);
    expect(levelFor(["document", "liveness", "sanctions"])).toBe(2);
    expect(levelFor(["pep", "sanctions", "liveness", "document"])).toBe(3);
  });

  it("states the level against the project's required one, and what is missing when it falls short", () => {
    expect(levelSentence(["document", "liveness"], 2)).toEqual({
      ok: true,
      text: "These checks earn level 2; the project requires level 2.",
    });
    const short = levelSentence(["document", "sanctions"], 2);
    expect(short.ok).toBe(false);
    expect(short.text).toMatch(/earn level 1, below the level 2 the project requires\. Tick liveness/);
    expect(levelSentence(["liveness"], 0)).toMatchObject({ ok: false });
    expect(levelSentence(["liveness"], 0).text).toMatch(/no level \(a document is always needed\)/);
    expect(levelSentence(["document", "liveness", "sanctions", "pep"], 4)).toMatchObject({ ok: false });
    expect(levelSentence([], 4).text).toMatch(/attests at most level 3/);
  });

  it("explains each check instead of disabling it: unticking a needed one says what it would cost", () => {
    const checks = toggleCheck(["document"], "liveness", true);
    expect(checks).toEqual(["document", "liveness"]);
    expect(checkNote(checks, "liveness", 2)).toBe(
      "Needed: without it these checks earn level 1, below the required level 2.",
    );
    expect(checkNote(checks, "document", 2)).toMatch(/earn no level, below the required level 2/);
    expect(checkNote(checks, "liveness", 1)).toBe("Unticking it lowers the level to 1.");
    expect(checkNote(checks, "sanctions", 2)).toBe("Ticking it adds the check without raising the level.");
    expect(checkNote(["document", "liveness", "sanctions"], "pep", 2)).toBe("Ticking it raises the level to 3.");
    expect(checkNote(["document", "liveness", "sanctions"], "sanctions", 2)).toMatch(/Not needed/);
  });

  it("refuses to send a draft the issuer would refuse", () => {
    expect(draftProblems({ providers: ["sandbox"], checks: ["document", "liveness"] }, 2)).toEqual({});
    expect(draftProblems({ providers: ["sandbox"], checks: ["document"] }, 2).checks).toMatch(/below the level 2/);
    expect(draftProblems({ providers: [], checks: ["document"] }, 1).providers).toMatch(/no provider/);
  });
});

describe("the request", () => {
  it("sends the order as given and the checks once each, in the issuer's order", () => {
    const draft = {
      providers: ["sandbox-b", "sandbox", "sandbox-b"],
      checks: toggleCheck(toggleCheck(["liveness", "document"], "pep", true), "sanctions", true),
    };
    expect(settingsBody(draft)).toEqual({
      providers: ["sandbox-b", "sandbox"],
      checks: ["document", "liveness", "sanctions", "pep"],
    });
    expect(
      sameSettings(draft, {
        providers: ["sandbox-b", "sandbox"],
        checks: ["pep", "sanctions", "liveness", "document"],
      }),
    ).toBe(true);
    expect(sameSettings(draft, { providers: ["sandbox", "sandbox-b"], checks: draft.checks })).toBe(false);
  });

  it("PUTs it to the issuer with the issuer token in the header, never in the URL", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: URL | RequestInfo, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      return Response.json({
        projectId: "7",
        slug: "demo",
        status: "active",
        requiredLevel: 2,
        providers: ["sandbox-b", "sandbox"],
        checks: ["document", "liveness", "sanctions"],
      });
    }) as typeof fetch;
    const body = settingsBody({ providers: ["sandbox-b", "sandbox"], checks: ["document", "liveness", "sanctions"] });
    const answer = await new IssuerClient("http://issuer.test/", fetcher).setKycSettings("oki_secret", "7", body);
    expect(answer.providers).toEqual(["sandbox-b", "sandbox"]);
    const [call] = calls as [{ url: string; init: RequestInit }];
    expect(call.url).toBe("http://issuer.test/v1/projects/7/kyc-settings");
    expect(call.init.method).toBe("PUT");
    expect((call.init.headers as Record<string, string>).authorization).toBe("Bearer oki_secret");
    expect(JSON.parse(call.init.body as string)).toEqual(body);
  });
});

describe("who may save, and what a failure says next", () => {
  it("needs the wallet of the signed-in account to sign in to the issuer", () => {
    expect(issuerSignGate(admin, admin)).toEqual({ allowed: true });
    expect(issuerSignGate(admin, admin.toUpperCase().replace("0X", "0x") as `0x${string}`)).toEqual({ allowed: true });
    expect(issuerSignGate(admin, undefined)).toMatchObject({ allowed: false, reason: /Connect the wallet/ });
    expect(issuerSignGate(admin, other)).toMatchObject({ allowed: false, reason: /switch back/ });
  });

  it("maps the issuer's refusals to their entries, with the issuer's sentence where it helps", () => {
    const refusal = (status: number, code: string, message = "m", field?: string) =>
      issuerSettingsError(new IssuerError(status, code, message, field));
    expect(refusal(403, "not_project_admin")).toMatchObject({ code: "not_project_admin", actions: ["retry"] });
    expect(refusal(400, "invalid_request", "these checks earn level 1", "checks")).toMatchObject({
      code: "settings_checks_refused",
      detail: "these checks earn level 1",
    });
    expect(refusal(400, "invalid_request", "none of these providers", "providers")).toMatchObject({
      code: "settings_providers_refused",
      detail: "none of these providers",
    });
    expect(refusal(400, "invalid_request", "body: bad", "body")).toMatchObject({
      code: "invalid_request",
      detail: "body: bad",
    });
    expect(refusal(401, "token_invalid")).toMatchObject({ code: "issuer_session_ended", actions: ["retry"] });
    expect(refusal(401, "siwe_signature_invalid")).toMatchObject({ code: "issuer_sign_in_refused" });
    expect(refusal(401, "siwe_domain_mismatch")).toMatchObject({ code: "issuer_wrong_place", actions: ["home"] });
    expect(refusal(400, "domain_mismatch")).toMatchObject({ code: "issuer_wrong_place" });
    expect(refusal(404, "project_not_found")).toMatchObject({ code: "issuer_project_unknown" });
    expect(refusal(429, "rate_limited")).toMatchObject({ code: "rate_limited" });
    expect(refusal(503, "unavailable")).toMatchObject({ code: "issuer_unavailable" });
    expect(issuerSettingsError(new NetworkError("issuer", "down"))).toMatchObject({ code: "issuer_unreachable" });
    expect(issuerSettingsError(Object.assign(new Error("no"), { code: 4001 }))).toMatchObject({
      code: "wallet_declined",
    });
  });
});
