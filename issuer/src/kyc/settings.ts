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

export function createSettingsStore(db: Kysely<IssuerDatabase>): SettingsStore {
  return {
    async get(projectId, requiredLevel, configured) {
      const row = await db
        .selectFrom("project_kyc_settings")
        .select(["providers", "checks"])
        .where("project_id", "=", projectId.toString())
        .executeTakeFirst();
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
    },
  };
}
