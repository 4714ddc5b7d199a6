/**
 * A project's slug, checked as the person types: the registry's own rule (ProjectRegistry
 * `_validateSlug`: 3-64 characters of [a-z0-9-], no '-' at either end) first, then whether
 * another project already has it (`projectIdOfSlug`). Slugs are never freed, so "taken" is final.
 */

export type SlugCheck =
  | { state: "empty" }
  | { state: "invalid"; reason: string }
  | { state: "checking"; slug: string }
  | { state: "taken"; slug: string; projectId: bigint }
  | { state: "free"; slug: string }
  | { state: "unknown"; slug: string; reason: string };

const ALLOWED = /^[a-z0-9-]+$/;

/** Why the registry would refuse `slug` (ProjectSlugInvalid), or undefined when its shape is fine. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length < 3) return "At least 3 characters.";
  if (slug.length > 64) return "At most 64 characters.";
  if (!ALLOWED.test(slug)) {
    const bad = [...new Set([...slug].filter((c) => !/[a-z0-9-]/.test(c)))].join(" ");
    return `Only lowercase letters a-z, digits and '-' (not: ${bad}).`;
  }
  if (slug.startsWith("-") || slug.endsWith("-")) return "It may not start or end with '-'.";
  return undefined;
}

/** What the registry would say to `slug`, given its lookup (`projectIdOfSlug`, 0 = free). */
export async function checkSlug(slug: string, lookup: (slug: string) => Promise<bigint>): Promise<SlugCheck> {
  if (slug === "") return { state: "empty" };
  const problem = slugProblem(slug);
  if (problem) return { state: "invalid", reason: problem };
  try {
    const projectId = await lookup(slug);
    return projectId === 0n ? { state: "free", slug } : { state: "taken", slug, projectId };
  } catch {
    return { state: "unknown", slug, reason: "The registry could not be asked; try again." };
  }
}

/** The sentence shown under the slug field. */
export function slugMessage(check: SlugCheck): string {
  switch (check.state) {
    case "empty":
      return "3-64 characters of a-z, 0-9 and '-'. It is part of the verify link and can never change.";
    case "invalid":
      return check.reason;
    case "checking":
      return `Checking whether "${check.slug}" is free…`;
    case "taken":
      return `"${check.slug}" is taken (project ${check.projectId}). Slugs are never freed: pick another.`;
    case "free":
      return `"${check.slug}" is free.`;
    case "unknown":
      return check.reason;
  }
}
