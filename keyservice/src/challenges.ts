/**
 * Issued SIWE challenges, keyed by nonce. A challenge is taken out of the book on its first use,
 * whatever the outcome, so a signature can never be replayed; expired ones are swept on access.
 * Two purposes, each with its own statement and resource, so a signature for one is never good
 * for the other: releasing a stored key, and storing a key for an attestation's condition.
 */
import { randomBytes } from "node:crypto";
import { createSiweMessage } from "viem/siwe";
import {
  CHALLENGE_STATEMENT,
  type DecryptCondition,
  keyResource,
  STORE_CHALLENGE_STATEMENT,
  storeResource,
} from "./protocol.js";

export type ChallengePurpose = { kind: "release"; keyId: string } | { kind: "store"; condition: DecryptCondition };

export interface Challenge {
  purpose: ChallengePurpose;
  /** The SIWE resource the message names (keyResource or storeResource). */
  resource: string;
  address: `0x${string}`;
  message: string;
  expiresAt: Date;
}

/** Outstanding challenges are capped so that unauthenticated callers cannot grow memory forever. */
const MAX_OUTSTANDING = 10_000;

export class ChallengeBook {
  private readonly byNonce = new Map<string, Challenge>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  issue(params: {
    purpose: ChallengePurpose;
    address: `0x${string}`;
    chainId: number;
    domain: string;
    uri: string;
  }): Challenge {
    this.sweep();
    if (this.byNonce.size >= MAX_OUTSTANDING) {
      // Oldest first: Map iteration follows insertion order.
      const oldest = this.byNonce.keys().next().value as string;
      this.byNonce.delete(oldest);
    }
    const nonce = randomBytes(16).toString("hex");
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + this.ttlSeconds * 1000);
    const { purpose } = params;
    const resource = purpose.kind === "release" ? keyResource(purpose.keyId) : storeResource(purpose.condition);
    const message = createSiweMessage({
      address: params.address,
      chainId: params.chainId,
      domain: params.domain,
      uri: params.uri,
      version: "1",
      nonce,
      issuedAt,
      expirationTime: expiresAt,
      statement: purpose.kind === "release" ? CHALLENGE_STATEMENT : STORE_CHALLENGE_STATEMENT,
      resources: [resource],
    });
    const challenge = { purpose, resource, address: params.address, message, expiresAt };
    this.byNonce.set(nonce, challenge);
    return challenge;
  }

  /** Removes and returns the live challenge with this nonce, or undefined. */
  take(nonce: string): Challenge | undefined {
    const challenge = this.byNonce.get(nonce);
    this.byNonce.delete(nonce);
    if (challenge === undefined || challenge.expiresAt <= this.now()) return undefined;
    return challenge;
  }

  get size(): number {
    return this.byNonce.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [nonce, challenge] of this.byNonce) if (challenge.expiresAt <= now) this.byNonce.delete(nonce);
  }
}
