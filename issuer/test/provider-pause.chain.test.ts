// biome-ignore-all lint/style/noNonNullAssertion: a test reads back what it has just asserted exists
/**
 * Operators pausing a KYC provider protocol-wide (kyc/provider-states.ts, kyc/operator-routes.ts)
 * through the real issuer on the shared local chain with its two sandbox providers: a paused
 * provider is skipped at start and the next one takes the session, all paused is the ordinary 503
 * (the operators' reason never reaches the person), a session already at the paused provider
 * carries on to its decision, a resume restores the provider; a wrong token, an unknown provider
 * and a bad body change nothing.
 */
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderStates } from "../src/kyc/provider-states.js";
import { completeHostedFlow, eventually, type SessionBody, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack } from "./support/kyc-stack.js";
import { createProject, dropTestDatabase, ensureKycIssuer } from "./support/stack.js";

const TOKEN = "operator-token-0123456789abcdef-0123";
const OPERATOR = privateKeyToAccount(generatePrivateKey()).address;
const RETURN_URL = "http://localhost:5173/verify/acme";
const REASON = "sandbox incident 42: breach reported by the provider";

let kyc: KycStack;
let projectId: bigint;
let operator: SessionClient;

interface ProviderView {
  name: string;
  paused: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: string | null;
  circuit: string;
  sessionsStarted24h: number;
  openSessions: number;
}

beforeAll(async () => {
  await ensureKycIssuer();
  kyc = await startKycStack({ ONEKEY_ISSUER_OPERATOR_TOKEN: TOKEN });
  projectId = await createProject("paused-provider");
  operator = new SessionClient(kyc.issuer.url);
  operator.token = TOKEN;
});
afterAll(async () => {
  await kyc?.stop();
  await dropTestDatabase();
});

async function person() {
  const account = privateKeyToAccount(generatePrivateKey());
  const client = new SessionClient(kyc.issuer.url);
  await client.signInAs(account);
  return { account, client };
}

const start = (who: Awaited<ReturnType<typeof person>>) =>
  who.client.post<SessionBody>("/v1/sessions", { project: projectId.toString(), returnUrl: RETURN_URL });

const setState = (name: string, body: unknown, client = operator) =>
  client.request<ProviderView & { changed: boolean }>("PUT", `/v1/internal/operator/providers/${name}`, body);

async function providers(): Promise<Record<string, ProviderView>> {
  const res = await operator.get<{ data: ProviderView[] }>("/v1/internal/operator/providers");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(res.body.data.map((p) => [p.name, p]));
}

