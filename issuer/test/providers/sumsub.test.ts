import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProviderConfigError } from "../../src/kyc/providers/common/config.js";
import { ProviderWebhookInvalid } from "../../src/kyc/providers/provider.js";
import { loadSumsubConfig, type SumsubConfig } from "../../src/kyc/providers/sumsub/config.js";
import { createSumsubProvider } from "../../src/kyc/providers/sumsub/provider.js";
import { describeErrorMapping, providerError } from "./support/error-mapping.js";
import { type FakeProvider, type RecordedRequest, startFakeProvider } from "./support/fake-provider.js";
import { fixture, fixtureText } from "./support/fixtures.js";

const NOW = 1_733_300_000;
const SECRET_KEY = "Hej2ch71kG2kTd1iIUDZFNsO5C1lh5Gq";
const APP_TOKEN = "sbx:uY0CgwELmgUAEyl4hNWxLngb.0WSeQeiYny4WEqmAALEAiK2qTC96fBad";
const WEBHOOK_SECRET = "SoMe_SeCrEt_KeY";
const SESSION = "ses_01JDZ8Q5W2M7K3";
const APPLICANT = "5b594ade0a975a36c9349e66";
/** Personal data in the fixtures: none of it may ever reach an error. */
const PERSONAL_DATA = ["KANARIE", "QUOKKASTEIN", "LGXX359T8", "1989-07-16", "Kanarienweg"];

const input = { sessionId: SESSION, subject: "0x00000000000000000000000000000000000000b1", projectId: 1n } as const;
const start = { ...input, checks: ["document", "liveness"] as const };

function config(baseUrl: string, overrides: Partial<SumsubConfig> = {}): SumsubConfig {
  return {
    ...loadSumsubConfig({
      ONEKEY_ISSUER_SUMSUB_APP_TOKEN: APP_TOKEN,
      ONEKEY_ISSUER_SUMSUB_SECRET_KEY: SECRET_KEY,
      ONEKEY_ISSUER_SUMSUB_LEVEL_NAME: "basic-kyc-level",
      ONEKEY_ISSUER_SUMSUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ONEKEY_ISSUER_SUMSUB_BASE_URL: baseUrl,
    }),
    ...overrides,
  };
}

/**
 * The documented signature, recomputed here without the adapter's code: lower-case hex
 * HMAC-SHA256 over ts + METHOD + path-with-query + body (docs.sumsub.com/reference/authentication).
 */
function expectSignedBySumsubRules(request: RecordedRequest) {
  const ts = request.headers["x-app-access-ts"];
  expect(ts).toBe(String(NOW));
  expect(request.headers["x-app-token"]).toBe(APP_TOKEN);
  const expected = createHmac("sha256", SECRET_KEY)
    .update(`${ts}${request.method}${request.url}${request.body}`)
    .digest("hex");
  expect(request.headers["x-app-access-sig"]).toBe(expected);
}

const signal = () => AbortSignal.timeout(5_000);

