// biome-ignore-all lint/style/noNonNullAssertion: a test reads back what it has just asserted exists
/**
 * Attacks on the verification session API, each the attacker's script run through the real
 * service, the sandbox providers, the bundler node and the chain. Every test says what the
 * attacker tries and what happens now.
 */

import { createHmac } from "node:crypto";
import { kycRegistryAbi, projectRegistryAbi } from "@onekey/deploy";
import { toSimpleAccountV07 } from "@onekey/web/simple-account";
import { encodeFunctionData, type Hex, keccak256, parseGwei, serializeErc6492Signature, toHex } from "viem";
import { entryPoint07Address } from "viem/account-abstraction";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { completeHostedFlow, eventually, type SessionBody, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack, storeRecord } from "./support/kyc-stack.js";
import { createProject, dropTestDatabase, ensureKycIssuer, paymasterRpc, send, stack } from "./support/stack.js";

let kyc: KycStack;
let projectId: bigint;
const RETURN_URL = "http://localhost:5173/verify/acme";

beforeAll(async () => {
  await ensureKycIssuer();
  kyc = await startKycStack();
  projectId = await createProject("kyc-attacks");
});
afterAll(async () => {
  await kyc?.stop();
  await dropTestDatabase();
});
afterEach(() => {
  kyc.sandbox.setFault("none");
  kyc.sandboxB.setFault("none");
});

async function signedIn() {
  const account = privateKeyToAccount(generatePrivateKey());
  const client = new SessionClient(kyc.issuer.url);
  await client.signInAs(account);
  return { account, client };
}

async function approvedSession(client: SessionClient, firstName = "Alice") {
  const started = await client.post<SessionBody>("/v1/sessions", {
    project: projectId.toString(),
    returnUrl: RETURN_URL,
  });
  expect(started.status).toBe(201);
  await completeHostedFlow(started.body.launch!.url!, { firstName, lastName: "Example" });
  return (
    await eventually(
      "a decision",
      () => client.get<SessionBody>(`/v1/sessions/${started.body.id}`),
      (r) => r.body.status === "decided",
    )
  ).body;
}

const reportOf = (record: { storageId: Hex; ciphertextHash: Hex }) => ({
  storageNetwork: 1,
  storageId: record.storageId,
  ciphertextHash: record.ciphertextHash,
});

