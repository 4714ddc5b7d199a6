/**
 * The browser wallet's owner key: generated here on first use and kept in this browser's
 * IndexedDB, so the same smart account comes back after a reload. It never leaves the browser.
 * Anyone who can run script on this origin can read it (IndexedDB is not a vault): it is the
 * local default for trying OneKey; people with value at stake use their own wallet or Privy.
 */
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";

const DB_NAME = "onekey-wallet";
const STORE = "keys";
const OWNER = "owner";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function run<T>(db: IDBDatabase, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The stored owner key, or undefined when this browser has none yet. */
export async function readOwnerKey(): Promise<Hex | undefined> {
  const db = await open();
  try {
    return (await run<Hex | undefined>(db, "readonly", (store) => store.get(OWNER))) ?? undefined;
  } finally {
    db.close();
  }
}

/** The stored owner key, created (once, even with two tabs racing) when there is none. */
export async function ownerKey(): Promise<Hex> {
  const db = await open();
  try {
    const fresh = generatePrivateKey();
    // `add` fails if another tab stored one first; then that one is read back.
    await run(db, "readwrite", (store) => store.add(fresh, OWNER)).catch(() => undefined);
    const stored = await run<Hex | undefined>(db, "readonly", (store) => store.get(OWNER));
    if (!stored) throw new Error("the browser wallet could not keep its key in IndexedDB");
    return stored;
  } finally {
    db.close();
  }
}
