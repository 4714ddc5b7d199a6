/**
 * Reads shared by the adapters: gateways serve an item's data at /{id}, bundlers report a stored
 * item at /tx/{id}/status, and both answer GraphQL queries for an item's tags (Arweave gateways,
 * Irys nodes, arlocal and the local bundler node accept the same query). Network failures count
 * as "unavailable" (retryable).
 */
import type { Tag } from "./ans104.js";
import {
  StorageNotFoundError,
  StorageRejectedError,
  StorageUnavailableError,
  storageErrorFromStatus,
} from "./storage.js";

export async function fetchOrUnavailable(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new StorageUnavailableError(`${new URL(url).host} cannot be reached`, { cause: error });
  }
}

export async function existsAt(url: string): Promise<boolean> {
  const response = await fetchOrUnavailable(url);
  if (response.status === 404) return false;
  if (!response.ok) throw storageErrorFromStatus(response.status, `${url} answered ${response.status}`);
  return true;
}

export async function bytesAt(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetchOrUnavailable(url, { signal });
  if (!response.ok) throw storageErrorFromStatus(response.status, `${url} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The tags of one item through `transactions(ids: …)`, the query every Arweave-style GraphQL
 * endpoint shares. Ids are base64url or base58, so they are safe inline (and the argument's
 * declared type differs between servers, which rules out a variable).
 */
export async function tagsByGraphql(
  graphqlUrl: string,
  id: string,
  signal?: AbortSignal,
  /** Other spellings of the same id the server may answer with (Irys: base58 or base64url). */
  aliases: readonly string[] = [],
): Promise<Tag[]> {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) throw new RangeError(`not a storage id: ${id}`);
  const response = await fetchOrUnavailable(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `{ transactions(ids: ["${id}"]) { edges { node { id tags { name value } } } } }` }),
    signal,
  });
  if (!response.ok) throw storageErrorFromStatus(response.status, `${graphqlUrl} answered ${response.status}`);
  let body: { data?: { transactions?: { edges?: { node?: { id?: unknown; tags?: unknown } }[] } }; errors?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new StorageUnavailableError(`${graphqlUrl} did not answer with JSON`);
  }
  // A server that rejects the query will reject it again: not worth retrying.
  if (body.errors) throw new StorageRejectedError(`${graphqlUrl} answered ${JSON.stringify(body.errors)}`);
  const ids = new Set([id, ...aliases]);
  const node = body.data?.transactions?.edges?.find((edge) => ids.has(String(edge.node?.id)))?.node;
  // Gateways index bundled items some time after the upload: not found may mean "not yet".
  if (!node) throw new StorageNotFoundError(`${new URL(graphqlUrl).host} has not indexed ${id}`);
  if (
    !Array.isArray(node.tags) ||
    !node.tags.every((tag) => typeof tag?.name === "string" && typeof tag?.value === "string")
  ) {
    throw new StorageUnavailableError(`${graphqlUrl} answered malformed tags for ${id}`);
  }
  return (node.tags as Tag[]).map(({ name, value }) => ({ name, value }));
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58, as Irys writes its ids. */
export function base58(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = value * 256n + BigInt(byte);
  let out = "";
  while (value > 0n) {
    out = BASE58[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}
