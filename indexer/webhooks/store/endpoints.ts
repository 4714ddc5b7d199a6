/**
 * Statements on `webhook_endpoints` and `webhook_settings`: a project's endpoints (always looked
 * up by id and project, so another project's endpoint is never found) and its delivery settings.
 */
import { type Selectable, sql, type Updateable } from "kysely";
import type { ApiDatabase } from "../../db/tables.js";
import type { Db } from "./events.js";

export type EndpointRow = Selectable<ApiDatabase["webhook_endpoints"]>;
export type SettingsRow = Selectable<ApiDatabase["webhook_settings"]>;

export interface NewEndpoint {
  id: string;
  projectId: bigint;
  url: string;
  eventTypes: string[];
  description: string | null;
  rateLimitPerSecond: number;
  secretCiphertext: string;
}

export async function countEndpoints(db: Db, projectId: bigint): Promise<number> {
  const row = await db
    .selectFrom("webhook_endpoints")
    .select(db.fn.countAll<string>().as("n"))
    .where("project_id", "=", projectId.toString())
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertEndpoint(db: Db, endpoint: NewEndpoint): Promise<EndpointRow> {
  return db
    .insertInto("webhook_endpoints")
    .values({
      id: endpoint.id,
      project_id: endpoint.projectId.toString(),
      url: endpoint.url,
      event_types: endpoint.eventTypes,
      description: endpoint.description,
      rate_limit_per_second: endpoint.rateLimitPerSecond,
      secret_ciphertext: endpoint.secretCiphertext,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The project's endpoints that are not deleted, oldest first. */
export function listEndpoints(db: Db, projectId: bigint): Promise<EndpointRow[]> {
  return db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("project_id", "=", projectId.toString())
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The endpoint, if it exists in this project and is not deleted. */
export function findEndpoint(db: Db, projectId: bigint, endpointId: string): Promise<EndpointRow | undefined> {
  return db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", endpointId)
    .where("project_id", "=", projectId.toString())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export type EndpointChanges = Updateable<ApiDatabase["webhook_endpoints"]>;

/** Applies `changes` to an endpoint the caller has found in its project. */
export function updateEndpoint(db: Db, endpointId: string, changes: EndpointChanges): Promise<EndpointRow> {
  return db
    .updateTable("webhook_endpoints")
    .set(changes)
    .where("id", "=", endpointId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Disables an enabled endpoint with the reason as its notice; returns its project, or undefined
 * when it was already disabled (so only one disabling is reported).
 */
export async function disableEndpoint(db: Db, endpointId: string, reason: string): Promise<string | undefined> {
  const row = await db
    .updateTable("webhook_endpoints")
    .set({ enabled: false, disabled_at: sql`now()`, disabled_reason: reason, updated_at: sql`now()` })
    .where("id", "=", endpointId)
    .where("enabled", "=", true)
    .returning("project_id")
    .executeTakeFirst();
  return row === undefined ? undefined : String(row.project_id);
}

/** The project's settings row, created with these defaults on first use. */
export async function ensureSettings(
  db: Db,
  projectId: bigint,
  defaults: { confirmations: number | null; budgetLowThreshold: bigint },
): Promise<SettingsRow> {
  await db
    .insertInto("webhook_settings")
    .values({
      project_id: projectId.toString(),
      confirmations: defaults.confirmations,
      budget_low_threshold: defaults.budgetLowThreshold.toString(),
    })
    .onConflict((oc) => oc.column("project_id").doNothing())
    .execute();
  return db
    .selectFrom("webhook_settings")
    .selectAll()
    .where("project_id", "=", projectId.toString())
    .executeTakeFirstOrThrow();
}

export function updateSettings(
  db: Db,
  projectId: bigint,
  changes: { confirmations?: number | null; budget_low_threshold?: string; updated_at: Date },
): Promise<SettingsRow> {
  return db
    .updateTable("webhook_settings")
    .set(changes)
    .where("project_id", "=", projectId.toString())
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The budget.low threshold of each of these projects that has settings. */
export async function budgetLowThresholds(db: Db, projectIds: readonly string[]): Promise<Map<string, bigint>> {
  const thresholds = new Map<string, bigint>();
  if (projectIds.length === 0) return thresholds;
  const rows = await db
    .selectFrom("webhook_settings")
    .select(["project_id", "budget_low_threshold"])
    .where("project_id", "in", projectIds)
    .execute();
  for (const row of rows) thresholds.set(String(row.project_id), BigInt(row.budget_low_threshold));
  return thresholds;
}