describe("pausing a KYC provider", () => {
  it("skips a paused provider at start, keeps its open sessions going, answers 503 when all are paused, and resumes", async () => {
    // A person part-way through at "sandbox" before the pause.
    const early = await person();
    const open = await start(early);
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    expect(open.body.provider).toBe("sandbox");

    const before = await providers();
    expect(Object.keys(before)).toEqual(["sandbox", "sandbox-b"]);
    expect(before.sandbox).toMatchObject({
      paused: false,
      reason: null,
      changedBy: null,
      changedAt: null,
      circuit: "closed",
      sessionsStarted24h: 1,
      openSessions: 1,
    });
    expect(before["sandbox-b"]).toMatchObject({ paused: false, sessionsStarted24h: 0, openSessions: 0 });

    const paused = await setState("sandbox", { paused: true, reason: REASON, changedBy: OPERATOR });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body).toMatchObject({
      name: "sandbox",
      paused: true,
      reason: REASON,
      changedBy: OPERATOR.toLowerCase(),
      changed: true,
    });
    // The same request again is the same state: nothing changes, not even who changed it when.
    const again = await setState("sandbox", {
      paused: true,
      reason: REASON,
      changedBy: privateKeyToAccount(generatePrivateKey()).address,
    });
    expect(again.body).toMatchObject({ changed: false, changedBy: OPERATOR.toLowerCase() });
    expect(again.body.changedAt).toBe(paused.body.changedAt);

    // A new person goes to the next provider.
    const next = await start(await person());
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.provider).toBe("sandbox-b");
    expect(next.body.fallbackAvailable).toBe(false);

    // The person already at the paused provider resumes there and is decided there.
    const resumed = await start(early);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: open.body.id, provider: "sandbox" });
    await completeHostedFlow(open.body.launch!.url!, { firstName: "Ada", lastName: "Lovelace" });
    const decided = await eventually(
      "the decision at the paused provider",
      () => early.client.get<SessionBody>(`/v1/sessions/${open.body.id}`),
      (r) => r.status === 200 && r.body.status === "decided",
    );
    expect(decided.body).toMatchObject({ provider: "sandbox", outcome: "approved" });

    // Every provider paused: the outage answer, nothing stored, and no word of the operators' reason.
    await setState("sandbox-b", { paused: true, reason: "contract ended", changedBy: OPERATOR });
    const refusedPerson = await person();
    const refused = await start(refusedPerson);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: "no_provider_available" } });
    expect(JSON.stringify(refused.body)).not.toMatch(/incident|breach|contract/);
    const stored = await kyc.issuer.resources.db
      .selectFrom("kyc_sessions")
      .select("id")
      .where("subject", "=", refusedPerson.account.address.toLowerCase())
      .execute();
    expect(stored).toEqual([]);

    const listed = await providers();
    expect(listed.sandbox).toMatchObject({ paused: true, reason: REASON, sessionsStarted24h: 1, openSessions: 1 });
    expect(listed["sandbox-b"]).toMatchObject({ paused: true, reason: "contract ended", openSessions: 1 });

    // Resumed: new sessions go to the first provider again.
    const resume = await setState("sandbox", {
      paused: false,
      reason: "provider fixed the breach",
      changedBy: OPERATOR,
    });
    expect(resume.body).toMatchObject({ paused: false, reason: "provider fixed the breach", changed: true });
    const after = await start(await person());
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(after.body.provider).toBe("sandbox");
    await setState("sandbox-b", { paused: false, reason: "new contract", changedBy: OPERATOR });
    // The operators' note is theirs: it is in no log line.
    expect(kyc.logs.join("\n")).not.toMatch(/incident 42|contract ended/);
  });

  it("another replica's pause is seen once the cache's few seconds are over, without a query per start", async () => {
    const db = kyc.issuer.resources.db;
    let t = 0;
    const replica = createProviderStates(db, { cacheMs: 5_000, now: () => new Date(), clock: () => t });
    const other = createProviderStates(db, { cacheMs: 5_000, now: () => new Date() });
    expect([...(await replica.paused())]).toEqual([]);
    await other.set("sandbox-b", { paused: true, reason: "replica test", changedBy: OPERATOR });
    t = 4_999;
    expect([...(await replica.paused())]).toEqual([]);
    t = 5_000;
    expect([...(await replica.paused())]).toEqual(["sandbox-b"]);
    // The replica that makes a change sees it at once.
    await replica.set("sandbox-b", { paused: false, reason: "replica test over", changedBy: OPERATOR });
    expect([...(await replica.paused())]).toEqual([]);
  });

  it("attack: an unknown provider, a bad body and a wrong token change nothing; refusals are limited", async () => {
    const state = async () => (await providers()).sandbox;
    const initial = await state();

    const unknown = await setState("sumsub", { paused: true, reason: "x", changedBy: OPERATOR });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: "provider_not_found" } });
    expect((await setState("..%2Fsandbox", { paused: true, reason: "x", changedBy: OPERATOR })).status).toBe(404);

    for (const [body, field] of [
      [{ paused: "yes", reason: "x", changedBy: OPERATOR }, "paused"],
      [{ paused: true, reason: "", changedBy: OPERATOR }, "reason"],
      [{ paused: true, reason: "x".repeat(201), changedBy: OPERATOR }, "reason"],
      [{ paused: true, reason: "line\nbreak", changedBy: OPERATOR }, "reason"],
      [{ paused: true, reason: "x", changedBy: "operator" }, "changedBy"],
      [{ paused: true, reason: "x" }, "changedBy"],
      [{ paused: true, reason: "x", changedBy: OPERATOR, extra: 1 }, "body"],
      ["not json", "body"],
    ] as const) {
      const res = await setState("sandbox", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: "invalid_request", field } });
    }

    const stranger = new SessionClient(kyc.issuer.url);
    const statuses: number[] = [];
    for (const token of ["", `${TOKEN}x`, TOKEN.slice(0, -1), ...Array(9).fill("guess")]) {
      stranger.token = token || undefined;
      statuses.push((await setState("sandbox", { paused: true, reason: "x", changedBy: OPERATOR }, stranger)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    stranger.token = "guess";
    expect((await stranger.get("/v1/internal/operator/providers")).status).toBe(429);

    // Nothing changed; the operator with the right token is not limited by the stranger's attempts.
    expect(await state()).toEqual(initial);
  });
});