describe("Sumsub adapter", () => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await startFakeProvider();
  });
  afterEach(async () => {
    await fake.close();
  });
  const provider = (overrides: Partial<SumsubConfig> = {}) =>
    createSumsubProvider(config(fake.baseUrl, overrides), { now: () => NOW });

  describe("createApplicant", () => {
    it("POSTs /resources/applicants?levelName=... with our session id as externalUserId, signed", async () => {
      fake.on("POST /resources/applicants?levelName=basic-kyc-level", {
        status: 201,
        json: fixture("sumsub", "applicant-created"),
      });
      const { applicantId } = await provider().createApplicant({ ...start, locale: "de-DE" }, signal());
      expect(applicantId).toBe("66e063ed2d0c9462e92b3d14");
      const [request] = fake.requests as [RecordedRequest];
      expect(request.method).toBe("POST");
      expect(request.url).toBe("/resources/applicants?levelName=basic-kyc-level");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(request.body)).toEqual({ externalUserId: SESSION, lang: "de" });
      expectSignedBySumsubRules(request);
    });

    it("URL-encodes a level name with reserved characters, and signs the encoded path", async () => {
      fake.otherwise({ status: 201, json: fixture("sumsub", "applicant-created") });
      await provider({ levelName: "kyc level+liveness" }).createApplicant(start, signal());
      const [request] = fake.requests as [RecordedRequest];
      expect(request.url).toBe("/resources/applicants?levelName=kyc%20level%2Bliveness");
      expectSignedBySumsubRules(request);
    });

    it("reads the existing applicant back when Sumsub answers 409 (a retried create)", async () => {
      fake.on("POST /resources/applicants?levelName=basic-kyc-level", {
        status: 409,
        json: { description: `Applicant with external user id '${SESSION}' already exists`, code: 409 },
      });
      fake.on(`GET /resources/applicants/-;externalUserId=${SESSION}/one`, {
        status: 200,
        json: fixture("sumsub", "applicant-created"),
      });
      const { applicantId } = await provider().createApplicant(start, signal());
      expect(applicantId).toBe("66e063ed2d0c9462e92b3d14");
      expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        "POST /resources/applicants?levelName=basic-kyc-level",
        `GET /resources/applicants/-;externalUserId=${SESSION}/one`,
      ]);
      expect(fake.requests[1]?.body).toBe("");
      expectSignedBySumsubRules(fake.requests[1] as RecordedRequest);
    });
  });

  describe("launch", () => {
    it("gets a WebSDK access token from POST /resources/accessTokens/sdk for this applicant's externalUserId", async () => {
      fake.on("POST /resources/accessTokens/sdk", { status: 200, json: fixture("sumsub", "access-token") });
      const launch = await provider().launch(APPLICANT, start, signal());
      expect(launch).toEqual({
        kind: "sdk-token",
        provider: "sumsub",
        token: "_act-b8ebfb63-5f24-4b89-9c08-000000000000",
        expiresAt: NOW + 1800,
        sdk: { name: "@sumsub/websdk" },
      });
      const [request] = fake.requests as [RecordedRequest];
      expect(JSON.parse(request.body)).toEqual({ userId: SESSION, levelName: "basic-kyc-level", ttlInSecs: 1800 });
      expectSignedBySumsubRules(request);
      // The browser gets the token only: never our app token or secret.
      expect(JSON.stringify(launch)).not.toContain(SECRET_KEY);
      expect(JSON.stringify(launch)).not.toContain(APP_TOKEN);
    });
  });

  describe("fetchDecision", () => {
    const route = (applicant: string, steps?: string) => {
      fake.on(`GET /resources/applicants/${APPLICANT}/one`, { status: 200, json: fixture("sumsub", applicant) });
      if (steps) {
        fake.on(`GET /resources/applicants/${APPLICANT}/requiredIdDocsStatus`, {
          status: 200,
          json: fixture("sumsub", steps),
        });
      }
    };

    it("normalizes an approved (GREEN) applicant and hands over the recognized data", async () => {
      route("applicant-approved", "steps-approved");
      const decision = await provider().fetchDecision(APPLICANT, signal());
      expect(decision).toEqual({
        state: "decided",
        result: {
          outcome: "approved",
          checksPassed: ["document", "liveness"],
          documentType: "id_card",
          reasonCodes: [],
          provider: "sumsub",
          providerReference: APPLICANT,
        },
        personalData: {
          firstName: "KANARIE",
          lastName: "QUOKKASTEIN",
          dateOfBirth: "1989-07-16",
          nationality: "DEU",
          country: "DEU",
          documentNumber: "LGXX359T8",
          documentCountry: "DEU",
          documentExpiry: "2028-09-04",
          address: { street: "47 Kanarienweg", street2: "3", city: "Berlin", postalCode: "10115", country: "DEU" },
        },
      });
      expect(fake.requests.map((r) => r.url)).toEqual([
        `/resources/applicants/${APPLICANT}/one`,
        `/resources/applicants/${APPLICANT}/requiredIdDocsStatus`,
      ]);
      for (const request of fake.requests) {
        expect(request.method).toBe("GET");
        expect(request.body).toBe("");
        expectSignedBySumsubRules(request);
      }
    });

    it("counts AML screening only when the level is configured for it, and only for an approved applicant", async () => {
      route("applicant-approved", "steps-approved");
      const screened = await provider({ checks: ["document", "liveness", "sanctions", "pep"] }).fetchDecision(
        APPLICANT,
        signal(),
      );
      expect(screened.state === "decided" && screened.result.checksPassed).toEqual([
        "document",
        "liveness",
        "sanctions",
        "pep",
      ]);
      route("applicant-rejected-final", "steps-rejected-final");
      const refused = await provider({ checks: ["document", "liveness", "sanctions", "pep"] }).fetchDecision(
        APPLICANT,
        signal(),
      );
      expect(refused.state === "decided" && refused.result.checksPassed).toEqual([]);
    });

    it("normalizes a FINAL rejection (RED/FINAL) and keeps the person's data at Sumsub", async () => {
      route("applicant-rejected-final", "steps-rejected-final");
      const decision = await provider().fetchDecision(APPLICANT, signal());
      expect(decision).toEqual({
        state: "decided",
        result: {
          outcome: "rejected",
          checksPassed: [],
          documentType: "id_card",
          reasonCodes: ["document_tampered", "selfie_mismatch"],
          provider: "sumsub",
          providerReference: APPLICANT,
        },
        personalData: {},
      });
    });

    it("normalizes a resubmission request (RED/RETRY), with the step and image labels", async () => {
      route("applicant-retry", "steps-retry");
      const decision = await provider().fetchDecision(APPLICANT, signal());
      expect(decision).toEqual({
        state: "decided",
        result: {
          outcome: "needs_resubmission",
          checksPassed: ["liveness"],
          documentType: "id_card",
          reasonCodes: ["document_incomplete", "document_unreadable"],
          provider: "sumsub",
          providerReference: APPLICANT,
        },
        personalData: {},
      });
    });

    it("is pending while the review is not completed, without reading the steps", async () => {
      route("applicant-pending");
      expect(await provider().fetchDecision(APPLICANT, signal())).toEqual({ state: "pending" });
      expect(fake.requests).toHaveLength(1);
    });

    it("treats every status but completed as pending (init, queued, onHold, awaitingUser)", async () => {
      for (const reviewStatus of ["init", "queued", "onHold", "awaitingUser", "prechecked"]) {
        const applicant = fixture<{ review: Record<string, unknown> }>("sumsub", "applicant-approved");
        applicant.review.reviewStatus = reviewStatus;
        fake.on(`GET /resources/applicants/${APPLICANT}/one`, { status: 200, json: applicant });
        expect(await provider().fetchDecision(APPLICANT, signal())).toEqual({ state: "pending" });
      }
    });

    it("refuses a completed review without a result, or with an answer it does not know", async () => {
      const noResult = fixture<{ review: Record<string, unknown> }>("sumsub", "applicant-approved");
      delete noResult.review.reviewResult;
      fake.on(`GET /resources/applicants/${APPLICANT}/one`, { status: 200, json: noResult });
      fake.on(`GET /resources/applicants/${APPLICANT}/requiredIdDocsStatus`, {
        status: 200,
        json: fixture("sumsub", "steps-approved"),
      });
      expect((await providerError(provider().fetchDecision(APPLICANT, signal()))).reason).toBe("bad_response");

      const yellow = fixture<{ review: { reviewResult: Record<string, unknown> } }>("sumsub", "applicant-approved");
      yellow.review.reviewResult.reviewAnswer = "YELLOW";
      fake.on(`GET /resources/applicants/${APPLICANT}/one`, { status: 200, json: yellow });
      const error = await providerError(provider().fetchDecision(APPLICANT, signal()));
      expect(error.reason).toBe("bad_response");
      expect(error.message).toContain("review.reviewResult.reviewAnswer");
      for (const value of PERSONAL_DATA) expect(error.message).not.toContain(value);
    });

    it("never puts a malformed applicant id into a URL", async () => {
      const error = await providerError(provider().fetchDecision("../../resources/applicants", signal()));
      expect(error.reason).toBe("rejected_request");
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe("deleteApplicant and ping", () => {
    it("deactivates the applicant (PATCH .../presence/deactivated) and reports that Sumsub keeps it", async () => {
      fake.on(`PATCH /resources/applicants/${APPLICANT}/presence/deactivated`, {
        status: 200,
        json: { ...fixture<object>("sumsub", "applicant-approved"), deleted: true },
      });
      expect(await provider().deleteApplicant(APPLICANT, signal())).toBe("not_supported");
      const [request] = fake.requests as [RecordedRequest];
      expect(request.method).toBe("PATCH");
      expectSignedBySumsubRules(request);
    });

    it("pings GET /resources/status/api, signed", async () => {
      fake.on("GET /resources/status/api", { status: 200, json: {} });
      await provider().ping(signal());
      expectSignedBySumsubRules(fake.requests[0] as RecordedRequest);
    });

    it("fails the ping when our credentials are refused", async () => {
      fake.on("GET /resources/status/api", { status: 401, json: fixture("sumsub", "error-401") });
      expect((await providerError(provider().ping(signal()))).reason).toBe("unauthorized");
    });
  });

  describe("verifyWebhook", () => {
    const body = fixtureText("sumsub", "webhook-applicant-reviewed");
    /** The documented digest, computed here: hex HMAC of the raw body with the webhook's secret key. */
    const digest = (algorithm: string, raw: string, secret = WEBHOOK_SECRET) =>
      createHmac(algorithm, secret).update(raw).digest("hex");
    const verify = (rawBody: string, headers: Record<string, string>) =>
      createSumsubProvider(config("https://api.sumsub.com")).verifyWebhook({ rawBody, headers });

    it("accepts a body signed with HMAC_SHA256_HEX and reports a decision", () => {
      const event = verify(body, {
        "x-payload-digest": digest("sha256", body),
        "x-payload-digest-alg": "HMAC_SHA256_HEX",
      });
      expect(event).toEqual({
        applicantId: APPLICANT,
        eventId: "applicantReviewed:req-a260b669-4f14-4bb5-a4c5-ac0218acb9a4",
        kind: "decided",
      });
    });

    it("accepts HMAC_SHA512_HEX, and reports applicantPending as submitted", () => {
      const pending = fixtureText("sumsub", "webhook-applicant-pending");
      const event = verify(pending, {
        "x-payload-digest": digest("sha512", pending).toUpperCase(),
        "x-payload-digest-alg": "HMAC_SHA512_HEX",
      });
      expect(event.kind).toBe("submitted");
    });

    it("gives a resent delivery the same eventId (idempotency)", () => {
      const headers = { "x-payload-digest": digest("sha256", body), "x-payload-digest-alg": "HMAC_SHA256_HEX" };
      expect(verify(body, headers).eventId).toBe(verify(body, headers).eventId);
      const noCorrelation = JSON.stringify({ ...JSON.parse(body), correlationId: undefined });
      const h2 = { "x-payload-digest": digest("sha256", noCorrelation), "x-payload-digest-alg": "HMAC_SHA256_HEX" };
      expect(verify(noCorrelation, h2).eventId).toMatch(/^applicantReviewed:[0-9a-f]{64}$/);
      expect(verify(noCorrelation, h2).eventId).toBe(verify(noCorrelation, h2).eventId);
    });

    /*
     * attack: post a decision webhook we did not send: a captured delivery with its body edited
     * (RED turned GREEN, another applicant), or one signed with a guessed secret, or no digest.
     * Now: the digest is recomputed over the raw body with our secret; nothing matches, so the
     * webhook is refused before its body is read.
     */
    it("attack: forge or edit a Sumsub decision webhook without the webhook secret", () => {
      const tampered = body.replace('"GREEN"', '"RED"');
      const cases: Record<string, [string, Record<string, string>]> = {
        tampered: [tampered, { "x-payload-digest": digest("sha256", body), "x-payload-digest-alg": "HMAC_SHA256_HEX" }],
        "wrong secret": [
          body,
          { "x-payload-digest": digest("sha256", body, "another-secret"), "x-payload-digest-alg": "HMAC_SHA256_HEX" },
        ],
        "no digest": [body, { "x-payload-digest-alg": "HMAC_SHA256_HEX" }],
      };
      for (const [name, [raw, headers]] of Object.entries(cases)) {
        expect(() => verify(raw, headers), name).toThrow(ProviderWebhookInvalid);
      }
    });

    /*
     * attack: the algorithm is named by a header the sender controls. The attacker names the
     * legacy HMAC_SHA1_HEX, omits the header, or names another algorithm than the digest's.
     * Now: only HMAC_SHA256_HEX and HMAC_SHA512_HEX are accepted, and the digest must match the
     * named one.
     */
    it("attack: downgrade or omit the webhook digest algorithm", () => {
      const cases: Record<string, [string, Record<string, string>]> = {
        "no algorithm": [body, { "x-payload-digest": digest("sha256", body) }],
        "sha1 downgrade": [body, { "x-payload-digest": digest("sha1", body), "x-payload-digest-alg": "HMAC_SHA1_HEX" }],
        "alg mismatch": [
          body,
          { "x-payload-digest": digest("sha256", body), "x-payload-digest-alg": "HMAC_SHA512_HEX" },
        ],
      };
      for (const [name, [raw, headers]] of Object.entries(cases)) {
        expect(() => verify(raw, headers), name).toThrow(ProviderWebhookInvalid);
      }
    });

    it("refuses a correctly signed body that is not a Sumsub webhook", () => {
      for (const raw of ["not json", JSON.stringify({ type: "applicantReviewed" })]) {
        expect(() =>
          verify(raw, { "x-payload-digest": digest("sha256", raw), "x-payload-digest-alg": "HMAC_SHA256_HEX" }),
        ).toThrow(ProviderWebhookInvalid);
      }
    });
  });
});

describe("Sumsub configuration", () => {
  const env = {
    ONEKEY_ISSUER_SUMSUB_APP_TOKEN: APP_TOKEN,
    ONEKEY_ISSUER_SUMSUB_SECRET_KEY: SECRET_KEY,
    ONEKEY_ISSUER_SUMSUB_LEVEL_NAME: "basic-kyc-level",
    ONEKEY_ISSUER_SUMSUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
  const problems = (overrides: Record<string, string | undefined>) => {
    try {
      loadSumsubConfig({ ...env, ...overrides });
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderConfigError);
      return (error as Error).message;
    }
    throw new Error("expected a ProviderConfigError");
  };

  it("defaults to the public API, document + liveness and 30-minute tokens", () => {
    const parsed = loadSumsubConfig(env);
    expect(parsed).toMatchObject({
      baseUrl: "https://api.sumsub.com",
      checks: ["document", "liveness"],
      tokenTtlSeconds: 1800,
      levelName: "basic-kyc-level",
    });
    expect(createSumsubProvider(parsed).supports).toEqual(["document", "liveness"]);
  });

  it("names every missing or malformed variable, never printing a secret", () => {
    const message = problems({
      ONEKEY_ISSUER_SUMSUB_SECRET_KEY: undefined,
      ONEKEY_ISSUER_SUMSUB_CHECKS: "document,selfie",
      ONEKEY_ISSUER_SUMSUB_BASE_URL: `http://api.sumsub.com?key=${SECRET_KEY}`,
    });
    expect(message).toMatch(/ONEKEY_ISSUER_SUMSUB_SECRET_KEY/);
    expect(message).toMatch(/ONEKEY_ISSUER_SUMSUB_CHECKS/);
    expect(message).toMatch(/ONEKEY_ISSUER_SUMSUB_BASE_URL/);
    expect(message).not.toContain(SECRET_KEY);
  });

  it("refuses plain http off loopback, and a base URL with a path", () => {
    expect(problems({ ONEKEY_ISSUER_SUMSUB_BASE_URL: "http://api.sumsub.com" })).toMatch(/https/);
    expect(problems({ ONEKEY_ISSUER_SUMSUB_BASE_URL: "https://proxy.example/sumsub" })).toMatch(/origin/);
    expect(loadSumsubConfig({ ...env, ONEKEY_ISSUER_SUMSUB_BASE_URL: "http://127.0.0.1:9000" }).baseUrl).toBe(
      "http://127.0.0.1:9000",
    );
  });
});

describeErrorMapping({
  name: "Sumsub",
  create: (baseUrl) => createSumsubProvider(config(baseUrl), { now: () => NOW }),
  invoke: (provider, signal) => provider.fetchDecision(APPLICANT, signal),
  bodyWithPersonalData: {
    description: `Applicant KANARIE QUOKKASTEIN (LGXX359T8, 1989-07-16, Kanarienweg 47) not found`,
    code: 404,
    info: { firstName: "KANARIE", lastName: "QUOKKASTEIN", dob: "1989-07-16" },
  },
  personalData: PERSONAL_DATA,
});
