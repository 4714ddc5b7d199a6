// biome-ignore-all lint/style/noNonNullAssertion: a test reads back what it has just asserted exists
/**
 * The verification session workflow over HTTP, on the shared local chain, with two sandbox
 * providers and the local bundler node: every step and its timestamp, the one-time result, the
 * attestation (storage check, one per session), the chain watcher (attested, consented, erased),
 * provider fallback and recovery, rejection, resubmission, expiry and the cleanup job, resume
 * from another device, project settings, sign-in by EOAs and SimpleAccounts, metrics.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kycRegistryAbi, projectRegistryAbi } from "@onekey/deploy";
import { toSimpleAccountV07 } from "@onekey/web/simple-account";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  parseAbi,
  parseEther,
  serializeErc6492Signature,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROLE_ADMIN } from "../src/kyc/projects.js";
import { completeHostedFlow, eventually, type PersonInput, type SessionBody, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack, storeRecord } from "./support/kyc-stack.js";
import {
  createProject,
  deployer,
  dropTestDatabase,
  ensureKycIssuer,
  kycIssuer,
  LEVEL,
  send,
  stack,
} from "./support/stack.js";

let kyc: KycStack;
let projectId: bigint;
const RETURN_URL = "http://localhost:5173/verify/acme";

beforeAll(async () => {
  await ensureKycIssuer();
  kyc = await startKycStack();
  projectId = await createProject("kyc");
});
afterAll(async () => {
  await kyc?.stop();
  await dropTestDatabase();
});
afterEach(() => {
  kyc.sandbox.setFault("none");
  kyc.sandboxB.setFault("none");
});

interface Person {
  account: ReturnType<typeof privateKeyToAccount>;
  client: SessionClient;
}

async function person(): Promise<Person> {
  const account = privateKeyToAccount(generatePrivateKey());
  const client = new SessionClient(kyc.issuer.url);
  await client.signInAs(account);
  return { account, client };
}

async function start(who: Person, project = projectId) {
  return who.client.post<SessionBody>("/v1/sessions", { project: project.toString(), returnUrl: RETURN_URL });
}

const sessionOf = (who: Person, id: string) => who.client.get<SessionBody>(`/v1/sessions/${id}`);

async function waitFor(who: Person, id: string, until: (s: SessionBody) => boolean, what = "the session") {
  return (
    await eventually(
      what,
      () => sessionOf(who, id),
      (r) => r.status === 200 && until(r.body),
    )
  ).body;
}

/** Starts a session and runs the person through the provider's hosted flow until it is decided. */
async function decidedSession(who: Person, details: PersonInput = { firstName: "Ada", lastName: "Lovelace" }) {
  const started = await start(who);
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const flow = await completeHostedFlow(started.body.launch!.url!, details);
  expect(flow.location).toBe(RETURN_URL);
  return waitFor(who, started.body.id, (s) => s.status === "decided", "a decision");
}

async function report(who: Person, id: string, body: Record<string, unknown>) {
  return who.client.post<{
    request: {
      subject: Address;
      level: number;
      expiresAt: number;
      storageNetwork: number;
      storageId: Hex;
      ciphertextHash: Hex;
    };
    nonce: string;
    deadline: string;
    signature: Hex;
    registry: Address;
    chainId: number;
    issuer: Address;
  }>(`/v1/sessions/${id}/attestation`, body);
}

const reportOf = (record: { storageId: Hex; ciphertextHash: Hex }) => ({
  storageNetwork: 1,
  storageId: record.storageId,
  ciphertextHash: record.ciphertextHash,
});

/** Gives an EOA subject gas (its own transactions: attestBySig is open to anyone, consent is not). */
async function fund(address: Address) {
  const { wallet, publicClient } = stack();
  const hash = await wallet.sendTransaction({ account: deployer, chain: hardhat, to: address, value: parseEther("1") });
  await publicClient.waitForTransactionReceipt({ hash });
}

