/**
 * The sandbox provider (devnet/src/kyc-sandbox) and its adapter (src/kyc/providers/sandbox),
 * against each other over real HTTP: HMAC-signed requests, the hosted flow a person fills in,
 * deterministic outcomes, signed webhooks, deletion, failure injection through the admin route,
 * and the normalization of each decision shape (fixtures).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningKycSandbox, startKycSandbox } from "@onekey/devnet/kyc-sandbox/server";
import { type Receiver, startReceiver } from "@onekey/indexer/harness/receiver";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type KycProvider,
  ProviderError,
  ProviderWebhookInvalid,
  type StartApplicantInput,
} from "../src/kyc/providers/provider.js";
import {
  createSandboxProvider,
  normalizeSandboxApplicant,
  type SandboxApplicant,
  sandboxSettingsSchema,
} from "../src/kyc/providers/sandbox/sandbox-provider.js";
import { completeHostedFlow, eventually } from "./support/kyc.js";

let sandbox: RunningKycSandbox;
let receiver: Receiver;
let provider: KycProvider;

const adapterFor = (box: RunningKycSandbox, overrides: Record<string, string> = {}) =>
  createSandboxProvider(
    "sandbox",
    sandboxSettingsSchema.parse({
      URL: box.url,
      APP_TOKEN: box.credentials.appToken,
      SECRET_KEY: box.credentials.secretKey,
      WEBHOOK_SECRET: box.credentials.webhookSecret,
      ...overrides,
    }),
  );

const input = (checks: StartApplicantInput["checks"] = ["document", "liveness"]): StartApplicantInput => ({
  sessionId: crypto.randomUUID(),
  subject: "0x000000000000000000000000000000000000dEaD",
  projectId: 1n,
  checks,
  returnUrl: "http://localhost:5173/verify/acme?session=1",
});
const signal = () => AbortSignal.timeout(5_000);

async function admin(path: string, method: string, body?: unknown) {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.credentials.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Runs an applicant through the hosted flow and waits for its decision. */
async function decided(
  person: { firstName: string; lastName: string; documentNumber?: string },
  checks?: StartApplicantInput["checks"],
) {
  const start = input(checks);
  const { applicantId } = await provider.createApplicant(start, signal());
  const launch = await provider.launch(applicantId, start, signal());
  if (launch.kind !== "hosted-url") throw new Error("expected a hosted flow");
  const flow = await completeHostedFlow(launch.url, person);
  const decision = await eventually(
    "the sandbox's decision",
    () => provider.fetchDecision(applicantId, signal()),
    (d) => d.state === "decided",
  );
  return { applicantId, decision, flow, launch };
}

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startKycSandbox({ webhookUrl: receiver.url("/hooks"), slowMs: 400, webhookRetryMs: [50] });
  provider = adapterFor(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
  await receiver?.close();
});
afterEach(() => sandbox.setFault("none"));

