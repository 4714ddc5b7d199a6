/**
 * The one window where personal data exists in the clear: between receiving the result (the
 * issuer hands it over once) and sealing it. So that a reload in that window loses nothing, the
 * result waits in IndexedDB, encrypted under a WebCrypto AES-GCM key that is not extractable
 * (script can use it, nothing can export it) and is deleted as soon as the sealed item is queued.
 */
const DB_NAME = "onekey-pending-results";

interface Pending {
  sessionId: string;
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: ArrayBuffer;
  key: CryptoKey;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("pending", { keyPath: "sessionId" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction("pending", mode);
      const request = work(tx.objectStore("pending"));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function keepPendingResult(sessionId: string, plaintext: Uint8Array<ArrayBuffer>): Promise<void> {
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext);
  await run("readwrite", (store) => store.put({ sessionId, iv, ciphertext, key } satisfies Pending));
}

export async function readPendingResult(sessionId: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const pending = await run<Pending | undefined>("readonly", (store) => store.get(sessionId));
  if (!pending) return undefined;
  const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: pending.iv }, pending.key, pending.ciphertext);
  return new Uint8Array(plaintext);
}

export async function dropPendingResult(sessionId: string): Promise<void> {
  await run("readwrite", (store) => store.delete(sessionId));
}