describe("attacks on sessions", () => {
  it("attack: read, pull, report or move another person's session by its id", async () => {
    // The attacker learned a victim's session id (a shared screen, a log, a referrer) and tries
    // every route with its own token. Each answers 404, exactly as for an id that does not exist,
    // and the victim's session is unchanged.
    const victim = await signedIn();
    const session = await approvedSession(victim.client);
    const attacker = await signedIn();
    const record = await storeRecord(kyc.bundler.url, new TextEncoder().encode("attacker's record"));
    for (const [method, path, body] of [
      ["GET", `/v1/sessions/${session.id}`, undefined],
      ["POST", `/v1/sessions/${session.id}/result`, undefined],
      ["POST", `/v1/sessions/${session.id}/fallback`, undefined],
      ["POST", `/v1/sessions/${session.id}/attestation`, reportOf(record)],
    ] as const) {
      const answer = await attacker.client.request(method, path, body);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: "session_not_found" } });
    }
    const after = await victim.client.get<SessionBody>(`/v1/sessions/${session.id}`);
    expect(after.body.resultDelivered).toBe(false);
    expect(after.body.steps).toEqual(session.steps);
  });

  it("attack: forge a provider webhook to have a session decided", async () => {
    // The attacker posts a webhook for its own applicant, signed with a key it guessed, hoping the
    // issuer takes the body's word for the decision. The signature does not verify: 401, and the
    // session stays where it was. (Even a verified webhook carries no decision: the issuer always
    // asks the provider.)
    const attacker = await signedIn();
    const started = await attacker.client.post<SessionBody>("/v1/sessions", { project: projectId.toString() });
    const applicantId = (
      await kyc.issuer.resources.db
        .selectFrom("kyc_sessions")
        .select("provider_applicant_id")
        .where("id", "=", started.body.id)
        .executeTakeFirstOrThrow()
    ).provider_applicant_id!;
    const body = JSON.stringify({ eventId: "forged-1", type: "applicantReviewed", applicantId, reviewAnswer: "GREEN" });
    const forged = await fetch(`${kyc.issuer.url}/v1/providers/sandbox/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-payload-digest": createHmac("sha256", "guessed-secret").update(body).digest("hex"),
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "webhook_invalid" } });
    const after = await attacker.client.get<SessionBody>(`/v1/sessions/${started.body.id}`);
    expect(after.body.status).toBe("provider_started");
    const seen = await kyc.issuer.resources.db
      .selectFrom("provider_webhook_events")
      .select("event_id")
      .where("event_id", "=", "forged-1")
      .execute();
    expect(seen).toHaveLength(0);
  });

  it("attack: replay a genuine webhook to undo a later decision", async () => {
    // The attacker captured the sandbox's genuine "submitted" webhook of its first attempt and
    // replays it after the session was decided, hoping to move it back. The delivery id was
    // seen: 200 "duplicate", nothing changes.
    const attacker = await signedIn();
    const session = await approvedSession(attacker.client);
    const pending = kyc.sandbox.deliveries.find((d) => d.type === "applicantPending" && d.status === 200)!;
    const replay = await fetch(`${kyc.issuer.url}/v1/providers/sandbox/webhook`, {
      method: "POST",
      headers: pending.headers,
      body: pending.body,
    });
    expect(await replay.json()).toEqual({ ok: true, result: "duplicate" });
    const after = await attacker.client.get<SessionBody>(`/v1/sessions/${session.id}`);
    expect(after.body.steps).toEqual(session.steps);
  });

  it("attack: get two attestations out of one approved session", async () => {
    // The attacker has one approved session and asks for signatures over two different records
    // at once (to hold two attestations, or one for a friend's record). Exactly one is signed;
    // the other is 409 attestation_conflict, then and on every retry; the ledger holds one entry.
    const attacker = await signedIn();
    const session = await approvedSession(attacker.client);
    expect((await attacker.client.post(`/v1/sessions/${session.id}/result`)).status).toBe(200);
    const [a, b] = await Promise.all([
      storeRecord(kyc.bundler.url, new TextEncoder().encode("record A")),
      storeRecord(kyc.bundler.url, new TextEncoder().encode("record B")),
    ]);
    const answers = await Promise.all(
      [a, b].map((r) => attacker.client.post(`/v1/sessions/${session.id}/attestation`, reportOf(r))),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = answers.find((r) => r.status === 409)!;
    expect(loser.body).toMatchObject({ error: { code: "attestation_conflict" } });
    const winner = answers.findIndex((r) => r.status === 200);
    const retry = await attacker.client.post(`/v1/sessions/${session.id}/attestation`, reportOf(winner === 0 ? b : a));
    expect(retry.status).toBe(409);
    const entries = await kyc.issuer.resources.db
      .selectFrom("signed_attestations")
      .select("digest")
      .where("subject", "=", attacker.account.address.toLowerCase())
      .execute();
    expect(entries).toHaveLength(1);
  });

  it("attack: shop for a second provider's opinion after a rejection", async () => {
    // Rejected by the first provider, the attacker asks for the fallback provider, hoping it
    // approves. Fallback is for a provider that fails before deciding: 409, the session keeps its
    // rejection and its provider.
    const attacker = await signedIn();
    const started = await attacker.client.post<SessionBody>("/v1/sessions", { project: projectId.toString() });
    await completeHostedFlow(started.body.launch!.url!, { firstName: "Reject", lastName: "Me" });
    await eventually(
      "the rejection",
      () => attacker.client.get<SessionBody>(`/v1/sessions/${started.body.id}`),
      (r) => r.body.outcome === "rejected",
    );
    const shop = await attacker.client.post(`/v1/sessions/${started.body.id}/fallback`);
    expect(shop.status).toBe(409);
    expect(shop.body).toMatchObject({ error: { code: "fallback_not_allowed" } });
    const after = await attacker.client.get<SessionBody>(`/v1/sessions/${started.body.id}`);
    expect(after.body).toMatchObject({ provider: "sandbox", outcome: "rejected", fallbackAvailable: false });
  });

  it("attack: sign in on a phishing site, or replay someone's sign-in", async () => {
    // A phishing page gets the victim to sign a message naming its own domain; the attacker
    // forwards it. Refused (domain mismatch). The attacker then replays a genuine sign-in it
    // captured: refused (its nonce is spent).
    const victim = privateKeyToAccount(generatePrivateKey());
    const client = new SessionClient(kyc.issuer.url);
    const phished = await client.siweMessage(victim.address, { domain: "onekey-verify.example" });
    const fromPhish = await client.post("/v1/auth/verify", {
      message: phished,
      signature: await victim.signMessage({ message: phished }),
    });
    expect(fromPhish.status).toBe(401);
    expect(fromPhish.body).toMatchObject({ error: { code: "siwe_domain_mismatch" } });
    const genuine = await client.siweMessage(victim.address);
    const signature = await victim.signMessage({ message: genuine });
    expect((await client.post("/v1/auth/verify", { message: genuine, signature })).status).toBe(200);
    const replay = await client.post("/v1/auth/verify", { message: genuine, signature });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: "siwe_nonce_invalid" } });
  });

  it("attack: make the provider's hosted flow redirect people to the attacker's site", async () => {
    // The attacker starts a session whose returnUrl is its own site, hoping the provider's trusted
    // page sends people there. Only the dApp's origin is accepted: 400 naming returnUrl, and no
    // session or applicant is created.
    const attacker = await signedIn();
    const applicants = kyc.sandbox.applicantCount() + kyc.sandboxB.applicantCount();
    const answer = await attacker.client.post("/v1/sessions", {
      project: projectId.toString(),
      returnUrl: "https://evil.example/verify",
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { field: "returnUrl" } });
    expect(kyc.sandbox.applicantCount() + kyc.sandboxB.applicantCount()).toBe(applicants);
    const rows = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select("id")
      .where("subject", "=", attacker.account.address.toLowerCase())
      .execute();
    expect(rows).toHaveLength(0);
  });

  it("attack: lower a project's checks or pick its providers without being its admin", async () => {
    // A stranger signs in and rewrites another project's KYC settings (to a provider it likes, or
    // fewer checks). 403 not_project_admin; the settings stay as they were.
    const attacker = await signedIn();
    const before = await new SessionClient(kyc.issuer.url).get(`/v1/projects/${projectId}`);
    const answer = await attacker.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, {
      providers: ["sandbox-b"],
      checks: ["document", "liveness"],
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: "not_project_admin" } });
    expect((await new SessionClient(kyc.issuer.url).get(`/v1/projects/${projectId}`)).body).toEqual(before.body);
  });

  it("attack: have the issuer sign a record whose stored bytes are not the reported ciphertext", async () => {
    // The attacker uploads one item and reports the hash of other bytes (so the chain would point
    // at data that does not match its hash). The issuer reads the item back: 422
    // ciphertext_hash_mismatch, nothing signed, the session stays decided.
    const attacker = await signedIn();
    const session = await approvedSession(attacker.client);
    await attacker.client.post(`/v1/sessions/${session.id}/result`);
    const stored = await storeRecord(kyc.bundler.url, new TextEncoder().encode("what is really stored"));
    const answer = await attacker.client.post(`/v1/sessions/${session.id}/attestation`, {
      ...reportOf(stored),
      ciphertextHash: keccak256(new TextEncoder().encode("something else")),
    });
    expect(answer.status).toBe(422);
    const after = await attacker.client.get<SessionBody>(`/v1/sessions/${session.id}`);
    expect(after.body.status).toBe("decided");
  });

  it("attack: pull the personal data twice (two devices at once)", async () => {
    // The attacker (or malware on a second device) races the person's browser for the one-time
    // result. Exactly one pull gets the data; the other is 410 and the data is not kept anywhere.
    const person = await signedIn();
    const session = await approvedSession(person.client);
    const second = new SessionClient(kyc.issuer.url);
    await second.signInAs(person.account);
    const pulls = await Promise.all([
      person.client.post(`/v1/sessions/${session.id}/result`),
      second.post(`/v1/sessions/${session.id}/result`),
    ]);
    expect(pulls.map((p) => p.status).sort()).toEqual([200, 410]);
  });

  it("attack: flood session starts to run up the project's provider bill", async () => {
    // A script starts sessions for one project as fast as it can, with fresh applicants at the
    // provider each time. Per subject, a subject has one open session (repeats return it); across
    // subjects, the subject and project limits (shared in Redis by every replica) answer 429.
    const replica = await kyc.replica({
      ONEKEY_ISSUER_REDIS_KEY_PREFIX: `onekey:issuer:test:flood:${Date.now()}`,
      ONEKEY_ISSUER_SESSION_PROJECT_RATE_PER_MINUTE: "3",
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const client = new SessionClient(replica.url);
      await client.signInAs(privateKeyToAccount(generatePrivateKey()));
      statuses.push((await client.post("/v1/sessions", { project: projectId.toString() })).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it("attack: have a project sponsor setDecryptDelegate for an account that never verified with it", async () => {
    // An account with no session (and no consent or attestation) for the project asks the
    // paymaster to sponsor setDecryptDelegate, paid by that project. Refused:
    // subject_not_of_project. Once the same account has an approved session of the project, the
    // operation is sponsored (a smart account names its delegate before sealing its record).
    const { publicClient, contracts, chainId } = stack();
    const owner = privateKeyToAccount(generatePrivateKey());
    const account = await toSimpleAccountV07({ client: publicClient, owner, factory: contracts.factory });
    const { factory, factoryData } = await account.getFactoryArgs();
    const block = await publicClient.getBlock();
    const op = {
      sender: account.address,
      nonce: "0x0",
      factory,
      factoryData,
      callData: await account.encodeCalls([
        {
          to: contracts.kycRegistry,
          data: encodeFunctionData({ abi: kycRegistryAbi, functionName: "setDecryptDelegate", args: [owner.address] }),
        },
      ]),
      callGasLimit: toHex(60_000n),
      verificationGasLimit: toHex(250_000n),
      preVerificationGas: toHex(50_000n),
      maxFeePerGas: toHex((block.baseFeePerGas ?? 0n) * 2n + parseGwei("1")),
      maxPriorityFeePerGas: toHex(parseGwei("1")),
    };
    const ask = () =>
      paymasterRpc(kyc.issuer.url, "pm_getPaymasterData", [
        op,
        entryPoint07Address,
        toHex(chainId),
        { projectId: projectId.toString() },
      ]);
    const refused = await ask();
    expect(refused.error?.data?.reason).toBe("subject_not_of_project");

    const client = new SessionClient(kyc.issuer.url);
    await client.signIn(account.address, async (message) =>
      serializeErc6492Signature({
        address: factory!,
        data: factoryData!,
        signature: await owner.signMessage({ message }),
      }),
    );
    await approvedSession(client);
    const sponsored = await ask();
    expect(sponsored.error).toBeUndefined();
    expect(sponsored.result?.paymaster).toBe(contracts.paymaster);
  });
});

describe("attacks on project settings through the chain", () => {
  it("attack: keep admin rights after the role was revoked on chain", async () => {
    // A former admin (its ADMIN role revoked on chain) keeps its signed-in token and tries to
    // change the settings. The issuer reads the role from the chain on every call: 403.
    const { contracts } = stack();
    const former = await signedIn();
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [projectId, former.account.address, 1]);
    const body = { providers: ["sandbox", "sandbox-b"], checks: ["document", "liveness"] };
    expect((await former.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, body)).status).toBe(200);
    await send(contracts.projectRegistry, projectRegistryAbi, "revokeRole", [projectId, former.account.address, 1]);
    expect((await former.client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, body)).status).toBe(403);
  });
});
