/**
 * A project's provider preferences and required checks, set by its admins and stored by the
 * issuer. Without settings, a project gets every configured provider in the deployment's order
 * and the checks its on-chain requiredLevel needs (kyc/policy.ts).
 */
import type { Kysely } from "kysely";
import type { Address } from "viem";
import type { IssuerDatabase } from "../ledger/types.js";
import { checksForLevel } from "./policy.js";
import type { KycCheck, ProviderName } from "./providers/provider.js";

export interface ProjectKycSettings {
  providers: ProviderName[];
  checks: KycCheck[];
  /** Whether an admin set them (false: the defaults above). */
  custom: boolean;
}

export interface SettingsStore {
  get(projectId: bigint, requiredLevel: number, configured: readonly ProviderName[]): Promise<ProjectKycSettings>;
  put(
    projectId: bigint,
    settings: { providers: ProviderName[]; checks: KycCheck[] },
    by: Address,
    now: Date,
  ): Promise<void>;
}

const CHECK_ORDER: readonly KycCheck[] = ["document", "liveness", "sanctions", "pep"];

/**
 * Reads are cached for `cacheMs` per project (another replica's change is seen within that time,
 * this replica's at once): every session start needs them.
 */
export function createSettingsStore(
  db: Kysely<IssuerDatabase>,
  options: { cacheMs: number; now?: () => number },
): SettingsStore {
  const now = options.now ?? Date.now;
  type Row = { providers: string[]; checks: string[] } | undefined;
  const cache = new Map<string, { at: number; row: Promise<Row> }>();
  const load = (projectId: bigint): Promise<Row> => {
    const key = projectId.toString();
    const hit = cache.get(key);
    if (hit && now() - hit.at < options.cacheMs) return hit.row;
    const row = db
      .selectFrom("project_kyc_settings")
      .select(["providers", "checks"])
      .where("project_id", "=", key)
      .executeTakeFirst();
    cache.set(key, { at: now(), row });
    row.catch(() => cache.delete(key));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return row;
  };
  return {
    async get(projectId, requiredLevel, configured) {
      const row = await load(projectId);
      if (!row) {
        return { providers: [...configured], checks: checksForLevel(Math.max(1, requiredLevel)), custom: false };
      }
      return {
        // A provider the deployment no longer runs is skipped, not an error.
        providers: (row.providers as ProviderName[]).filter((p) => configured.includes(p)),
        checks: CHECK_ORDER.filter((c) => row.checks.includes(c)),
        custom: true,
      };
    },

    async put(projectId, settings, by, now) {
      const values = {
        project_id: projectId.toString(),
        providers: settings.providers,
        checks: CHECK_ORDER.filter((c) => settings.checks.includes(c)),
        updated_by: by.toLowerCase(),
        updated_at: now,
      };
      await db
        .insertInto("project_kyc_settings")
        .values(values)
        .onConflict((oc) =>
          oc.column("project_id").doUpdateSet({
            providers: values.providers,
            checks: values.checks,
            updated_by: values.updated_by,
            updated_at: values.updated_at,
          }),
        )
        .execute();
      cache.delete(projectId.toString());
    },
  };
}
