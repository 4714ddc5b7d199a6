/**
 * The issuer's session API (issuer/SESSIONS.md): sign-in, projects, sessions, the one-time result
 * pull and the attestation signature. Every response is validated (schemas.ts); every failure is
 * an `IssuerError` (the issuer's own code and message) or a `NetworkError` (nothing came back),
 * which the error table turns into words. The bearer token travels in a header, never a URL.
 */
import type { Address, Hex } from "viem";
import type { z } from "zod";
import { AttestationGrant, ErrorBody, Nonce, Project, ResultPull, Session, SignIn } from "./schemas.js";

/** The issuer answered with an error: `code` is its machine code, `message` is for a person. */
export class IssuerError extends Error {
  override readonly name = "IssuerError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A service could not be reached or answered something unreadable. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(
    readonly service: "issuer" | "bundler" | "chain" | "storage" | "keys" | "api",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface StorageReport {
  storageNetwork: number;
  storageId: Hex;
  ciphertextHash: Hex;
}

export class IssuerClient {
  private readonly url: string;

  constructor(
    url: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {
    this.url = url.replace(/\/+$/, "");
  }

  nonce(address: Address): Promise<Nonce> {
    return this.call(Nonce, "POST", "/v1/auth/nonce", { body: { address } });
  }

  signIn(message: string, signature: Hex): Promise<SignIn> {
    return this.call(SignIn, "POST", "/v1/auth/verify", { body: { message, signature } });
  }

  project(slugOrId: string): Promise<Project> {
    return this.call(Project, "GET", `/v1/projects/${encodeURIComponent(slugOrId)}`);
  }

  /**
   * Sets a project's provider order and required checks (the token of an address that administers
   * the project on chain); answers the project as the verify page now reads it.
   */
  setKycSettings(
    token: string,
    projectId: string,
    settings: { providers: string[]; checks: string[] },
  ): Promise<Project> {
    return this.call(Project, "PUT", `/v1/projects/${encodeURIComponent(projectId)}/kyc-settings`, {
      token,
      body: settings,
    });
  }

  /** Starts a session, or returns the open one for this subject and project. */
  startSession(token: string, project: string, returnUrl?: string): Promise<Session> {
    return this.call(Session, "POST", "/v1/sessions", {
      token,
      body: { project, ...(returnUrl ? { returnUrl } : {}) },
    });
  }

  session(token: string, id: string): Promise<Session> {
    return this.call(Session, "GET", `/v1/sessions/${encodeURIComponent(id)}`, { token });
  }

  fallback(token: string, id: string): Promise<Session> {
    return this.call(Session, "POST", `/v1/sessions/${encodeURIComponent(id)}/fallback`, { token });
  }

  /** The decided result and the person's data, exactly once (410 afterwards). */
  pullResult(token: string, id: string): Promise<ResultPull> {
    return this.call(ResultPull, "POST", `/v1/sessions/${encodeURIComponent(id)}/result`, { token });
  }

  /** The issuer's EIP-712 signature over the attestation; repeating the same body returns the same one. */
  attestation(token: string, id: string, report: StorageReport): Promise<AttestationGrant> {
    return this.call(AttestationGrant, "POST", `/v1/sessions/${encodeURIComponent(id)}/attestation`, {
      token,
      body: report,
    });
  }

  private async call<T extends z.ZodType>(
    schema: T,
    method: "GET" | "POST" | "PUT",
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<z.infer<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      throw new NetworkError("issuer", `the issuer at ${this.url} cannot be reached`, { cause: error });
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(payload);
      if (parsed.success) {
        const { code, message, field } = parsed.data.error;
        throw new IssuerError(response.status, code, message, field);
      }
      throw new IssuerError(response.status, `http_${response.status}`, `The issuer answered HTTP ${response.status}.`);
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new NetworkError("issuer", `the issuer answered ${method} ${path} with an unexpected shape`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}
