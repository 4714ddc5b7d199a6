/**
 * Tables page through the API's cursors (TanStack Query's infinite query): the first page on
 * open, the next one on request; nothing loads everything.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import type { Page } from "../api.js";

export function useCursorPages<T>(
  queryKey: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
) {
  const query = useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return {
    rows: query.data?.pages.flatMap((p) => p.data) ?? [],
    isPending: query.isPending,
    error: query.error,
    hasMore: query.hasNextPage,
    isFetchingMore: query.isFetchingNextPage,
    more: () => void query.fetchNextPage(),
    refetch: () => query.refetch(),
  };
}

const MAX_REPLAY_DAYS = 31;

/**
 * A replay range from the form's two local times: both given, the start before the end, at most
 * 31 days (the API's limit), as ISO times; or what is wrong, in words.
 */
export function replayRangeProblems(form: { since: string; until: string }): {
  problems: string[];
  range?: { since: string; until: string };
} {
  const problems: string[] = [];
  const since = form.since ? new Date(form.since) : undefined;
  const until = form.until ? new Date(form.until) : undefined;
  if (!since || Number.isNaN(since.getTime())) problems.push("From: choose when the range starts.");
  if (!until || Number.isNaN(until.getTime())) problems.push("Until: choose when the range ends.");
  if (problems.length > 0 || !since || !until) return { problems };
  if (until.getTime() <= since.getTime()) return { problems: ["Until: must be after From."] };
  if (until.getTime() - since.getTime() > MAX_REPLAY_DAYS * 86_400_000) {
    return { problems: [`The range covers at most ${MAX_REPLAY_DAYS} days.`] };
  }
  return { problems: [], range: { since: since.toISOString(), until: until.toISOString() } };
}
