/**
 * Sign-In with Ethereum (EIP-4361) for project admins. The server issues single-use nonces; a
 * login must name our domain and chain, be inside its validity window, carry a signature of the
 * address it names (EOA or ERC-1271/6492 smart account), and use an unspent nonce. Which projects
 * the address administers is read from the indexed chain state on every admin request, not here.
 */
import type { SignatureVerifier } from "@onekey/service-kit/signatures";
import type { Kysely } from "kysely";
import type { Address, Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import { writeAudit } from "../../../db/audit.js";
import type { ApiDatabase } from "../../../db/tables.js";
import { newSecret, SESSION_PREFIX, sha256Hex } from "./tokens.js";

/** Verifies that `address` signed `message` (EIP-191), on-chain for contract accounts. */

export type { SignatureVerifier };

export type LoginRejection =
  | "message_malformed"
  | "domain_mismatch"
  | "chain_mismatch"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "signature_invalid"
  | "nonce_invalid";

export interface SiweSettings {
  domain: string;
  chainId: number;
  nonceTtlSeconds: number;
  sessionTtlSeconds: number;
}

/** Clock skew tolerated between the signer's clock and ours. */
const SKEW_MS = 60_000;

export class SiweService {
  constructor(
    private readonly db: Kysely<ApiDatabase>,
    private readonly settings: SiweSettings,
    private readonly verify: SignatureVerifier,
  ) {}

  async issueNonce(now = new Date()): Promise<{ nonce: string; expiresAt: Date }> {
    const nonce = generateSiweNonce();
    const expiresAt = new Date(now.getTime() + this.settings.nonceTtlSeconds * 1000);
    await this.db.insertInto("siwe_nonces").values({ nonce, expires_at: expiresAt }).execute();
    // Spent and stale nonces are useless: sweep a few on the way (bounded work per request).
    await this.db
      .deleteFrom("siwe_nonces")
      .where("nonce", "in", (q) =>
        q
          .selectFrom("siwe_nonces")
          .select("nonce")
          .where("expires_at", "<", new Date(now.getTime() - 3_600_000))
          .limit(100),
      )
      .execute();
    return { nonce, expiresAt };
  }

  /**
   * Checks a signed message and, when it holds, spends its nonce and opens a session, with the
   * audit entry, in one transaction. Failures are audited too (the claimed address as actor).
   */
  async login(
    message: string,
    signature: Hex,
    requestId: string,
    now = new Date(),
  ): Promise<{ token: string; address: Address; expiresAt: Date } | { rejected: LoginRejection; address?: Address }> {
    const fields = parseSiweMessage(message);
    const { address, domain, chainId, nonce, uri, version, issuedAt, expirationTime, notBefore } = fields;
    const reject = async (rejected: LoginRejection) => {
      if (address) {
        await writeAudit(this.db, {
          actor: address,
          action: "session.login",
          result: "denied",
          detail: { reason: rejected },
          requestId,
        });
      }
      return { rejected, address };
    };

    if (!address || !domain || !chainId || !nonce || !uri || version !== "1" || !issuedAt) {
      return reject("message_malformed");
    }
    const invalidDate = [issuedAt, expirationTime, notBefore].some((d) => d && Number.isNaN(d.getTime()));
    if (invalidDate) return reject("message_malformed");
    if (domain !== this.settings.domain) return reject("domain_mismatch");
    if (chainId !== this.settings.chainId) return reject("chain_mismatch");
    if (issuedAt.getTime() > now.getTime() + SKEW_MS) return reject("issued_in_future");
    // A message is good for the nonce's lifetime at most, whatever expirationTime it names.
    const oldest = now.getTime() - this.settings.nonceTtlSeconds * 1000 - SKEW_MS;
    if (issuedAt.getTime() < oldest) return reject("expired");
    if (expirationTime && expirationTime.getTime() <= now.getTime()) return reject("expired");
    if (notBefore && notBefore.getTime() > now.getTime() + SKEW_MS) return reject("not_yet_valid");

    let valid = false;
    try {
      valid = await this.verify({ address, message, signature });
    } catch {
      valid = false;
    }
    if (!valid) return reject("signature_invalid");

    const token = newSecret(SESSION_PREFIX);
    const ttlEnd = now.getTime() + this.settings.sessionTtlSeconds * 1000;
    const expiresAt = new Date(Math.min(ttlEnd, expirationTime?.getTime() ?? ttlEnd));
    const opened = await this.db.transaction().execute(async (trx) => {
      // Spending the nonce is the replay guard: only one login can flip used_at.
      const spent = await trx
        .updateTable("siwe_nonces")
        .set({ used_at: now })
        .where("nonce", "=", nonce)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returning("nonce")
        .executeTakeFirst();
      if (!spent) return false;
      await trx
        .insertInto("sessions")
        .values({ token_hash: sha256Hex(token), address: address.toLowerCase(), expires_at: expiresAt })
        .execute();
      await writeAudit(trx, { actor: address, action: "session.login", result: "ok", requestId });
      return true;
    });
    if (!opened) return reject("nonce_invalid");
    return { token, address, expiresAt };
  }
}
