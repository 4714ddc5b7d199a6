/**
 * Audit retention classes: which entries expire when, and whether they are deleted or anonymized.
 * The days are configurable (ONEKEY_AUDIT_RETENTION_<CLASS>_DAYS); the defaults and the reason for
 * each are in indexer/README.md ("Audit trail").
 */
import { z } from "zod";

export const RETENTION_CLASSES = ["session", "api_key", "webhook", "record_open", "default"] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

/** delete: the entry goes (a checkpoint keeps the chain whole); anonymize: the fact stays, the person goes. */
export type RetentionMode = "delete" | "anonymize";

export const RETENTION_MODES: Record<RetentionClass, RetentionMode> = {
  session: "delete",
  api_key: "anonymize",
  webhook: "delete",
  record_open: "delete",
  default: "delete",
};

export const DEFAULT_RETENTION_DAYS: Record<RetentionClass, number> = {
  session: 90,
  api_key: 400,
  webhook: 365,
  record_open: 1825,
  default: 365,
};

/**
 * The class of an action: by its prefix (session.*, api_key.*, webhook_*.*), else default. Access
 * to a person's record (record.open from the dashboard, key.release from the key service, an
 * operator's data-subject lookup or deletion request, operator.subject.*) is one class, kept as long.
 */
export function retentionClassOf(action: string): RetentionClass {
  if (action.startsWith("session.")) return "session";
  if (action.startsWith("api_key.")) return "api_key";
  if (action.startsWith("webhook_")) return "webhook";
  if (
    action === "record.open" ||
    action.startsWith("record.open.") ||
    action === "key.release" ||
    action.startsWith("operator.subject.")
  )
    return "record_open";
  return "default";
}

export type RetentionPolicy = Record<RetentionClass, number>;

const MAX_DAYS = 36_500;
const days = z
  .number({ error: "must be a whole number of days" })
  .int("must be a whole number of days")
  .min(1, "must be at least 1 day")
  .max(MAX_DAYS, `must be at most ${MAX_DAYS} days`);

const PolicySchema = z.strictObject(
  Object.fromEntries(RETENTION_CLASSES.map((c) => [c, days])) as Record<RetentionClass, typeof days>,
);

export const retentionEnvName = (c: RetentionClass) => `ONEKEY_AUDIT_RETENTION_${c.toUpperCase()}_DAYS`;

/** Checks a policy given in code; throws naming each bad class. */
export function parseRetentionPolicy(policy: unknown): RetentionPolicy {
  const parsed = PolicySchema.safeParse(policy);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "policy"} ${i.message}`).join("; ");
  throw new Error(`Invalid audit retention policy: ${problems}`);
}

/** Reads ONEKEY_AUDIT_RETENTION_<CLASS>_DAYS (defaults above; empty = unset); throws naming each bad variable. */
export function readRetentionPolicy(source: Record<string, string | undefined> = process.env): RetentionPolicy {
  const problems: string[] = [];
  const policy = { ...DEFAULT_RETENTION_DAYS };
  for (const c of RETENTION_CLASSES) {
    const raw = source[retentionEnvName(c)]?.trim();
    if (!raw) continue;
    // Digits only: Number() would also take "1e3", "0x10" and " ".
    const parsed = /^\d+$/.test(raw) ? days.safeParse(Number(raw)) : undefined;
    if (parsed?.success) policy[c] = parsed.data;
    else {
      const why = parsed?.error.issues[0]?.message ?? "must be a whole number of days";
      problems.push(`${retentionEnvName(c)} ${why} (got "${raw}")`);
    }
  }
  if (problems.length) throw new Error(`Invalid audit retention environment: ${problems.join("; ")}`);
  return policy;
}
