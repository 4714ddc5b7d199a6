/**
 * Per-project API keys. The key is shown once, at creation or rotation; the database keeps its
 * sha256. Each change and its audit entry commit in one transaction.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import { type AuditEntry, writeAudit } from "../../../db/audit.js";
import type { ApiDatabase } from "../../../db/tables.js";
import { API_KEY_PREFIX, looksLike, newId, newSecret, sha256Hex } from "./tokens.js";

export const SCOPES = ["read", "webhooks:manage"] as const;
export type Scope = (typeof SCOPES)[number];

type KeyRow = Selectable<ApiDatabase["api_keys"]>;

export interface ApiKeyView {
  id: string;
  projectId: bigint;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rotatedFrom: string | null;
  lastUsedAt: Date | null;
}

/** Who an accepted API key speaks for. */
export interface ApiKeyPrincipal {
  keyId: string;
  projectId: bigint;
  scopes: Scope[];
}

export type KeyRejection = "malformed" | "unknown" | "revoked" | "expired";

function view(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    projectId: BigInt(row.project_id),
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    rotatedFrom: row.rotated_from,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  };
}

/** How often a key's last use is written (per key and process): a busy key costs one write a minute. */
const LAST_USED_EVERY_MS = 60_000;

export interface Actor {
  address: string;
  requestId?: string;
}

export class ApiKeyService {
  /** Accepted keys by hash, for `cacheMs`: revocation is immediate here, within `cacheMs` on replicas. */
  readonly #cache = new Map<string, { row: KeyRow; until: number }>();

  constructor(
    private readonly db: Kysely<ApiDatabase>,
    private readonly cacheMs: number,
  ) {}

  /** When this process last wrote each key's last use. */
  readonly #lastUseWritten = new Map<string, number>();

  /** Records that `keyId` was accepted, at most once a minute; a failed write never fails the request. */
  #noteUse(keyId: string, now: Date): void {
    const written = this.#lastUseWritten.get(keyId);
    if (written !== undefined && now.getTime() - written < LAST_USED_EVERY_MS) return;
    this.#lastUseWritten.set(keyId, now.getTime());
    if (this.#lastUseWritten.size > 10_000) this.#lastUseWritten.clear();
    void this.db
      .updateTable("api_keys")
      .set({ last_used_at: now })
      .where("id", "=", keyId)
      .execute()
      .catch(() => this.#lastUseWritten.delete(keyId));
  }

  /** When this process last wrote each key's use from each network ("<key id> <network>"). */
  readonly #networkWritten = new Map<string, number>();

  /**
   * Records that `keyId` was accepted from `network` (a prefix, never an address), for the
   * api_key_new_network rule: at most once a minute per key and network, in the background; a
   * failed write never fails or delays the request.
   */
  #noteNetwork(keyId: string, network: string, now: Date): void {
    const entry = `${keyId} ${network}`;
    const written = this.#networkWritten.get(entry);
    if (written !== undefined && now.getTime() - written < LAST_USED_EVERY_MS) return;
    this.#networkWritten.set(entry, now.getTime());
    if (this.#networkWritten.size > 10_000) this.#networkWritten.clear();
    void this.db
      .insertInto("api_key_networks")
      .values({ key_id: keyId, network, first_seen: now, last_seen: now })
      .onConflict((oc) =>
        oc.columns(["key_id", "network"]).doUpdateSet((eb) => ({
          last_seen: sql<Date>`greatest(${eb.ref("api_key_networks.last_seen")}, ${eb.ref("excluded.last_seen")})`,
        })),
      )
      .execute()
      .catch(() => this.#networkWritten.delete(entry));
  }

  /**
   * Checks a presented key; never throws on malformed input. `network` is the client's network
   * prefix (http/clientAddress.ts `clientNetwork`), recorded for an accepted key.
   */
  async authenticate(presented: string, now = new Date(), network?: string): Promise<ApiKeyPrincipal | KeyRejection> {
    if (!looksLike(API_KEY_PREFIX, presented)) return "malformed";
    const hash = sha256Hex(presented);
    const cached = this.#cache.get(hash);
    let row: KeyRow | undefined;
    if (cached && cached.until > now.getTime()) {
      row = cached.row;
    } else {
      row = await this.db.selectFrom("api_keys").selectAll().where("key_hash", "=", hash).executeTakeFirst();
      if (row && this.cacheMs > 0) this.#cache.set(hash, { row, until: now.getTime() + this.cacheMs });
    }
    if (!row) return "unknown";
    if (row.revoked_at && new Date(row.revoked_at) <= now) return "revoked";
    if (row.expires_at && new Date(row.expires_at) <= now) return "expired";
    this.#noteUse(row.id, now);
    if (network) this.#noteNetwork(row.id, network, now);
    return { keyId: row.id, projectId: BigInt(row.project_id), scopes: row.scopes as Scope[] };
  }

  async list(projectId: bigint): Promise<ApiKeyView[]> {
    const rows = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("project_id", "=", projectId.toString())
      .orderBy("created_at", "desc")
      .orderBy("id")
      .execute();
    return rows.map(view);
  }

  /** Creates a key; returns the secret (the only time it exists outside the caller's hands). */
  async create(
    projectId: bigint,
    input: { name: string; scopes: Scope[]; expiresAt?: Date },
    actor: Actor,
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    return this.db.transaction().execute(async (trx) => {
      const created = await this.#insert(trx, projectId, input, actor.address, null);
      await writeAudit(
        trx,
        this.#audit(actor, projectId, "api_key.create", created.apiKey.id, {
          scopes: input.scopes,
          expiresAt: input.expiresAt?.toISOString() ?? null,
        }),
      );
      return created;
    });
  }

