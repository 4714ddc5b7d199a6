/**
 * The detection rules' thresholds and the operator channel, from the environment (validated;
 * a bad value stops the process with the variable's name). Defaults and their reasons are in
 * docs/runbooks/security.md.
 */
import { z } from "zod";

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

export const SecurityEnvSchema = z
  .object({
    /** How far back the burst rules count. */
    ONEKEY_SECURITY_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    /** Refused sign-ins by one address within the window. */
    ONEKEY_SECURITY_SIGN_IN_FAILURES: count(20),
    /** Refused admin calls by one address on one project within the window. */
    ONEKEY_SECURITY_ADMIN_REFUSALS: count(10),
    /** A reader's record openings in the last hour that always alert... */
    ONEKEY_SECURITY_RECORD_OPENINGS_PER_HOUR: count(30),
    /** ...or, when its history is busier, more than this many times its hourly average over 7 days. */
    ONEKEY_SECURITY_RECORD_OPENINGS_FACTOR: z.coerce.number().min(1).max(1000).default(5),
    /** Data keys one reader takes from the key service in an hour before it alerts (or the factor above). */
    ONEKEY_SECURITY_KEY_RELEASES_PER_HOUR: count(30),
    /** Wei a project's sponsored operations may cost in an hour before its drain alerts... */
    ONEKEY_SECURITY_BUDGET_DRAIN_FLOOR_WEI: z
      .string()
      .regex(/^[0-9]{1,30}$/, "must be a decimal number of wei")
      .default("50000000000000000"),
    /** ...or, when its history is busier, more than this many times its hourly average over 7 days. */
    ONEKEY_SECURITY_BUDGET_DRAIN_FACTOR: z.coerce.number().min(1).max(1000).default(5),
    /** Sponsored operations (all projects) in an hour before the signer's volume alerts... */
    ONEKEY_SECURITY_SIGNER_OPS_PER_HOUR: count(1000),
    /** ...or this many times the hourly average over 7 days, when that is more. */
    ONEKEY_SECURITY_SIGNER_OPS_FACTOR: z.coerce.number().min(1).max(1000).default(5),
    /** An API key used from a network (IPv4 /24, IPv6 /48) not seen in this many days alerts. */
    ONEKEY_SECURITY_KEY_NETWORK_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** A project's sponsorship refusals in the current hour that always alert... */
    ONEKEY_SECURITY_SPONSORSHIP_REFUSALS_PER_HOUR: count(100),
    /** ...or, when its history is busier, more than this many times its hourly average over 7 days. */
    ONEKEY_SECURITY_SPONSORSHIP_REFUSALS_FACTOR: z.coerce.number().min(1).max(1000).default(5),
    /** How often the webhook worker runs the rules. */
    ONEKEY_SECURITY_SCAN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** The operators' channel: a URL that receives every alert, signed like our webhooks. */
    ONEKEY_SECURITY_ALERT_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    ONEKEY_SECURITY_ALERT_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, "must be a whsec_ secret (Standard Webhooks)")
      .optional(),
  })
  .refine((env) => !env.ONEKEY_SECURITY_ALERT_URL || env.ONEKEY_SECURITY_ALERT_SECRET, {
    message: "ONEKEY_SECURITY_ALERT_URL needs ONEKEY_SECURITY_ALERT_SECRET to sign its alerts",
    path: ["ONEKEY_SECURITY_ALERT_SECRET"],
  });

export interface SecurityConfig {
  windowSeconds: number;
  signInFailures: number;
  adminRefusals: number;
  recordOpeningsPerHour: number;
  recordOpeningsFactor: number;
  keyReleasesPerHour: number;
  budgetDrainFloorWei: bigint;
  budgetDrainFactor: number;
  signerOpsPerHour: number;
  signerOpsFactor: number;
  keyNetworkDays: number;
  sponsorshipRefusalsPerHour: number;
  sponsorshipRefusalsFactor: number;
  scanSeconds: number;
  operator?: { url: string; secret: string };
}

export function readSecurityConfig(env: Record<string, string | undefined>): SecurityConfig {
  const parsed = SecurityEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join(".") ?? "security config"}: ${issue?.message ?? "is invalid"}`);
  }
  const e = parsed.data;
  return {
    windowSeconds: e.ONEKEY_SECURITY_WINDOW_SECONDS,
    signInFailures: e.ONEKEY_SECURITY_SIGN_IN_FAILURES,
    adminRefusals: e.ONEKEY_SECURITY_ADMIN_REFUSALS,
    recordOpeningsPerHour: e.ONEKEY_SECURITY_RECORD_OPENINGS_PER_HOUR,
    recordOpeningsFactor: e.ONEKEY_SECURITY_RECORD_OPENINGS_FACTOR,
    keyReleasesPerHour: e.ONEKEY_SECURITY_KEY_RELEASES_PER_HOUR,
    budgetDrainFloorWei: BigInt(e.ONEKEY_SECURITY_BUDGET_DRAIN_FLOOR_WEI),
    budgetDrainFactor: e.ONEKEY_SECURITY_BUDGET_DRAIN_FACTOR,
    signerOpsPerHour: e.ONEKEY_SECURITY_SIGNER_OPS_PER_HOUR,
    signerOpsFactor: e.ONEKEY_SECURITY_SIGNER_OPS_FACTOR,
    keyNetworkDays: e.ONEKEY_SECURITY_KEY_NETWORK_DAYS,
    sponsorshipRefusalsPerHour: e.ONEKEY_SECURITY_SPONSORSHIP_REFUSALS_PER_HOUR,
    sponsorshipRefusalsFactor: e.ONEKEY_SECURITY_SPONSORSHIP_REFUSALS_FACTOR,
    scanSeconds: e.ONEKEY_SECURITY_SCAN_SECONDS,
    operator:
      e.ONEKEY_SECURITY_ALERT_URL && e.ONEKEY_SECURITY_ALERT_SECRET
        ? { url: e.ONEKEY_SECURITY_ALERT_URL, secret: e.ONEKEY_SECURITY_ALERT_SECRET }
        : undefined,
  };
}
