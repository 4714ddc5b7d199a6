import { privateKeyToAccount } from "viem/accounts";
import { parseSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeIssuer, startFakeIssuer } from "../../../test/support/fake-issuer.js";
import { IssuerClient, IssuerError, NetworkError } from "./issuer-client.js";
import { SIGN_IN_STATEMENT, signInToIssuer, storedToken } from "./sign-in.js";

// The session client against a fake built from issuer/SESSIONS.md (the real service is tested
// end to end by the e2e suite).
const DOMAIN = "localhost:5173";
const REGISTRY = "0x2222222222222222222222222222222222222222";
const person = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const signer = {
  address: person.address,
  signMessage: ({ message }: { message: string }) => person.signMessage({ message }),
};
let fake: FakeIssuer;
let client: IssuerClient;

beforeAll(async () => {
  fake = await startFakeIssuer({ domain: DOMAIN, chainId: 31337, registry: REGISTRY });
  client = new IssuerClient(fake.url);
});
afterAll(() => fake.close());
beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal("sessionStorage", {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, value),
    removeItem: (key: string) => void store.delete(key),
  });
});

const origin = { host: DOMAIN, href: `http://${DOMAIN}` };

describe("issuer session client (against SESSIONS.md)", () => {
  it("signs in with EIP-4361 for this page's origin only, and keeps the token for this tab", async () => {
    const signed: string[] = [];
    const token = await signInToIssuer(
      client,
      fake.url,
      {
        ...signer,
        signMessage: async (args) => {
          signed.push(args.message);
          return signer.signMessage(args);
        },
      },
      origin,
    );
    expect(token.address).toBe(person.address);
    const fields = parseSiweMessage(signed[0] as string);
    expect(fields).toMatchObject({
      domain: DOMAIN,
      chainId: 31337,
      address: person.address,
      statement: SIGN_IN_STATEMENT,
    });
    expect(storedToken(fake.url, person.address)?.token).toBe(token.token);

    // An issuer set up for another dApp gets no signature.
    const other = vi.fn(signer.signMessage);
    await expect(
      signInToIssuer(
        client,
        fake.url,
        { ...signer, signMessage: other },
        { host: "evil.example", href: "https://evil.example" },
      ),
    ).rejects.toMatchObject({ code: "domain_mismatch" });
    expect(other).not.toHaveBeenCalled();
  });

  it("runs a session: start (201), the same open one again (200), status, the result once, the attestation", async () => {
    const { token } = await signInToIssuer(client, fake.url, signer, origin);
    const project = await client.project("demo");
    expect(project).toMatchObject({ projectId: "1", slug: "demo", requiredLevel: 1, status: "active" });
    const session = await client.startSession(token, "demo", "http://localhost:5173/verify/demo");
    expect(session).toMatchObject({ status: "provider_started", provider: "sandbox", launch: { kind: "hosted-url" } });
    expect((await client.startSession(token, "demo")).id).toBe(session.id);

    fake.decide(session.id, "approved");
    expect(await client.session(token, session.id)).toMatchObject({ status: "decided", outcome: "approved" });
    const pulled = await client.pullResult(token, session.id);
    expect(pulled.personalData).toMatchObject({ lastName: "Lovelace" });
    await expect(client.pullResult(token, session.id)).rejects.toMatchObject({
      status: 410,
      code: "result_already_delivered",
    });

    const report = {
      storageNetwork: 1,
      storageId: `0x${"ab".repeat(32)}` as const,
      ciphertextHash: `0x${"cd".repeat(32)}` as const,
    };
    const grant = await client.attestation(token, session.id, report);
    expect(grant.request).toMatchObject({ subject: person.address, storageId: report.storageId });
    expect(grant.nonce).toBe("0");
    // The same report returns the same signature; another is refused.
    expect((await client.attestation(token, session.id, report)).request).toEqual(grant.request);
    await expect(
      client.attestation(token, session.id, { ...report, ciphertextHash: `0x${"ee".repeat(32)}` }),
    ).rejects.toBeInstanceOf(IssuerError);
    // The token travelled in a header, never in a URL.
    const withToken = fake.requests.filter((r) => r.authorization);
    expect(withToken.length).toBeGreaterThan(0);
    expect(fake.requests.some((r) => r.path.includes(token))).toBe(false);
  });

  it("fallback moves to the next provider, then says none is left (409 no_fallback)", async () => {
    const other = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    const { token } = await signInToIssuer(
      client,
      fake.url,
      { address: other.address, signMessage: ({ message }) => other.signMessage({ message }) },
      origin,
    );
    const session = await client.startSession(token, "demo");
    const moved = await client.fallback(token, session.id);
    expect(moved).toMatchObject({ provider: "sandbox-backup", fallbackAvailable: false });
    await expect(client.fallback(token, session.id)).rejects.toMatchObject({ status: 409, code: "no_fallback" });
  });

  it("turns refusals into IssuerError (its code and words) and silence into NetworkError", async () => {
    await expect(client.project("nope")).rejects.toMatchObject({ status: 404, code: "project_not_found" });
    await expect(client.session("not-a-token", "ses_1")).rejects.toMatchObject({ status: 401 });
    await expect(new IssuerClient("http://127.0.0.1:9").project("demo")).rejects.toBeInstanceOf(NetworkError);
  });

  it("refuses a response that does not match the contract instead of passing it on", async () => {
    const lying = new IssuerClient("http://fake", async () => Response.json({ projectId: "1", slug: 3 }));
    await expect(lying.project("demo")).rejects.toBeInstanceOf(NetworkError);
  });
});