async function sendAs(who: Person, data: Hex) {
  const { wallet, publicClient, contracts } = stack();
  const hash = await wallet.sendTransaction({ account: who.account, chain: hardhat, to: contracts.kycRegistry, data });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
}

/** Runs the chain watcher until it has caught up. */
async function watch() {
  while ((await kyc.issuer.kyc.watcher.tick()) > 0);
}

describe("an approved session, step by step", () => {
  it("goes created → provider_started → submitted → decided → record_stored → attestation_signed → attested → consented", async () => {
    const who = await person();
    const started = await start(who);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      projectId: projectId.toString(),
      subject: who.account.address.toLowerCase(),
      status: "provider_started",
      provider: "sandbox",
      fallbackAvailable: true,
      resultDelivered: false,
      launch: { kind: "hosted-url", provider: "sandbox" },
    });
    // A second start returns the open session.
    const again = await start(who);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(started.body.id);

    await completeHostedFlow(started.body.launch!.url!, { firstName: "Ada", lastName: "Lovelace" });
    const decided = await waitFor(who, started.body.id, (s) => s.status === "decided");
    expect(decided).toMatchObject({ outcome: "approved", reasonCodes: [], level: 2 });
    expect(decided.launch).toBeUndefined();

    const pulled = await who.client.post<{ result: Record<string, unknown>; personalData: Record<string, unknown> }>(
      `/v1/sessions/${started.body.id}/result`,
    );
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get("cache-control")).toBe("no-store");
    expect(pulled.body.result).toMatchObject({
      outcome: "approved",
      checksPassed: ["document", "liveness"],
      provider: "sandbox",
    });
    expect(pulled.body.personalData).toMatchObject({ firstName: "Ada", lastName: "Lovelace" });
    const second = await who.client.post(`/v1/sessions/${started.body.id}/result`);
    expect(second.status).toBe(410);
    expect(second.body).toMatchObject({ error: { code: "result_already_delivered" } });

    const sealed = new TextEncoder().encode(`sealed ${started.body.id}`);
    const record = await storeRecord(kyc.bundler.url, sealed);
    const signed = await report(who, started.body.id, reportOf(record));
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    // The size it measured is kept for the analytics' storage figure.
    const measured = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select("attestation_record_bytes")
      .where("id", "=", started.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(measured.attestation_record_bytes)).toBe(sealed.byteLength);
    const { request, nonce, deadline, signature } = signed.body;
    expect(request).toMatchObject({
      subject: who.account.address,
      level: LEVEL,
      storageNetwork: 1,
      storageId: record.storageId,
    });
    expect(signed.body.issuer).toBe(kycIssuer.address);
    // The same report again: the same signature; the item's base64url id names the same record.
    const repeat = await report(who, started.body.id, {
      storageNetwork: "arweave",
      storageId: record.storageIdBase64Url,
      ciphertextHash: record.ciphertextHash,
    });
    expect(repeat.body.signature).toBe(signature);
    // The ledger has it for this project (what the paymaster checks).
    const digest = await stack().publicClient.readContract({
      address: stack().contracts.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "hashAttestation",
      args: [request, BigInt(nonce), BigInt(deadline)],
    });
    expect((await kyc.issuer.resources.ledger.find(digest))?.projectId).toBe(projectId);

    await fund(who.account.address);
    await sendAs(
      who,
      encodeFunctionData({
        abi: kycRegistryAbi,
        functionName: "attestBySig",
        args: [request, kycIssuer.address, BigInt(nonce), BigInt(deadline), signature],
      }),
    );
    await watch();
    expect((await sessionOf(who, started.body.id)).body.status).toBe("attested");
    await sendAs(who, encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] }));
    await watch();
    const done = (await sessionOf(who, started.body.id)).body;
    expect(done.status).toBe("consented");
    expect(done.fallbackAvailable).toBe(false);
    expect(done.steps.map((s) => s.step)).toEqual([
      "created",
      "provider_started",
      "submitted",
      "decided",
      "record_stored",
      "attestation_signed",
      "attested",
      "consented",
    ]);
    const times = done.steps.map((s) => Date.parse(s.at));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= (times[i - 1] as number)))).toBe(true);
    expect(done.steps[1]?.provider).toBe("sandbox");

    // After consent, repeating the report still answers the same signature, never a new one.
    expect((await report(who, started.body.id, reportOf(record))).body.signature).toBe(signature);
    // A new session can be started for the next verification.
    expect((await start(who)).status).toBe(201);

    // The subject erases its record: the provider's applicant and our reference to it go.
    const applicantId = (pulled.body.result as { providerReference: string }).providerReference;
    expect(kyc.sandbox.hasApplicant(applicantId)).toBe(true);
    await sendAs(who, encodeFunctionData({ abi: kycRegistryAbi, functionName: "erase" }));
    await watch();
    const row = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select(["provider_applicant_id", "erased_at"])
      .where("id", "=", started.body.id)
      .executeTakeFirstOrThrow();
    expect(row.provider_applicant_id).toBeNull();
    expect(row.erased_at).not.toBeNull();
    const cleaned = await kyc.issuer.kyc.cleanup.runOnce();
    expect(cleaned.applicantsDeleted).toBeGreaterThanOrEqual(1);
    expect(kyc.sandbox.hasApplicant(applicantId)).toBe(false);
  });

  it("checks the reported record on storage: a missing item and a wrong hash are 422 and sign nothing", async () => {
    const who = await person();
    const session = await decidedSession(who);
    expect((await who.client.post(`/v1/sessions/${session.id}/result`)).status).toBe(200);
    const record = await storeRecord(kyc.bundler.url, new TextEncoder().encode("the real ciphertext"));
    const missing = await report(who, session.id, { ...reportOf(record), storageId: toHex(7n, { size: 32 }) });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: { code: "storage_item_not_found", field: "storageId" } });
    const wrongHash = await report(who, session.id, { ...reportOf(record), ciphertextHash: toHex(9n, { size: 32 }) });
    expect(wrongHash.status).toBe(422);
    expect(wrongHash.body).toMatchObject({ error: { code: "ciphertext_hash_mismatch" } });
    expect((await sessionOf(who, session.id)).body.status).toBe("decided");
    const irys = await report(who, session.id, { ...reportOf(record), storageNetwork: 2 });
    expect(irys.status).toBe(400);
    expect(irys.body).toMatchObject({ error: { field: "storageNetwork" } });
  });

  it("asks for the result before the record, and refuses a malformed report with the field named", async () => {
    const who = await person();
    const session = await decidedSession(who);
    const record = await storeRecord(kyc.bundler.url, new TextEncoder().encode("early"));
    const early = await report(who, session.id, reportOf(record));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { code: "result_not_pulled" } });
    const malformed = await report(who, session.id, {
      storageNetwork: 1,
      storageId: "nope",
      ciphertextHash: record.ciphertextHash,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: "invalid_request", field: "storageId" } });
  });
});

