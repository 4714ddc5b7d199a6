/**
 * Issued SIWE challenges, keyed by nonce. A challenge is taken out of the book on its first use,
 * whatever the outcome, so a signature can never be replayed; expired ones are swept on access.
 * Two purposes, each with its own statement and resource, so a signature for one is never good
 * for the other: releasing a stored key, and storing a key for an attestation's condition.
 *
 * Every message names the configured dApp (SIWE domain and uri), never one the caller picked.
 * Issuing is unauthenticated, so the book is bounded without ever dropping a live challenge:
 * each requester (client) holds at most `perRequester` outstanding ones, the book `total`;
 * beyond either, a new challenge is refused.
 */
import { randomBytes } from "node:crypto";
import {
  CHALLENGE_STATEMENT,
  type DecryptCondition,
  keyResource,
  STORE_CHALLENGE_STATEMENT,
  storeResource,
} from "@onekey/keyservice-protocol";
import { createSiweMessage } from "viem/siwe";

export type ChallengePurpose = { kind: "release"; keyId: string } | { kind: "store"; condition: DecryptCondition };

export interface Challenge {
  purpose: ChallengePurpose;
  /** The SIWE resource the message names (keyResource or storeResource). */
  resource: string;
  address: `0x${string}`;
  message: string;
  expiresAt: Date;
  /** Who asked for it (the client's network address): what its share of the book is counted by. */
  requester: string;
}

export interface ChallengeLimits {
  perRequester: number;
  total: number;
}

/** A few in flight per browser is plenty: each unlock or store takes its challenge at once. */
export const DEFAULT_CHALLENGE_LIMITS: ChallengeLimits = { perRequester: 32, total: 10_000 };

export class ChallengeLimitError extends Error {
  override readonly name = "ChallengeLimitError";
}

export class ChallengeBook {
  private readonly byNonce = new Map<string, Challenge>();
  private readonly outstanding = new Map<string, number>();
  private readonly domain: string;
  private readonly uri: string;

  constructor(
    private readonly options: {
      ttlSeconds: number;
      /** The dApp origin every challenge names: its host is the SIWE domain, itself the uri. */
      dappOrigin: string;
      limits?: ChallengeLimits;
      now?: () => Date;
    },
  ) {
    const origin = new URL(options.dappOrigin);
    this.domain = origin.host;
    this.uri = origin.origin;
  }

  issue(params: { purpose: ChallengePurpose; address: `0x${string}`; chainId: number; requester: string }): Challenge {
    this.sweep();
    const limits = this.options.limits ?? DEFAULT_CHALLENGE_LIMITS;
    if ((this.outstanding.get(params.requester) ?? 0) >= limits.perRequester) {
      throw new ChallengeLimitError(
        `this client already holds ${limits.perRequester} unused challenges; use or let them expire first`,
      );
    }
    if (this.byNonce.size >= limits.total) {
      throw new ChallengeLimitError("the key service holds too many unused challenges; retry shortly");
    }
    const nonce = randomBytes(16).toString("hex");
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + this.options.ttlSeconds * 1000);
    const { purpose } = params;
    const resource = purpose.kind === "release" ? keyResource(purpose.keyId) : storeResource(purpose.condition);
    const message = createSiweMessage({
      address: params.address,
      chainId: params.chainId,
      domain: this.domain,
      uri: this.uri,
      version: "1",
      nonce,
      issuedAt,
      expirationTime: expiresAt,
      statement: purpose.kind === "release" ? CHALLENGE_STATEMENT : STORE_CHALLENGE_STATEMENT,
      resources: [resource],
    });
    const challenge = { purpose, resource, address: params.address, message, expiresAt, requester: params.requester };
    this.byNonce.set(nonce, challenge);
    this.outstanding.set(params.requester, (this.outstanding.get(params.requester) ?? 0) + 1);
    return challenge;
  }

  /** Removes and returns the live challenge with this nonce, or undefined. */
  take(nonce: string): Challenge | undefined {
    const challenge = this.byNonce.get(nonce);
    if (challenge === undefined) return undefined;
    this.remove(nonce, challenge);
    return challenge.expiresAt <= this.now() ? undefined : challenge;
  }

  get size(): number {
    return this.byNonce.size;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private remove(nonce: string, challenge: Challenge): void {
    this.byNonce.delete(nonce);
    const left = (this.outstanding.get(challenge.requester) ?? 1) - 1;
    if (left > 0) this.outstanding.set(challenge.requester, left);
    else this.outstanding.delete(challenge.requester);
  }

  private sweep(): void {
    const now = this.now();
    for (const [nonce, challenge] of this.byNonce) if (challenge.expiresAt <= now) this.remove(nonce, challenge);
  }
}
