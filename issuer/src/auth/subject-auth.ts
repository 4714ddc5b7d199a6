/**
 * Sign-In with Ethereum (EIP-4361) for the people who verify. The issuer hands out single-use
 * nonces bound to the address that asked; a sign-in must name the issuer's configured dApp
 * (domain and uri: never one a page chooses), its chain, be inside its validity window, carry a
 * signature of the address it names (EOA, ERC-1271/6492, or a SimpleAccount's owner: see
 * signature.ts), and spend an unspent nonce. It opens a bearer token, stored as its sha256.
 */

import type { SignatureVerifier } from "@onekey/service-kit/signatures";
import type { Kysely } from "kysely";
import { type Address, getAddress, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import type { IssuerDatabase } from "../ledger/types.js";
import { looksLikeToken, newToken, sha256Hex } from "./tokens.js";

export type SignInRejection =
  | "message_malformed"
  | "domain_mismatch"
  | "uri_mismatch"
  | "chain_mismatch"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "signature_invalid"
  | "nonce_invalid";

export const SIGN_IN_REJECTIONS: Record<SignInRejection, string> = {
  message_malformed: "The message is not a complete EIP-4361 message",
  domain_mismatch: "The message names another domain than the dApp's",
  uri_mismatch: "The message's URI is not on the dApp's origin",
  chain_mismatch: "The message names another chain",
  expired: "The message has expired",
  not_yet_valid: "The message is not valid yet (notBefore)",
  issued_in_future: "The message is issued in the future",
  signature_invalid: "The signature does not match the address",
  nonce_invalid: "The nonce is unknown, expired, already used or issued to another address",
};

export interface SubjectAuthSettings {
  /** The dApp origin (https://app.example); its host is the SIWE domain. */
  origin: string;
  domain: string;
  chainId: number;
  nonceTtlSeconds: number;
  tokenTtlSeconds: number;
}

/** Clock skew tolerated between the signer's clock and ours. */
const SKEW_MS = 60_000;

/** How long a replica keeps a verified token in memory (tokens are never revoked, only expire). */
const TOKEN_CACHE_MS = 30_000;
const TOKEN_CACHE_ENTRIES = 20_000;

export class SubjectAuth {
  readonly #tokens = new Map<string, { address: Address; until: number }>();

  constructor(
    private readonly db: Kysely<IssuerDatabase>,
    private readonly settings: SubjectAuthSettings,
    private readonly verify: SignatureVerifier,
  ) {}

  async issueNonce(address: Address, now: Date) {
    const nonce = generateSiweNonce();
    const expiresAt = new Date(now.getTime() + this.settings.nonceTtlSeconds * 1000);
    await this.db
      .insertInto("auth_nonces")
      .values({ nonce, address: address.toLowerCase(), expires_at: expiresAt, used_at: null })
      .execute();
    return {
      nonce,
      domain: this.settings.domain,
      uri: this.settings.origin,
      chainId: this.settings.chainId,
      expiresAt,
    };
  }

  async signIn(
    message: string,
    signature: Hex,
    now: Date,
  ): Promise<{ token: string; address: Address; expiresAt: Date } | { rejected: SignInRejection }> {
    let fields: ReturnType<typeof parseSiweMessage>;
    try {
      fields = parseSiweMessage(message);
    } catch {
      return { rejected: "message_malformed" };
    }
    const { address, domain, chainId, nonce, uri, version, issuedAt, expirationTime, notBefore } = fields;
    if (!address || !domain || !chainId || !nonce || !uri || version !== "1" || !issuedAt) {
      return { rejected: "message_malformed" };
    }
    if ([issuedAt, expirationTime, notBefore].some((d) => d && Number.isNaN(d.getTime()))) {
      return { rejected: "message_malformed" };
    }
    if (domain !== this.settings.domain) return { rejected: "domain_mismatch" };
    if (!URL.canParse(uri) || new URL(uri).origin !== this.settings.origin) return { rejected: "uri_mismatch" };
    if (chainId !== this.settings.chainId) return { rejected: "chain_mismatch" };
    if (issuedAt.getTime() > now.getTime() + SKEW_MS) return { rejected: "issued_in_future" };
    // Good for the nonce's lifetime at most, whatever expirationTime the message names.
    if (issuedAt.getTime() < now.getTime() - this.settings.nonceTtlSeconds * 1000 - SKEW_MS) {
      return { rejected: "expired" };
    }
    if (expirationTime && expirationTime.getTime() <= now.getTime()) return { rejected: "expired" };
    if (notBefore && notBefore.getTime() > now.getTime() + SKEW_MS) return { rejected: "not_yet_valid" };

    // A nonce someone else asked for is refused before any chain call (cheap, and no oracle).
    const issued = await this.db
      .selectFrom("auth_nonces")
      .select("address")
      .where("nonce", "=", nonce)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (!issued || issued.address !== address.toLowerCase()) return { rejected: "nonce_invalid" };

    let valid = false;
    try {
      valid = await this.verify({ address, message, signature });
    } catch {
      valid = false;
    }
    if (!valid) return { rejected: "signature_invalid" };

    const token = newToken();
    const ttlEnd = now.getTime() + this.settings.tokenTtlSeconds * 1000;
    const expiresAt = new Date(Math.min(ttlEnd, expirationTime?.getTime() ?? ttlEnd));
    const opened = await this.db.transaction().execute(async (trx) => {
      // Spending the nonce is the replay guard: only one sign-in can set used_at.
      const spent = await trx
        .updateTable("auth_nonces")
        .set({ used_at: now })
        .where("nonce", "=", nonce)
        .where("used_at", "is", null)
        .returning("nonce")
        .executeTakeFirst();
      if (!spent) return false;
      await trx
        .insertInto("auth_tokens")
        .values({ token_hash: sha256Hex(token), address: address.toLowerCase(), expires_at: expiresAt })
        .execute();
      return true;
    });
    if (!opened) return { rejected: "nonce_invalid" };
    return { token, address: getAddress(address), expiresAt };
  }

  /** The address a live token belongs to. */
  async authenticate(token: string, now: Date): Promise<Address | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const hash = sha256Hex(token);
    const cached = this.#tokens.get(hash);
    if (cached && cached.until > now.getTime()) return cached.address;
    const row = await this.db
      .selectFrom("auth_tokens")
      .select(["address", "expires_at"])
      .where("token_hash", "=", hash)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (!row) return undefined;
    const address = getAddress(row.address);
    // Every request carries the token: keep it briefly rather than ask the database each time.
    if (this.#tokens.size >= TOKEN_CACHE_ENTRIES) this.#tokens.delete(this.#tokens.keys().next().value as string);
    this.#tokens.set(hash, {
      address,
      until: Math.min(now.getTime() + TOKEN_CACHE_MS, new Date(row.expires_at).getTime()),
    });
    return address;
  }

  /** Removes spent and stale nonces and tokens (the cleanup job; bounded per call). */
  async sweep(now: Date): Promise<number> {
    const nonces = await this.db
      .deleteFrom("auth_nonces")
      .where("nonce", "in", (q) =>
        q.selectFrom("auth_nonces").select("nonce").where("expires_at", "<", now).limit(1000),
      )
      .executeTakeFirst();
    const tokens = await this.db
      .deleteFrom("auth_tokens")
      .where("token_hash", "in", (q) =>
        q.selectFrom("auth_tokens").select("token_hash").where("expires_at", "<", now).limit(1000),
      )
      .executeTakeFirst();
    return Number(nonces.numDeletedRows) + Number(tokens.numDeletedRows);
  }
}