describe("resume from any device", () => {
  it("a second sign-in of the same subject reads the session; another subject gets 404", async () => {
    const who = await person();
    const started = await start(who);
    const otherDevice = new SessionClient(kyc.issuer.url);
    await otherDevice.signInAs(who.account);
    expect(otherDevice.token).not.toBe(who.client.token);
    const resumed = await otherDevice.get<SessionBody>(`/v1/sessions/${started.body.id}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.launch?.url).toBe(started.body.launch?.url);
    const stranger = await person();
    const seen = await sessionOf(stranger, started.body.id);
    expect(seen.status).toBe(404);
    expect(seen.body).toMatchObject({ error: { code: "session_not_found" } });
  });
});

describe("rejection and resubmission", () => {
  it("rejected: no result, no attestation, no fallback; the person may start a new session", async () => {
    const who = await person();
    const session = await decidedSession(who, { firstName: "Reject", lastName: "Example" });
    expect(session).toMatchObject({ outcome: "rejected", reasonCodes: ["document_forged"], fallbackAvailable: false });
    expect(session.steps.at(-1)).toMatchObject({ step: "decided", reason: "rejected" });
    const pulled = await who.client.post(`/v1/sessions/${session.id}/result`);
    expect(pulled.status).toBe(409);
    expect(pulled.body).toMatchObject({ error: { code: "not_approved" } });
    expect((await who.client.post(`/v1/sessions/${session.id}/fallback`)).status).toBe(409);
    const next = await start(who);
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(session.id);
  });

  it("needs_resubmission: the same session keeps its launch, and a second submission is decided", async () => {
    const who = await person();
    const session = await decidedSession(who, { firstName: "Please", lastName: "Resubmit" });
    expect(session).toMatchObject({ outcome: "needs_resubmission", reasonCodes: ["document_unreadable"] });
    expect(session.launch?.url).toBeDefined();
    await completeHostedFlow(session.launch!.url!, { firstName: "Grace", lastName: "Hopper" });
    const approved = await waitFor(who, session.id, (s) => s.outcome === "approved");
    expect(approved.status).toBe("decided");
    expect(approved.steps.map((s) => s.step)).toEqual([
      "created",
      "provider_started",
      "submitted",
      "decided",
      "submitted",
      "decided",
    ]);
  });

  it("a slow provider leaves the session submitted until its decision arrives", async () => {
    const who = await person();
    const started = await start(who);
    await completeHostedFlow(started.body.launch!.url!, { firstName: "Slow", lastName: "Coach" });
    const submitted = await waitFor(who, started.body.id, (s) => s.status === "submitted");
    expect(submitted.outcome).toBeUndefined();
    const decided = await waitFor(who, started.body.id, (s) => s.status === "decided");
    expect(decided.outcome).toBe("approved");
  });
});

describe("provider failure, fallback and recovery", () => {
  it("starts new sessions at the next provider while the first is down, and at the first again once it recovers", async () => {
    kyc.sandbox.setFault("down");
    const a = await start(await person());
    expect(a.status).toBe(201);
    expect(a.body.provider).toBe("sandbox-b");
    expect(a.body.launch?.provider).toBe("sandbox-b");
    expect(a.body.steps.at(-1)).toMatchObject({ step: "provider_started", provider: "sandbox-b" });
    const b = await start(await person());
    expect(b.body.provider).toBe("sandbox-b");
    // Two failures open the first provider's circuit: it is no longer even tried.
    expect(kyc.issuer.kyc.registry.state("sandbox")).toBe("open");

    kyc.sandbox.setFault("none");
    await eventually(
      "the probe to close the circuit",
      async () => {
        await kyc.issuer.kyc.registry.probe();
        return kyc.issuer.kyc.registry.state("sandbox");
      },
      (state) => state === "closed",
    );
    const c = await start(await person());
    expect(c.body.provider).toBe("sandbox");
  });

  it("moves an open session to the next provider with POST /fallback, keeping the session, and deletes the abandoned applicant", async () => {
    const who = await person();
    const started = await start(who);
    expect(started.body.provider).toBe("sandbox");
    const oldApplicant = (
      await kyc.issuer.resources.db
        .selectFrom("kyc_sessions")
        .select("provider_applicant_id")
        .where("id", "=", started.body.id)
        .executeTakeFirstOrThrow()
    ).provider_applicant_id as string;
    kyc.sandbox.setFault("timeout");
    const moved = await who.client.post<SessionBody>(`/v1/sessions/${started.body.id}/fallback`);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: started.body.id, provider: "sandbox-b", status: "provider_started" });
    expect(moved.body.launch?.url?.startsWith(kyc.sandboxB.url)).toBe(true);
    expect(moved.body.steps.at(-1)).toMatchObject({
      step: "provider_started",
      provider: "sandbox-b",
      reason: "provider_fallback",
    });
    expect(moved.body.fallbackAvailable).toBe(false);
    const none = await who.client.post(`/v1/sessions/${started.body.id}/fallback`);
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error: { code: "no_fallback" } });

    // The person finishes at the second provider; one decision, one session.
    await completeHostedFlow(moved.body.launch!.url!, { firstName: "Fall", lastName: "Back" });
    const decided = await waitFor(who, started.body.id, (s) => s.status === "decided");
    expect(decided).toMatchObject({ provider: "sandbox-b", outcome: "approved" });

    // Once the first provider answers again, the abandoned applicant is deleted there.
    kyc.sandbox.setFault("none");
    await eventually(
      "the abandoned applicant's deletion",
      async () => {
        await kyc.issuer.kyc.registry.probe();
        await kyc.issuer.resources.db
          .updateTable("provider_deletions")
          .set({ next_attempt_at: kyc.clock.now() })
          .execute();
        await kyc.issuer.kyc.cleanup.runOnce();
        return kyc.sandbox.hasApplicant(oldApplicant);
      },
      (present) => !present,
    );
  });

  it("answers 503 and records the failure when no provider answers", async () => {
    kyc.sandbox.setFault("error");
    kyc.sandboxB.setFault("error");
    const who = await person();
    const failed = await start(who);
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: "no_provider_available" } });
    const row = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select(["status", "failure_reason", "steps"])
      .where("subject", "=", who.account.address.toLowerCase())
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.steps.at(-1)).toMatchObject({ step: "failed", reason: "no_provider_available" });
  });
});

describe("provider webhooks", () => {
  it("a replayed delivery changes nothing; a forged one is 401 and changes nothing", async () => {
    const who = await person();
    const session = await decidedSession(who);
    const delivery = kyc.sandbox.deliveries.find((d) => d.type === "applicantReviewed" && d.status === 200)!;
    const before = (await sessionOf(who, session.id)).body;
    const replay = await fetch(`${kyc.issuer.url}/v1/providers/sandbox/webhook`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ ok: true, result: "duplicate" });
    const forged = await fetch(`${kyc.issuer.url}/v1/providers/sandbox/webhook`, {
      method: "POST",
      headers: { ...delivery.headers, "x-payload-digest": "ab".repeat(32) },
      body: delivery.body.replace(/"eventId":"[0-9a-f]+"/, '"eventId":"fresh"'),
    });
    expect(forged.status).toBe(401);
    expect((await sessionOf(who, session.id)).body.steps).toEqual(before.steps);
    const unknown = await fetch(`${kyc.issuer.url}/v1/providers/acme/webhook`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });
});

describe("project settings", () => {
  it("shows a project's requirements to anyone and lets only its admins change them", async () => {
    const { publicClient, contracts } = stack();
    const slug = await publicClient
      .readContract({
        address: contracts.projectRegistry,
        abi: projectRegistryAbi,
        functionName: "getProject",
        args: [projectId],
      })
      .then((p) => p.slug);
    const shown = await new SessionClient(kyc.issuer.url).get(`/v1/projects/${slug}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      projectId: projectId.toString(),
      slug,
      status: "active",
      requiredLevel: LEVEL,
      providers: ["sandbox", "sandbox-b"],
      checks: ["document", "liveness"],
    });
    expect((await new SessionClient(kyc.issuer.url).get("/v1/projects/no-such-project")).status).toBe(404);

    const stranger = await person();
    const refused = await stranger.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sandbox-b"],
      checks: ["document", "liveness"],
    });
    expect(refused.status).toBe(403);

    // A project admin by role (not the organization's owner).
    const admin = await person();
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [
      projectId,
      admin.account.address,
      ROLE_ADMIN,
    ]);
    const tooWeak = await admin.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sandbox-b"],
      checks: ["document"],
    });
    expect(tooWeak.status).toBe(400);
    expect(tooWeak.body).toMatchObject({ error: { field: "checks" } });
    const unknown = await admin.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sumsub"],
      checks: ["document", "liveness"],
    });
    expect(unknown.status).toBe(400);
    const saved = await admin.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sandbox-b", "sandbox"],
      checks: ["document", "liveness", "sanctions", "pep"],
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      providers: ["sandbox-b", "sandbox"],
      checks: ["document", "liveness", "sanctions", "pep"],
    });

    const who = await person();
    const started = await start(who);
    expect(started.body.provider).toBe("sandbox-b");
    await completeHostedFlow(started.body.launch!.url!, { firstName: "Level", lastName: "Three" });
    const decided = await waitFor(who, started.body.id, (s) => s.status === "decided");
    expect(decided.level).toBe(3);
    // Back to the defaults' order for the other tests.
    await admin.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sandbox", "sandbox-b"],
      checks: ["document", "liveness"],
    });
  });

  it("refuses a session for a suspended project", async () => {
    const { contracts } = stack();
    const suspended = await createProject("paused");
    await send(contracts.projectRegistry, projectRegistryAbi, "setProjectStatus", [suspended, 2]);
    const answer = await start(await person(), suspended);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: "project_suspended" } });
    expect((await start(await person(), 999_999n)).status).toBe(404);
  });
});

