/** The API key form's rules, checked before anything is sent (the API checks them again). */
import type { Scope } from "../api.js";

const NAME = /^[\p{L}\p{N} ._:/-]+$/u;

/** What is wrong with the form, in words; empty when it may be sent. */
export function keyFormProblems(form: { name: string; scopes: Scope[] }): string[] {
  const problems: string[] = [];
  const name = form.name.trim();
  if (name.length === 0) problems.push("Name: give the key a name, e.g. “production backend”.");
  else if (name.length > 64) problems.push("Name: at most 64 characters.");
  else if (!NAME.test(name)) problems.push("Name: letters, digits, spaces and . _ : / - only.");
  if (form.scopes.length === 0) problems.push("Scopes: choose at least one.");
  return problems;
}

/** The expiry the API gets for a choice of days ("never": none), as an ISO time from `now`. */
export function expiryFrom(choice: string, now: Date): string | undefined {
  if (choice === "never") return undefined;
  const days = Number(choice);
  if (!Number.isInteger(days) || days <= 0) throw new Error(`not a number of days: ${choice}`);
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

/** The rotation's grace period in seconds (0 to 7 days, as the API allows). */
export function graceSecondsFrom(choice: string): number {
  const seconds = Number(choice);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 7 * 86_400)
    throw new Error(`not a grace period: ${choice}`);
  return seconds;
}
