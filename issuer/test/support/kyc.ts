/**
 * Test helpers for the KYC flow: a person filling in the sandbox's hosted flow over HTTP (the
 * same form posts a browser makes), a subject signing in (EOA or SimpleAccount owner), and a
 * small client of the session API.
 */
import type { Account, Address, Hex, LocalAccount } from "viem";
import { createSiweMessage } from "viem/siwe";

export interface PersonInput {
  firstName: string;
  lastName: string;
  dateOfBirth?: string;
  country?: string;
  documentType?: string;
  documentNumber?: string;
}

/**
 * Fills in the hosted flow at `url` the way a person's browser submits it: the document form,
 * then (when the flow asks) the simulated selfie. Returns where the flow sends the person back.
 */
export async function completeHostedFlow(
  url: string,
  person: PersonInput,
): Promise<{ location?: string; pages: string[] }> {
  const pages: string[] = [];
  const first = await fetch(url);
  pages.push(await first.text());
  if (first.status !== 200) throw new Error(`flow page answered ${first.status}`);
  const form = new URLSearchParams({
    firstName: person.firstName,
    lastName: person.lastName,
    dateOfBirth: person.dateOfBirth ?? "1990-04-27",
    country: person.country ?? "DE",
    documentType: person.documentType ?? "PASSPORT",
    documentNumber: person.documentNumber ?? "C01X00T47",
  });
  const submitted = await fetch(url, {
    method: "POST",
    body: form,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  if (submitted.status !== 303)
    throw new Error(`document step answered ${submitted.status}: ${await submitted.text()}`);
  let location = submitted.headers.get("location") ?? undefined;
  if (location?.endsWith("/selfie")) {
    const selfieUrl = new URL(location, url).toString();
    const selfie = await fetch(selfieUrl);
    pages.push(await selfie.text());
    const done = await fetch(selfieUrl, {
      method: "POST",
      body: new URLSearchParams({ confirm: "yes", selfie: "taken" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    if (done.status !== 303 && done.status !== 200) throw new Error(`selfie step answered ${done.status}`);
    location = done.headers.get("location") ?? undefined;
  }
  return { location, pages };
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client of the issuer's session API, as the dApp would call it. */
export class SessionClient {
  token?: string;
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = Record<string, unknown>>(path: string) => this.request<T>("GET", path);
  post = <T = Record<string, unknown>>(path: string, body?: unknown) => this.request<T>("POST", path, body);

  /** An EIP-4361 message for `address` with the issuer's nonce, domain and URI. */
  async siweMessage(address: Address, overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) {
    const nonce = await this.post<{ nonce: string; domain: string; uri: string; chainId: number }>("/v1/auth/nonce", {
      address,
    });
    if (nonce.status !== 200) throw new Error(`nonce refused: ${nonce.status} ${JSON.stringify(nonce.body)}`);
    return createSiweMessage({
      address,
      chainId: nonce.body.chainId,
      domain: nonce.body.domain,
      uri: nonce.body.uri,
      nonce: nonce.body.nonce,
      version: "1",
      statement: "Sign in to verify with OneKey",
      issuedAt: new Date(),
      ...overrides,
    });
  }

  /** Signs in as `address`, the message signed by `sign` (an EOA, or a smart account's own signer). */
  async signIn(address: Address, sign: (message: string) => Promise<Hex>): Promise<string> {
    const message = await this.siweMessage(address);
    const answer = await this.post<{ token: string }>("/v1/auth/verify", { message, signature: await sign(message) });
    if (answer.status !== 200) throw new Error(`sign-in refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.token = answer.body.token;
    return answer.body.token;
  }

  signInAs(account: LocalAccount | Account): Promise<string> {
    if (!account.signMessage) throw new Error("the account cannot sign");
    const signMessage = account.signMessage.bind(account);
    return this.signIn(account.address, (message) => signMessage({ message }));
  }
}

export interface SessionBody {
  id: string;
  projectId: string;
  subject: string;
  status: string;
  provider: string | null;
  launch?: { kind: string; url?: string; provider: string; expiresAt: number };
  outcome?: string;
  reasonCodes?: string[];
  steps: { step: string; at: string; reason?: string; provider?: string }[];
  expiresAt: string;
  fallbackAvailable: boolean;
  resultDelivered: boolean;
  level?: number;
}

/** Polls `probe` until `until` holds (no fixed sleeps). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  until: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    last = await probe();
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
