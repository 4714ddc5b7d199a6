/** A small client of the tenant API for tests and benchmarks, SIWE sign-in included. */
import type { Account, Address } from "viem";
import { createSiweMessage } from "viem/siwe";

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  /** `headers` go with every request (e.g. the X-Forwarded-For a load balancer would add). */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. metrics text): keep the text.
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string, token?: string) {
    return this.request<T>("GET", path, { token });
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, token?: string) {
    return this.request<T>("POST", path, { token, body });
  }

  /** A signed EIP-4361 message for `account`, with whatever fields a test wants to bend. */
  async signedLogin(
    account: Account,
    overrides: Partial<{
      domain: string;
      chainId: number;
      nonce: string;
      issuedAt: Date;
      expirationTime: Date;
      notBefore: Date;
      address: Address;
    }> = {},
  ): Promise<{ message: string; signature: `0x${string}` }> {
    const nonce =
      overrides.nonce ?? ((await this.post<{ nonce: string }>("/v1/auth/nonce", undefined)).body.nonce as string);
    const message = createSiweMessage({
      address: overrides.address ?? account.address,
      chainId: overrides.chainId ?? 31337,
      domain: overrides.domain ?? "localhost",
      nonce,
      uri: "http://localhost/dashboard",
      version: "1",
      statement: "Sign in to the OneKey tenant dashboard",
      issuedAt: overrides.issuedAt ?? new Date(),
      expirationTime: overrides.expirationTime,
      notBefore: overrides.notBefore,
    });
    if (!account.signMessage) throw new Error("account cannot sign");
    const signature = await account.signMessage({ message });
    return { message, signature };
  }

  /** Signs in and returns the session token (throws when refused). */
  async login(account: Account): Promise<string> {
    const res = await this.post<{ token: string }>("/v1/auth/login", await this.signedLogin(account));
    if (res.status !== 200) throw new Error(`login refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  }

  /** Creates an API key for `projectId` as the signed-in admin; returns the secret. */
  async createKey(
    session: string,
    projectId: bigint,
    input: { name?: string; scopes?: string[]; expiresAt?: string } = {},
  ): Promise<{ key: string; id: string }> {
    const res = await this.post<{ key: string; apiKey: { id: string } }>(
      `/v1/admin/projects/${projectId}/api-keys`,
      { name: input.name ?? "test key", scopes: input.scopes ?? ["read"], expiresAt: input.expiresAt },
      session,
    );
    if (res.status !== 201) throw new Error(`key creation refused: ${res.status} ${JSON.stringify(res.body)}`);
    return { key: res.body.key, id: res.body.apiKey.id };
  }
}
