import type { Page } from "./apiTypes.js";

/**
 * Walks a cursor-paginated list: calls `fetchPage` with no cursor, then with each `nextCursor`,
 * yielding items one by one until a page has no `nextCursor`. Pages are fetched lazily, so
 * breaking out of the loop stops the requests.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    const next = page.nextCursor ?? undefined;
    // A server handing back the cursor it was given would otherwise loop forever.
    if (next !== undefined && next === cursor) throw new Error(`paginate: the server repeated cursor ${next}`);
    cursor = next;
  } while (cursor !== undefined);
}
