/**
 * The slug field's live check: the shape at once, then (once typing pauses) the registry's
 * `projectIdOfSlug`; an answer for an older value never shows for the current one.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { CHAIN_QUERY } from "./action.js";
import { useChainEnv } from "./env.js";
import { checkSlug, type SlugCheck, slugProblem } from "./slug.js";

export function useSlugCheck(slug: string, delayMs = 250): SlugCheck {
  const { reads } = useChainEnv();
  const [settled, setSettled] = useState(slug);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(slug), delayMs);
    return () => clearTimeout(timer);
  }, [slug, delayMs]);
  const shapeOk = slug !== "" && slugProblem(slug) === undefined;
  const lookup = useQuery({
    queryKey: [CHAIN_QUERY, "slug", settled],
    queryFn: () => checkSlug(settled, (s) => reads.projectIdOfSlug(s)),
    enabled: shapeOk && settled === slug,
    staleTime: 0,
  });
  if (slug === "") return { state: "empty" };
  const problem = slugProblem(slug);
  if (problem) return { state: "invalid", reason: problem };
  if (settled !== slug || !lookup.data || lookup.isFetching) return { state: "checking", slug };
  return lookup.data;
}
