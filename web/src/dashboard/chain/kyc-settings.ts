/**
 * A project's verification providers and required checks, as its admins edit them on the
 * Projects screen: the issuer stores them (issuer/src/kyc/settings.ts; `GET /v1/projects/{ref}`,
 * `PUT /v1/projects/{id}/kyc-settings`), not the chain. The level each set of checks earns is the
 * table the issuer signs by (@onekey/deploy's kyc-levels), so the screen can say it before the
 * issuer is asked; the issuer stays the judge and refuses what falls below the required level.
 */
import { KYC_CHECKS, type KycCheck, LEVEL_CHECKS, levelFor, MAX_KYC_LEVEL as MAX_LEVEL } from "@onekey/deploy";
import { type Address, isAddressEqual } from "viem";
import type { Gate } from "./permissions.js";

export { type KycCheck, levelFor };

export const CHECK_WORDS: Record<KycCheck, string> = {
  document: "Identity document",
  liveness: "Liveness (a live selfie matched to the document)",
  sanctions: "Sanctions screening",
  pep: "Politically exposed person (PEP) screening",
};

/** The policy in one sentence, beside the checks. */
export const LEVEL_WORDS =
  "Level 1: identity document. Level 2: document and liveness. Level 3: document, liveness, sanctions and PEP screening.";

export interface KycDraft {
  /** Provider names, most preferred first. */
  providers: string[];
  checks: KycCheck[];
}

/** Only the checks the issuer knows, each once, in the issuer's order. */
export function normalizeChecks(checks: readonly string[]): KycCheck[] {
  return KYC_CHECKS.filter((check) => checks.includes(check));
}

/** The list with the provider at `index` moved `by` places (clamped to the list); a new array. */
export function moveProvider(providers: readonly string[], index: number, by: -1 | 1): string[] {
  const next = [...providers];
  const target = index + by;
  if (index < 0 || index >= next.length || target < 0 || target >= next.length) return next;
  [next[index], next[target]] = [next[target] as string, next[index] as string];
  return next;
}

export function toggleCheck(checks: readonly KycCheck[], check: KycCheck, on: boolean): KycCheck[] {
  return normalizeChecks(on ? [...checks, check] : checks.filter((c) => c !== check));
}

/** The body of `PUT /v1/projects/{id}/kyc-settings`. */
export function settingsBody(draft: KycDraft): { providers: string[]; checks: KycCheck[] } {
  return { providers: [...new Set(draft.providers)], checks: normalizeChecks(draft.checks) };
}

export function sameSettings(a: KycDraft, b: KycDraft): boolean {
  const x = settingsBody(a);
  const y = settingsBody(b);
  return x.providers.join() === y.providers.join() && x.checks.join() === y.checks.join();
}

/** The least level the checks must earn: the project's required level (a level-0 project still needs a document). */
export function floorLevel(requiredLevel: number): number {
  return Math.max(1, requiredLevel);
}

/** One sentence on the level the draft's checks earn against the project's required level. */
export function levelSentence(checks: readonly string[], requiredLevel: number): { ok: boolean; text: string } {
  const level = levelFor(checks);
  const floor = floorLevel(requiredLevel);
  if (floor > MAX_LEVEL) {
    return {
      ok: false,
      text: `The project requires level ${requiredLevel}, but the issuer attests at most level ${MAX_LEVEL}: no set of checks reaches it. Lower the required level under Settings.`,
    };
  }
  const earns = level === 0 ? "earn no level (a document is always needed)" : `earn level ${level}`;
  return level >= floor
    ? { ok: true, text: `These checks ${earns}; the project requires level ${floor}.` }
    : {
        ok: false,
        text: `These checks ${earns}, below the level ${floor} the project requires. Tick ${missingFor(checks, floor)}, or lower the required level under Settings.`,
      };
}

function missingFor(checks: readonly string[], level: number): string {
  const needed = LEVEL_CHECKS[Math.min(level, MAX_LEVEL) as 1 | 2 | 3].filter((c) => !checks.includes(c));
  return needed.map((c) => CHECK_WORDS[c].replace(/ \(.*\)$/, "").toLowerCase()).join(" and ");
}

/**
 * What ticking or unticking `check` would do, said beside it: a check the required level needs
 * stays tickable, and the note says why unticking it would be refused.
 */
export function checkNote(checks: readonly KycCheck[], check: KycCheck, requiredLevel: number): string {
  const on = checks.includes(check);
  const floor = floorLevel(requiredLevel);
  const after = levelFor(toggleCheck(checks, check, !on));
  const before = levelFor(checks);
  if (on) {
    if (after < floor && floor <= MAX_LEVEL) {
      return `Needed: without it these checks earn ${after === 0 ? "no level" : `level ${after}`}, below the required level ${floor}.`;
    }
    return after < before
      ? `Unticking it lowers the level to ${after}.`
      : "Not needed for the level; people must pass it too.";
  }
  return after > before
    ? `Ticking it raises the level to ${after}.`
    : "Ticking it adds the check without raising the level.";
}

/** What stops the draft being saved, by field (the issuer would refuse the same). */
export function draftProblems(draft: KycDraft, requiredLevel: number): { providers?: string; checks?: string } {
  const problems: { providers?: string; checks?: string } = {};
  if (draft.providers.length === 0) problems.providers = "The issuer offers no provider for this project.";
  const level = levelSentence(draft.checks, requiredLevel);
  if (!level.ok) problems.checks = level.text;
  return problems;
}

/** Whether the connected wallet can sign in to the issuer as the dashboard's account. */
export function issuerSignGate(account: Address, walletSubject: Address | undefined): Gate {
  if (!walletSubject)
    return { allowed: false, reason: "Connect the wallet you signed in with: it signs in to the issuer." };
  if (!isAddressEqual(account, walletSubject)) {
    return {
      allowed: false,
      reason: "The connected wallet is another account than the one you signed in with: switch back or sign in again.",
    };
  }
  return { allowed: true };
}

/** "sandbox-b, then sandbox" */
export function orderWords(providers: readonly string[]): string {
  return providers.length === 0 ? "no provider" : providers.join(", then ");
}