describe("feature flags", () => {
  it("pauses new verifications for one project from the flag file, creating nothing, until the file says otherwise", async () => {
    const dir = mkdtempSync(join(tmpdir(), "onekey-flags-"));
    const file = join(dir, "flags.json");
    const paused = (on: boolean) =>
      writeFileSync(file, JSON.stringify({ flags: { kycSessions: { projects: { [projectId.toString()]: on } } } }));
    paused(false);
    try {
      const replica = await kyc.replica({ ONEKEY_FLAGS_FILE: file });
      const account = privateKeyToAccount(generatePrivateKey());
      const client = new SessionClient(replica.url);
      await client.signInAs(account);
      const body = { project: projectId.toString(), returnUrl: RETURN_URL };

      const refused = await client.post<{ code: string; detail: string }>("/v1/sessions", body);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe("kyc_sessions_paused");
      const created = await replica.resources.db
        .selectFrom("kyc_sessions")
        .select("id")
        .where("subject", "=", account.address.toLowerCase())
        .execute();
      expect(created).toEqual([]);

      // It resumes once the file changes, without a restart.
      paused(true);
      const resumed = await eventually(
        "the flag file's change",
        () => client.post<SessionBody>("/v1/sessions", body),
        (r) => r.status !== 503,
      );
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(201);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sign-in", () => {
  it("accepts a SimpleAccount by its owner: undeployed (ERC-6492 wrapper) and deployed", async () => {
    const { publicClient, contracts } = stack();
    const owner = privateKeyToAccount(generatePrivateKey());
    const account = await toSimpleAccountV07({ client: publicClient, owner, factory: contracts.factory });
    const client = new SessionClient(kyc.issuer.url);
    const { factory, factoryData } = await account.getFactoryArgs();
    await client.signIn(account.address, async (message) =>
      serializeErc6492Signature({
        address: factory!,
        data: factoryData!,
        signature: await owner.signMessage({ message }),
      }),
    );
    const started = await client.post<SessionBody>("/v1/sessions", { project: projectId.toString() });
    expect(started.body.subject).toBe(account.address.toLowerCase());

    // Another owner's signature for the same account is refused.
    const impostor = privateKeyToAccount(generatePrivateKey());
    const message = await client.siweMessage(account.address);
    const refused = await client.post("/v1/auth/verify", {
      message,
      signature: serializeErc6492Signature({
        address: factory!,
        data: factoryData!,
        signature: await impostor.signMessage({ message }),
      }),
    });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: "siwe_signature_invalid" } });

    // Deployed (SimpleAccountFactory v0.7 deploys on a direct call), the owner's plain signature signs it in.
    await send(
      contracts.factory,
      parseAbi(["function createAccount(address owner, uint256 salt) returns (address)"]),
      "createAccount",
      [owner.address, 0n],
    );
    expect(await publicClient.getCode({ address: account.address })).not.toBe("0x");
    const deployedClient = new SessionClient(kyc.issuer.url);
    await deployedClient.signIn(account.address, (m) => owner.signMessage({ message: m }));
    expect((await deployedClient.get<SessionBody>(`/v1/sessions/${started.body.id}`)).status).toBe(200);
  });

  it("refuses a message for another domain, another chain, a spent nonce and another address's nonce", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const client = new SessionClient(kyc.issuer.url);
    const verify = async (message: string) =>
      client.post("/v1/auth/verify", { message, signature: await account.signMessage({ message }) });

    const phishing = await verify(await client.siweMessage(account.address, { domain: "evil.example" }));
    expect(phishing.body).toMatchObject({ error: { code: "siwe_domain_mismatch" } });
    const otherUri = await verify(await client.siweMessage(account.address, { uri: "https://evil.example/login" }));
    expect(otherUri.body).toMatchObject({ error: { code: "siwe_uri_mismatch" } });
    const otherChain = await verify(await client.siweMessage(account.address, { chainId: 8453 }));
    expect(otherChain.body).toMatchObject({ error: { code: "siwe_chain_mismatch" } });

    const message = await client.siweMessage(account.address);
    expect((await verify(message)).status).toBe(200);
    const replay = await verify(message);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: "siwe_nonce_invalid" } });

    const victim = privateKeyToAccount(generatePrivateKey());
    const victimsNonce = (await client.post<{ nonce: string }>("/v1/auth/nonce", { address: victim.address })).body
      .nonce;
    const stolen = await verify(await client.siweMessage(account.address, { nonce: victimsNonce }));
    expect(stolen.body).toMatchObject({ error: { code: "siwe_nonce_invalid" } });

    const noToken = await new SessionClient(kyc.issuer.url).post("/v1/sessions", { project: projectId.toString() });
    expect(noToken.status).toBe(401);
  });
});

