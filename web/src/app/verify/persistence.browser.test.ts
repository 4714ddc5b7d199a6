import { describe, expect, it } from "vitest";
import { initialState, type VerifyState } from "./machine.js";
import { dropPendingResult, keepPendingResult, readPendingResult } from "./pending-result.js";
import { loadFlow, saveFlow } from "./persist.js";

describe("what survives a reload", () => {
  it("the flow's state, without transient parts, per chain and link", () => {
    const state: VerifyState = {
      ...initialState("demo"),
      step: "uploading",
      subject: "0x1111111111111111111111111111111111111111",
      sessionId: "ses_9",
      upload: { sent: 5, total: 10 },
      failure: { code: "storage_unavailable", step: "uploading" },
      sealPhase: "lock",
    };
    saveFlow(31337, state);
    const loaded = loadFlow(31337, "demo");
    expect(loaded).toMatchObject({ step: "uploading", sessionId: "ses_9" });
    expect(loaded.upload).toBeUndefined();
    expect(loaded.failure).toBeUndefined();
    expect(loadFlow(84532, "demo")).toEqual(initialState("demo"));
    localStorage.setItem("onekey:verify:31337:other", "{not json");
    expect(loadFlow(31337, "other")).toEqual(initialState("other"));
  });

  it("the received result waits encrypted under a key nothing can export, until dropped", async () => {
    const plaintext = new TextEncoder().encode(JSON.stringify({ name: "ONEKEY-CANARY-51" }));
    await keepPendingResult("ses_canary", plaintext);
    const stored = await new Promise<{ ciphertext: ArrayBuffer; key: CryptoKey }>((resolve, reject) => {
      const open = indexedDB.open("onekey-pending-results");
      open.onsuccess = () => {
        const get = open.result.transaction("pending").objectStore("pending").get("ses_canary");
        get.onsuccess = () => {
          open.result.close();
          resolve(get.result);
        };
        get.onerror = () => reject(get.error);
      };
    });
    expect(new TextDecoder().decode(stored.ciphertext)).not.toContain("CANARY");
    expect(stored.key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", stored.key)).rejects.toThrow();
    expect(new TextDecoder().decode(await readPendingResult("ses_canary"))).toContain("ONEKEY-CANARY-51");
    await dropPendingResult("ses_canary");
    expect(await readPendingResult("ses_canary")).toBeUndefined();
  });
});
