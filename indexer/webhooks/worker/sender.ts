/**
 * One HTTP delivery: the Standard Webhooks headers (signed by the `standardwebhooks` library,
 * the reference implementation, so receivers using any Standard Webhooks verifier accept it),
 * a hard timeout, and an outcome the deliverer can store. During a secret rotation the request
 * carries one signature per live secret, space-separated, as the standard allows.
 */
import { isIP } from "node:net";
import { Webhook } from "standardwebhooks";
import { Agent, request } from "undici";
import { type DestinationMode, guardedLookup, isPublicAddress } from "../destinations.js";

export interface Outcome {
  statusCode: number | null;
  latencyMs: number;
  /** A short, safe description of a transport failure (never the response body). */
  error: string | null;
}

/** Kept small: the receiver's answer is read only to free the connection. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class Sender {
  readonly #agent: Agent;
  readonly #signers = new Map<string, Webhook>();

  constructor(
    private readonly timeoutMs: number,
    private readonly mode: DestinationMode,
  ) {
    this.#agent = new Agent({
      connect: { lookup: guardedLookup(mode), timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
      connections: 128,
    });
  }

  #signer(secret: string): Webhook {
    let signer = this.#signers.get(secret);
    if (!signer) {
      signer = new Webhook(secret);
      this.#signers.set(secret, signer);
    }
    return signer;
  }

  /** The signed headers for `body`, one signature per secret. */
  headers(messageId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
    const signatures = secrets.map((s) => this.#signer(s).sign(messageId, at, body));
    return {
      "content-type": "application/json",
      "user-agent": "OneKey-Webhooks/1",
      "webhook-id": messageId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signatures.join(" "),
    };
  }

  async send(url: string, messageId: string, body: string, secrets: readonly string[]): Promise<Outcome> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    // A literal IP skips DNS (and so the guarded lookup): check it here.
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    if (this.mode === "production" && isIP(host) && !isPublicAddress(host)) {
      return { statusCode: null, latencyMs: 0, error: "refused: non-public address" };
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(url, {
        method: "POST",
        headers: this.headers(messageId, body, secrets, new Date()),
        body,
        dispatcher: this.#agent,
        signal,
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      let read = 0;
      for await (const chunk of response.body) {
        read += (chunk as Buffer).length;
        if (read > MAX_RESPONSE_BYTES) break;
      }
      if (read > MAX_RESPONSE_BYTES) response.body.destroy();
      return { statusCode: response.statusCode, latencyMs: latency(), error: null };
    } catch (error) {
      return { statusCode: null, latencyMs: latency(), error: describe(error, signal.aborted) };
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function describe(error: unknown, timedOut: boolean): string {
  if (timedOut) return "timeout";
  const code = (error as { code?: string }).code;
  if (code === "EDESTINATION") return "refused: non-public address";
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect timeout";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset";
  return code ? `network error ${code}` : "network error";
}