describe("the HTTP edge", () => {
  it("describes every route at /openapi.json", async () => {
    const doc = (await (await fetch(`${kyc.issuer.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/v1/auth/nonce",
      "/v1/auth/verify",
      "/v1/projects/{id}/kyc-settings",
      "/v1/projects/{ref}",
      "/v1/providers/{name}/webhook",
      "/v1/sessions",
      "/v1/sessions/{id}",
      "/v1/sessions/{id}/attestation",
      "/v1/sessions/{id}/fallback",
      "/v1/sessions/{id}/result",
    ]);
  });

  it("lets the dApp's origin call it from a browser, and no other origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${kyc.issuer.url}/v1/sessions`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
      });
    const dapp = await preflight("http://localhost:5173");
    expect(dapp.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(dapp.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
  });

  it("answers malformed and oversized bodies with a typed 4xx", async () => {
    const who = await person();
    const headers = { authorization: `Bearer ${who.client.token}`, "content-type": "application/json" };
    const broken = await fetch(`${kyc.issuer.url}/v1/sessions`, { method: "POST", headers, body: "{not json" });
    expect(broken.status).toBe(400);
    // RFC 9457 problem details, the shape of every OneKey service, with the request id to quote.
    expect(broken.headers.get("content-type")).toBe("application/problem+json");
    expect(await broken.json()).toEqual({
      type: "/docs/errors#invalid_request",
      title: "Bad Request",
      status: 400,
      detail: expect.stringMatching(/JSON/i),
      code: "invalid_request",
      field: "body",
      requestId: broken.headers.get("x-request-id"),
      error: { code: "invalid_request", message: expect.any(String), field: "body" },
    });
    const unknownKey = await who.client.post("/v1/sessions", { project: projectId.toString(), admin: true });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body).toMatchObject({ error: { field: "admin" } });
    const huge = await fetch(`${kyc.issuer.url}/v1/sessions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ project: "x".repeat(70_000) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: "body_too_large" } });
  });
});

describe("metrics", () => {
  it("count sessions by step and provider, provider calls and errors, and show each breaker", async () => {
    const text = await (await fetch(`${kyc.issuer.url}/metrics`)).text();
    expect(text).toMatch(/onekey_issuer_session_steps_total\{step="provider_started",provider="sandbox"\} \d+/);
    expect(text).toMatch(/onekey_issuer_session_steps_total\{step="decided",provider="sandbox"\} \d+/);
    expect(text).toMatch(
      /onekey_issuer_provider_request_duration_seconds_count\{provider="sandbox",operation="createApplicant",outcome="ok"\} \d+/,
    );
    expect(text).toMatch(
      /onekey_issuer_provider_errors_total\{provider="sandbox",operation="createApplicant",reason="unavailable"\} \d+/,
    );
    expect(text).toMatch(/onekey_issuer_provider_breaker_state\{provider="sandbox"\} 0/);
    expect(text).toMatch(/onekey_issuer_provider_breaker_state\{provider="sandbox-b"\} 0/);
    expect(text).toMatch(/onekey_issuer_attestations_signed_total\{level="2"\} \d+/);
    expect(text).not.toMatch(/0x[0-9a-f]{40}/); // no subject addresses as labels
  });
});

describe("expiry and the cleanup job", () => {
  afterEach(() => {
    kyc.clock.offsetMs = 0;
  });

  it("expires a session nobody finishes, deletes its applicant, and lets the person start again", async () => {
    const who = await person();
    const started = await start(who);
    const applicant = (
      await kyc.issuer.resources.db
        .selectFrom("kyc_sessions")
        .select("provider_applicant_id")
        .where("id", "=", started.body.id)
        .executeTakeFirstOrThrow()
    ).provider_applicant_id as string;
    expect(kyc.sandbox.hasApplicant(applicant)).toBe(true);

    kyc.clock.advance(kyc.issuer.config.kyc.sessionTtlSeconds * 1000 + 1_000);
    const result = await kyc.issuer.kyc.cleanup.runOnce();
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(result.applicantsDeleted).toBeGreaterThanOrEqual(1);
    expect(kyc.sandbox.hasApplicant(applicant)).toBe(false);
    const expired = (await sessionOf(who, started.body.id)).body;
    expect(expired.status).toBe("expired");
    expect(expired.steps.at(-1)).toMatchObject({ step: "expired", reason: "session_expired" });
    expect(expired.launch).toBeUndefined();
    expect((await who.client.post(`/v1/sessions/${started.body.id}/fallback`)).status).toBe(409);
    const next = await start(who);
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(started.body.id);
  });

  it("expires a session on read when the job has not run yet", async () => {
    const who = await person();
    const session = await decidedSession(who);
    kyc.clock.advance(kyc.issuer.config.kyc.sessionTtlSeconds * 1000 + 1_000);
    const pulled = await who.client.post(`/v1/sessions/${session.id}/result`);
    expect(pulled.status).toBe(409);
    expect((await sessionOf(who, session.id)).body.status).toBe("expired");
  });

  it("lets two replicas sweep at once without expiring a session twice", async () => {
    const people = await Promise.all([person(), person(), person()]);
    const ids = await Promise.all(people.map(async (p) => (await start(p)).body.id));
    kyc.clock.advance(kyc.issuer.config.kyc.sessionTtlSeconds * 1000 + 1_000);
    const [one, two] = await Promise.all([kyc.issuer.kyc.cleanup.runOnce(), kyc.issuer.kyc.cleanup.runOnce()]);
    expect(one.expired + two.expired).toBeGreaterThanOrEqual(ids.length);
    const rows = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select("steps")
      .where("id", "in", ids)
      .execute();
    for (const row of rows) expect(row.steps.filter((s) => s.step === "expired")).toHaveLength(1);
  });
});