  /**
   * Replaces a live key with a new secret of the same name and scopes. The old key stops working
   * now, or after `gracePeriodSeconds` so that deployments can switch over.
   */
  async rotate(
    projectId: bigint,
    keyId: string,
    gracePeriodSeconds: number,
    actor: Actor,
    now = new Date(),
  ): Promise<{ key: string; apiKey: ApiKeyView; previous: ApiKeyView } | "not_found" | "not_live"> {
    const result = await this.db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", keyId)
        .where("project_id", "=", projectId.toString())
        .forUpdate()
        .executeTakeFirst();
      if (!old) return "not_found" as const;
      const oldView = view(old);
      if ((oldView.revokedAt && oldView.revokedAt <= now) || (oldView.expiresAt && oldView.expiresAt <= now)) {
        return "not_live" as const;
      }
      const endsAt = new Date(now.getTime() + gracePeriodSeconds * 1000);
      const previous = await trx
        .updateTable("api_keys")
        .set({ revoked_at: endsAt })
        .where("id", "=", keyId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = await this.#insert(
        trx,
        projectId,
        { name: old.name, scopes: old.scopes as Scope[], expiresAt: oldView.expiresAt ?? undefined },
        actor.address,
        old.id,
      );
      await writeAudit(
        trx,
        this.#audit(actor, projectId, "api_key.rotate", keyId, {
          newKeyId: created.apiKey.id,
          gracePeriodSeconds,
        }),
      );
      return { ...created, previous: view(previous), oldHash: old.key_hash };
    });
    if (typeof result === "string") return result;
    this.#cache.delete(result.oldHash);
    const { oldHash: _, ...rest } = result;
    return rest;
  }

  /** Revokes a key of this project now; revoking a revoked key keeps its first revocation time. */
  async revoke(projectId: bigint, keyId: string, actor: Actor, now = new Date()): Promise<ApiKeyView | "not_found"> {
    const result = await this.db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", keyId)
        .where("project_id", "=", projectId.toString())
        .forUpdate()
        .executeTakeFirst();
      if (!old) return "not_found" as const;
      const alreadyRevoked = old.revoked_at !== null && new Date(old.revoked_at) <= now;
      const row = alreadyRevoked
        ? old
        : await trx
            .updateTable("api_keys")
            .set({ revoked_at: now })
            .where("id", "=", keyId)
            .returningAll()
            .executeTakeFirstOrThrow();
      await writeAudit(trx, this.#audit(actor, projectId, "api_key.revoke", keyId, { alreadyRevoked }));
      return row;
    });
    if (result === "not_found") return result;
    this.#cache.delete(result.key_hash);
    return view(result);
  }

  async #insert(
    trx: Kysely<ApiDatabase>,
    projectId: bigint,
    input: { name: string; scopes: Scope[]; expiresAt?: Date },
    createdBy: string,
    rotatedFrom: string | null,
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    const key = newSecret(API_KEY_PREFIX);
    const row = await trx
      .insertInto("api_keys")
      .values({
        id: newId("key_"),
        project_id: projectId.toString(),
        name: input.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        key_hash: sha256Hex(key),
        scopes: [...new Set(input.scopes)].sort(),
        created_by: createdBy.toLowerCase(),
        expires_at: input.expiresAt ?? null,
        rotated_from: rotatedFrom,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key, apiKey: view(row) };
  }

  #audit(actor: Actor, projectId: bigint, action: string, target: string, detail: Record<string, unknown>): AuditEntry {
    return { actor: actor.address, projectId, action, target, result: "ok", detail, requestId: actor.requestId };
  }
}
