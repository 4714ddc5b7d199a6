/** Admin sessions opened by SIWE: bearer tokens stored as sha256, with an expiry. */
import type { Kysely } from "kysely";
import type { Address } from "viem";
import { writeAudit } from "../../../db/audit.js";
import type { ApiDatabase } from "../../../db/tables.js";
import { looksLike, SESSION_PREFIX, sha256Hex } from "./tokens.js";

export interface SessionPrincipal {
  address: Address;
  expiresAt: Date;
  tokenHash: string;
}

export class SessionService {
  constructor(private readonly db: Kysely<ApiDatabase>) {}

  async authenticate(token: string, now = new Date()): Promise<SessionPrincipal | undefined> {
    if (!looksLike(SESSION_PREFIX, token)) return undefined;
    const tokenHash = sha256Hex(token);
    const row = await this.db
      .selectFrom("sessions")
      .select(["address", "expires_at"])
      .where("token_hash", "=", tokenHash)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (!row) return undefined;
    return { address: row.address as Address, expiresAt: new Date(row.expires_at), tokenHash };
  }

  async logout(session: SessionPrincipal, requestId: string, now = new Date()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("sessions").set({ revoked_at: now }).where("token_hash", "=", session.tokenHash).execute();
      await writeAudit(trx, { actor: session.address, action: "session.logout", result: "ok", requestId });
    });
  }
}
