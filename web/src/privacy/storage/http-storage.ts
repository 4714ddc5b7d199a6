/**
 * Reads shared by the production adapters: gateways serve an item's data at /{id} and bundlers
 * report a stored item at /tx/{id}/status. Network failures count as "unavailable" (retryable).
 */
import { StorageUnavailableError, storageErrorFromStatus } from "./storage.js";

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
