/**
 * Feature flags: a small typed set, per environment (one file per network, `flags/<network>.json`,
 * reviewed like any change) and per project (overrides and a percentage rollout inside the file).
 * Services read the file at start and again whenever it changes (watchFlags), so an operator
 * turns a feature off for one project, or rolls one out to a tenth of them, without a deploy.
 *
 * A file is a JSON object `{ "flags": { "<name>": { "enabled": bool, "rolloutPercent": 0-100,
 * "projects": { "<projectId>": bool } } } }`; every member is optional and an absent flag takes
 * its default. For a project: its own override, else off when the flag is not enabled, else on
 * for `rolloutPercent` of projects (chosen by a stable hash of flag and project, so widening the
 * rollout keeps those already in). Unknown names and bad values are refused, naming them.
 */
import { createHash } from "node:crypto";
import { readFileSync, type Stats, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkName } from "./networks.js";

export const FEATURE_FLAGS = {
  sponsorship: {
    default: true,
    description: "The issuer signs sponsorships (gasless operations) for the project's users. Off: sponsorship_paused.",
  },
  kycSessions: {
    default: true,
    description: "The issuer starts new verification sessions for the project. Off: kyc_sessions_paused.",
  },
  securityAlertWebhooks: {
    default: true,
    description:
      "Security incidents reach the project as `security.alert` webhook events (the operators' channel always gets them).",
  },
} as const satisfies Record<string, { default: boolean; description: string }>;

export type FeatureFlag = keyof typeof FEATURE_FLAGS;

interface FlagRule {
  enabled: boolean;
  rolloutPercent: number;
  projects: ReadonlyMap<string, boolean>;
}

/** Whether a flag is on, for a project or (without one) for the environment. */
export interface FlagReader {
  isOn(flag: FeatureFlag, projectId?: bigint | string): boolean;
}

export const flagsDir = join(dirname(fileURLToPath(import.meta.url)), "flags");
export const flagsFile = (network: NetworkName) => join(flagsDir, `${network}.json`);

export class FlagFileError extends Error {
  override name = "FlagFileError";
}

/** 0-99, stable for a flag and project: the project's place in the flag's rollout. */
function rolloutSlot(flag: string, projectId: string): number {
  return createHash("sha256").update(`${flag}:${projectId}`).digest().readUInt32BE(0) % 100;
}

export class FlagSet implements FlagReader {
  private constructor(private readonly rules: ReadonlyMap<FeatureFlag, FlagRule>) {}

  /** Every flag at its default. */
  static defaults(): FlagSet {
    return new FlagSet(new Map());
  }

  /** Parses a flag file's content; throws FlagFileError naming the first bad member. */
  static parse(text: string, source = "flags"): FlagSet {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new FlagFileError(`${source}: not JSON (${(error as Error).message})`);
    }
    const fail = (where: string, what: string): never => {
      throw new FlagFileError(`${source}: ${where} ${what}`);
    };
    const isObject = (v: unknown): v is Record<string, unknown> =>
      typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObject(document)) fail("the file", "must be a JSON object");
    const { flags = {}, ...rest } = document as Record<string, unknown>;
    for (const key of Object.keys(rest)) if (!key.startsWith("$")) fail(key, "is not a member (only flags)");
    if (!isObject(flags)) fail("flags", "must be an object");
    const rules = new Map<FeatureFlag, FlagRule>();
    for (const [name, value] of Object.entries(flags as Record<string, unknown>)) {
      if (!(name in FEATURE_FLAGS))
        fail(`flags.${name}`, `is not a flag (known: ${Object.keys(FEATURE_FLAGS).join(", ")})`);
      const flag = name as FeatureFlag;
      if (!isObject(value)) fail(`flags.${name}`, "must be an object");
      const {
        enabled = FEATURE_FLAGS[flag].default,
        rolloutPercent = 100,
        projects = {},
        ...unknown
      } = value as Record<string, unknown>;
      for (const key of Object.keys(unknown))
        fail(`flags.${name}.${key}`, "is not a member (enabled, rolloutPercent, projects)");
      if (typeof enabled !== "boolean") fail(`flags.${name}.enabled`, "must be true or false");
      if (
        typeof rolloutPercent !== "number" ||
        !Number.isInteger(rolloutPercent) ||
        rolloutPercent < 0 ||
        rolloutPercent > 100
      ) {
        fail(`flags.${name}.rolloutPercent`, "must be an integer from 0 to 100");
      }
      if (!isObject(projects)) fail(`flags.${name}.projects`, "must be an object of project id to true/false");
      const overrides = new Map<string, boolean>();
      for (const [projectId, on] of Object.entries(projects as Record<string, unknown>)) {
        if (!/^[1-9][0-9]{0,19}$/.test(projectId)) fail(`flags.${name}.projects.${projectId}`, "is not a project id");
        if (typeof on !== "boolean") fail(`flags.${name}.projects.${projectId}`, "must be true or false");
        overrides.set(projectId, on as boolean);
      }
      rules.set(flag, { enabled: enabled as boolean, rolloutPercent: rolloutPercent as number, projects: overrides });
    }
    return new FlagSet(rules);
  }

  static read(path: string): FlagSet {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new FlagFileError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    return FlagSet.parse(text, path);
  }

  isOn(flag: FeatureFlag, projectId?: bigint | string): boolean {
    const rule = this.rules.get(flag);
    if (!rule) return FEATURE_FLAGS[flag].default;
    if (projectId === undefined) return rule.enabled;
    const id = projectId.toString();
    const override = rule.projects.get(id);
    if (override !== undefined) return override;
    return rule.enabled && rolloutSlot(flag, id) < rule.rolloutPercent;
  }
}

export interface WatchedFlags extends FlagReader {
  stop(): void;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The flags of `path`, read now (a bad file stops the start) and again whenever the file changes
 * (its size, mtime or inode, polled every `intervalMs`). A changed file that does not parse, or a
 * file that is gone, changes nothing: the last good set stays, and `onError` says why, once per
 * change. Replace the file atomically (write another, then rename it over this one), so a poll
 * never reads it half written.
 */
export function watchFlags(
  path: string,
  hooks: { onChange?: (flags: FlagSet) => void; onError?: (error: FlagFileError) => void; intervalMs?: number } = {},
): WatchedFlags {
  // Compared with what was read, not with the watcher's first poll: a change made between the
  // read and that poll would otherwise never be seen.
  let seen = statOf(path);
  let current = FlagSet.read(path);
  const reload = () => {
    try {
      current = FlagSet.read(path);
      hooks.onChange?.(current);
    } catch (error) {
      if (!(error instanceof FlagFileError)) throw error;
      hooks.onError?.(error);
    }
  };
  // Our own poll (not fs.watchFile, which reports only changes after its first stat, so a change
  // made just after the read would be missed): cheap, and it sees a ConfigMap's symlink swap.
  const timer = setInterval(() => {
    const now = statOf(path);
    const same =
      now === undefined
        ? seen === undefined
        : seen !== undefined && now.mtimeMs === seen.mtimeMs && now.size === seen.size && now.ino === seen.ino;
    if (same) return;
    seen = now;
    reload();
  }, hooks.intervalMs ?? 2_000);
  timer.unref();
  return {
    isOn: (flag, projectId) => current.isOn(flag, projectId),
    stop: () => clearInterval(timer),
  };
}
