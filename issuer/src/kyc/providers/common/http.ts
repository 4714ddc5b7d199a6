import type { z } from "zod";
import { ProviderError, type ProviderErrorReason, type ProviderName } from "../provider.js";

/** One call to a provider's API, already signed. */
export interface ProviderRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path and query string, starting with "/", exactly as sent (signatures cover it). */
  path: string;
  /** The path with ids replaced by placeholders: the only form that reaches an error message. */
  route: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ProviderResponse {
  status: number;
  /** The parsed JSON body, or undefined for an empty one. */
  json: unknown;
}

/** The documented meaning of an HTTP status for our side (see ProviderErrorReason). */
export function reasonForStatus(status: number): ProviderErrorReason {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429 || status >= 500) return "unavailable";
  return "rejected_request";
}

/**
 * Sends a request with the caller's AbortSignal and maps every failure to a ProviderError. Error
 * messages name the provider, method, route and status only: response bodies (which may echo a
 * person's data) never reach a message or a cause. Redirects are refused, so our credentials
 * never follow a provider's answer to another host.
 *
 * `accept` lists non-2xx statuses the caller handles itself (e.g. a 409 meaning "already exists");
 * `json: false` skips reading the body (an endpoint documented to answer plain text).
 */
export async function sendProviderRequest(
  provider: ProviderName,
  fetchImpl: typeof fetch,
  baseUrl: string,
  request: ProviderRequest,
  signal: AbortSignal,
  options: { accept?: readonly number[]; json?: boolean } = {},
): Promise<ProviderResponse> {
  const { accept = [], json = true } = options;
  const what = `${provider}: ${request.method} ${request.route}`;
  const failed = (error: unknown): ProviderError =>
    signal.aborted
      ? new ProviderError(provider, "timeout", `${what} timed out`)
      : new ProviderError(provider, "unavailable", `${what} failed: no connection`, { cause: error });

  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: "error",
    });
  } catch (error) {
    throw failed(error);
  }

  const ok = response.status >= 200 && response.status < 300;
  if (!ok && !accept.includes(response.status)) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderError(provider, reasonForStatus(response.status), `${what} answered ${response.status}`);
  }

  if (!json) {
    await response.body?.cancel().catch(() => {});
    return { status: response.status, json: undefined };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw failed(error);
  }
  if (text.trim() === "") return { status: response.status, json: undefined };
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    // No cause: a JSON SyntaxError quotes the body it could not read.
    throw new ProviderError(
      provider,
      "bad_response",
      `${what} answered ${response.status} with a body that is not JSON`,
    );
  }
}

/**
 * Reads a provider's answer with a zod schema. The message lists where the shape broke (paths and
 * issue codes), never the values found there.
 */
export function readBody<T extends z.ZodType>(
  provider: ProviderName,
  route: string,
  schema: T,
  json: unknown,
): z.output<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.code}`)
    .join("; ");
  throw new ProviderError(provider, "bad_response", `${provider}: ${route} answered an unexpected shape (${where})`);
}
