/**
 * Plans, read by every service that enforces one (the indexer's API rate tier and billing
 * statements, the issuer's monthly verification quota): one file, plans.json beside this module
 * (another with ONEKEY_PLANS_FILE in each service), one schema, validated at start (a bad file
 * stops the service and is named). `organizations` assigns plans by organization id; every other
 * organization is on `defaultPlan`.
 *
 * - `apiRequestsPerWindow`: tenant API calls each of the plan's projects may make per
 *   ONEKEY_API_RATE_LIMIT_WINDOW_SECONDS; null keeps the deployment's ONEKEY_API_RATE_LIMIT_POINTS.
 * - `monthlyVerifications`: verification sessions the organization (all its projects together) may
 *   start per calendar month (UTC); null (or absent) is unlimited.
 */
import { readFileSync, type Stats, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const PlansFile = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/),
    defaultPlan: z.string().min(1),
    plans: z.record(
      z.string().regex(/^[a-z0-9_-]{1,40}$/),
      z
        .object({
          apiRequestsPerWindow: z.number().int().min(1).max(1_000_000).nullable(),
          // Absent (a plans file from before the quota): unlimited, so an older file still starts the services.
          monthlyVerifications: z.number().int().min(0).max(100_000_000).nullable().default(null),
        })
        .strict(),
    ),
    organizations: z.record(z.string().regex(/^[1-9][0-9]{0,19}$/, "must be an organization id"), z.string()),
  })
  .strict()
  .superRefine((p, ctx) => {
    const named: [string[], string][] = [
      [["defaultPlan"], p.defaultPlan],
      ...Object.entries(p.organizations).map(([org, name]): [string[], string] => [["organizations", org], name]),
    ];
    for (const [path, name] of named) {
      if (!(name in p.plans)) ctx.addIssue({ code: "custom", path, message: `names no plan: ${name}` });
    }
  });

export type Plans = z.infer<typeof PlansFile>;
export type Plan = Plans["plans"][string];

export const PLANS_FILE = fileURLToPath(new URL("./plans.json", import.meta.url));

export function validatePlans(plans: unknown, file = "plans"): Plans {
  const parsed = PlansFile.safeParse(plans);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid ${file}: ${issues}`);
  }
  return parsed.data;
}

export function loadPlans(file: string = PLANS_FILE): Plans {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    // Named, as a bad schema is: the operator sees which file to fix.
    throw new Error(`Invalid ${file}: ${(error as Error).message}`);
  }
  return validatePlans(document, file);
}

/** The organization's plan name. */
export const planOf = (plans: Plans, orgId: bigint): string =>
  plans.organizations[orgId.toString()] ?? plans.defaultPlan;

/** The organization's plan, by name and limits. */
export function organizationPlan(plans: Plans, orgId: bigint): { name: string } & Plan {
  const name = planOf(plans, orgId);
  return { name, ...(plans.plans[name] as Plan) };
}

/** The plans in force: the file as last read correctly. */
export interface PlanReader {
  current(): Plans;
}

/** Plans that never change (tests, one-off tools). */
export const fixedPlans = (plans: Plans): PlanReader => ({ current: () => plans });

export interface WatchedPlans extends PlanReader {
  stop(): void;
}

const statOf = (file: string): Stats | undefined => {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
};

/**
 * Reads the plans now (a bad file throws: the service does not start) and again whenever the file
 * changes, as deploy/flags.ts watchFlags does (a poll of its stat: cheap, and it sees a ConfigMap's
 * symlink swap). A bad change is reported to `onError` and the plans in force stay.
 */
export function watchPlans(
  file: string = PLANS_FILE,
  hooks: { onChange?: (plans: Plans) => void; onError?: (error: Error) => void; intervalMs?: number } = {},
): WatchedPlans {
  let seen = statOf(file);
  let current = loadPlans(file);
  const timer = setInterval(() => {
    const now = statOf(file);
    const same =
      now === undefined
        ? seen === undefined
        : seen !== undefined && now.mtimeMs === seen.mtimeMs && now.size === seen.size && now.ino === seen.ino;
    if (same) return;
    seen = now;
    try {
      current = loadPlans(file);
      hooks.onChange?.(current);
    } catch (error) {
      hooks.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }, hooks.intervalMs ?? 2_000);
  timer.unref();
  return { current: () => current, stop: () => clearInterval(timer) };
}