describe("the sandbox provider through its adapter", () => {
  it("runs an applicant through the hosted flow and answers the approved decision, normalized", async () => {
    const { decision, flow, launch } = await decided({ firstName: "Erika", lastName: "Mustermann" });
    expect(launch.url.startsWith(`${sandbox.url}/flow/`)).toBe(true);
    expect(launch.expiresAt).toBeGreaterThan(Date.now() / 1000);
    // Back to the dApp, as the launch asked.
    expect(flow.location).toBe("http://localhost:5173/verify/acme?session=1");
    expect(decision).toMatchObject({
      state: "decided",
      result: {
        outcome: "approved",
        checksPassed: ["document", "liveness"],
        documentType: "passport",
        reasonCodes: [],
      },
      personalData: { firstName: "Erika", lastName: "Mustermann", documentNumber: "C01X00T47" },
    });
  });

  it.each([
    ["reject", { firstName: "Reject", lastName: "Me" }, "rejected", ["document_forged"]],
    ["sanction", { firstName: "Sanctioned", lastName: "Person" }, "rejected", ["sanctions_match"]],
    ["resubmit", { firstName: "Please", lastName: "Resubmit" }, "needs_resubmission", ["document_unreadable"]],
    [
      "an expired document",
      { firstName: "Old", lastName: "Card", documentNumber: "EXPIRED-42" },
      "needs_resubmission",
      ["document_expired"],
    ],
  ])("decides deterministically by input: %s", async (_name, person, outcome, reasonCodes) => {
    const { decision } = await decided(person, ["document"]);
    expect(decision.state === "decided" && decision.result).toMatchObject({ outcome, reasonCodes, checksPassed: [] });
  });

  it("keeps a 'slow' applicant pending until its delay has passed", async () => {
    const start = input(["document"]);
    const { applicantId } = await provider.createApplicant(start, signal());
    const launch = await provider.launch(applicantId, start, signal());
    if (launch.kind !== "hosted-url") throw new Error("expected a hosted flow");
    const submittedAt = Date.now();
    await completeHostedFlow(launch.url, { firstName: "Slow", lastName: "Poke" });
    expect(await provider.fetchDecision(applicantId, signal())).toEqual({ state: "pending" });
    await eventually(
      "the slow decision",
      () => provider.fetchDecision(applicantId, signal()),
      (d) => d.state === "decided",
    );
    expect(Date.now() - submittedAt).toBeGreaterThanOrEqual(400);
  });

  it("lets a person submit again after a resubmission request, and then decides anew", async () => {
    const { applicantId, decision, launch } = await decided({ firstName: "Please", lastName: "Resubmit" }, [
      "document",
    ]);
    expect(decision.state === "decided" && decision.result.outcome).toBe("needs_resubmission");
    const again = await completeHostedFlow(launch.url, { firstName: "Now", lastName: "Fine" });
    expect(again.pages[0]).toContain("Please submit again");
    const next = await eventually(
      "the second decision",
      () => provider.fetchDecision(applicantId, signal()),
      (d) => d.state === "decided" && d.result.outcome === "approved",
    );
    expect(next.state === "decided" && next.personalData.firstName).toBe("Now");
  });

  it("signs webhooks over the raw body; the adapter accepts them and refuses tampered or forged ones", async () => {
    const { applicantId } = await decided({ firstName: "Hook", lastName: "Test" }, ["document"]);
    const deliveries = await eventually(
      "both webhooks",
      async () => receiver.received.filter((r) => r.body.includes(applicantId)),
      (found) => found.length >= 2,
    );
    const events = deliveries.map((d) =>
      provider.verifyWebhook({ rawBody: d.body, headers: d.headers as Record<string, string> }),
    );
    expect(events.map((e) => e.kind).sort()).toEqual(["decided", "submitted"]);
    expect(events.every((e) => e.applicantId === applicantId && e.eventId.length > 0)).toBe(true);
    // No personal data in a webhook.
    expect(deliveries.map((d) => d.body).join("")).not.toContain("Hook");

    const [first] = deliveries;
    if (!first) throw new Error("no delivery");
    const headers = first.headers as Record<string, string>;
    const tampered = first.body.replace(applicantId, "0".repeat(24));
    expect(() => provider.verifyWebhook({ rawBody: tampered, headers })).toThrow(ProviderWebhookInvalid);
    expect(() =>
      provider.verifyWebhook({ rawBody: first.body, headers: { ...headers, "x-payload-digest": "00".repeat(32) } }),
    ).toThrow(ProviderWebhookInvalid);
    expect(() => provider.verifyWebhook({ rawBody: first.body, headers: {} })).toThrow(ProviderWebhookInvalid);
  });

  it("signs webhooks with a wrong key when asked to (failure injection), and the adapter refuses them", async () => {
    expect((await admin("/admin/fault", "PUT", { mode: "bad_webhook_signature" })).status).toBe(200);
    const before = receiver.received.length;
    const { applicantId } = await decided({ firstName: "Forged", lastName: "Hook" }, ["document"]);
    const delivery = await eventually(
      "a webhook",
      async () => receiver.received.slice(before).find((r) => r.body.includes(applicantId)),
      (found) => found !== undefined,
    );
    if (!delivery) throw new Error("no delivery");
    expect(() =>
      provider.verifyWebhook({ rawBody: delivery.body, headers: delivery.headers as Record<string, string> }),
    ).toThrow(ProviderWebhookInvalid);
  });

  it("refuses requests signed with another secret, and the adapter says unauthorized", async () => {
    const impostor = adapterFor(sandbox, { SECRET_KEY: "not-the-sandbox-secret-key-000000" });
    const error = await impostor.createApplicant(input(), signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe("unauthorized");
  });

  it.each([
    ["down", "unavailable"],
    ["error", "unavailable"],
    ["timeout", "timeout"],
  ] as const)("maps an injected '%s' onto the reason %s", async (mode, reason) => {
    const answer = await admin("/admin/fault", "PUT", { mode });
    expect(await answer.json()).toEqual({ mode });
    const error = await provider.ping(AbortSignal.timeout(300)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe(reason);
    // The admin route itself is never faulted, and clears the fault.
    expect((await admin("/admin/fault", "PUT", { mode: "none" })).status).toBe(200);
    await provider.ping(signal());
  });

  it("keeps the admin route behind its token", async () => {
    const answer = await fetch(`${sandbox.url}/admin/fault`, { method: "PUT", body: JSON.stringify({ mode: "down" }) });
    expect(answer.status).toBe(401);
    await provider.ping(signal());
  });

  it("deletes an applicant and its data; deleting it again is still 'deleted'", async () => {
    const { applicantId } = await decided({ firstName: "Erase", lastName: "Me" }, ["document"]);
    expect(sandbox.hasApplicant(applicantId)).toBe(true);
    expect(await provider.deleteApplicant(applicantId, signal())).toBe("deleted");
    expect(sandbox.hasApplicant(applicantId)).toBe(false);
    expect(await provider.deleteApplicant(applicantId, signal())).toBe("deleted");
    const error = await provider.fetchDecision(applicantId, signal()).catch((e: unknown) => e);
    expect((error as ProviderError).reason).toBe("not_found");
  });
});

describe("the hosted flow page", () => {
  it("is a labelled, keyboard-usable form that names each mistake and ties it to its field", async () => {
    const start = input(["document", "liveness"]);
    const { applicantId } = await provider.createApplicant(start, signal());
    const launch = await provider.launch(applicantId, start, signal());
    if (launch.kind !== "hosted-url") throw new Error("expected a hosted flow");
    const page = await (await fetch(launch.url)).text();
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toMatch(/<main>/);
    expect(page).toMatch(/<h1>Your identity document<\/h1>/);
    // Every field has a label pointing at it.
    const ids = [...page.matchAll(/<(?:input|select) id="([A-Za-z]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(["firstName", "lastName", "dateOfBirth", "country", "documentType", "documentNumber"]);
    for (const id of ids) expect(page).toContain(`<label for="${id}">`);
    expect(page.match(/<fieldset>/g)?.length).toBe(2);
    expect(page).not.toMatch(/tabindex="[1-9]/); // natural tab order
    expect(page).toContain("Step 1 of 2");

    const invalid = await fetch(launch.url, {
      method: "POST",
      body: new URLSearchParams({ firstName: "<script>x</script>", lastName: "", dateOfBirth: "yesterday" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(invalid.status).toBe(400);
    const errors = await invalid.text();
    expect(errors).toContain('role="alert"');
    expect(errors).toContain('<a href="#lastName">Enter your last name</a>');
    expect(errors).toMatch(
      /id="dateOfBirth"[^>]*aria-invalid="true"[^>]*aria-describedby="dateOfBirth-hint dateOfBirth-error"/,
    );
    // What the person typed comes back escaped.
    expect(errors).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(errors).not.toContain("<script>x");
  });

  it("answers an unknown or expired link with a page that says so", async () => {
    const answer = await fetch(`${sandbox.url}/flow/${"A".repeat(32)}`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain("Link expired");
  });
});

describe("normalization of the sandbox's decision shapes", () => {
  const fixture = (name: string) =>
    JSON.parse(
      readFileSync(join(import.meta.dirname, "fixtures", "sandbox", `${name}.json`), "utf8"),
    ) as SandboxApplicant;

  it("approved: outcome, checks passed, document type, and the person's data kept apart", () => {
    expect(normalizeSandboxApplicant("sandbox", fixture("approved"))).toEqual({
      state: "decided",
      result: {
        outcome: "approved",
        checksPassed: ["document", "liveness"],
        documentType: "id_card",
        reasonCodes: [],
        provider: "sandbox",
        providerReference: "5f1c0a9e3b7d4c2a8e6f0b1d",
      },
      personalData: {
        firstName: "Erika",
        lastName: "Mustermann",
        dateOfBirth: "1964-08-12",
        country: "DE",
        documentType: "ID_CARD",
        documentNumber: "T22000129",
        documentCountry: "DE",
      },
    });
  });

  it("rejected: provider labels become provider-independent reason codes", () => {
    const decision = normalizeSandboxApplicant("sandbox-b", fixture("rejected"));
    expect(decision.state === "decided" && decision.result).toEqual({
      outcome: "rejected",
      checksPassed: [],
      documentType: "passport",
      reasonCodes: ["document_forged", "sanctions_match"],
      provider: "sandbox-b",
      providerReference: "5f1c0a9e3b7d4c2a8e6f0b1e",
    });
  });

  it("resubmission: needs_resubmission, an unknown label as 'other'", () => {
    const decision = normalizeSandboxApplicant("sandbox", fixture("resubmission"));
    expect(decision.state === "decided" && decision.result).toMatchObject({
      outcome: "needs_resubmission",
      documentType: "driving_licence",
      reasonCodes: ["document_expired", "other"],
    });
  });

  it("pending: no decision yet", () => {
    expect(normalizeSandboxApplicant("sandbox", fixture("pending"))).toEqual({ state: "pending" });
  });
});
