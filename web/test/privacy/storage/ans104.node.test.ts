import { Bundle, DataItem } from "arbundles";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { bundleItems, createDataItem, fromBase64Url, serializeTags } from "../../../src/privacy/storage/ans104.js";
import { testPrivateKey } from "../keys/fixtures.js";

// arbundles (the library arlocal, Irys and Turbo build on) is the independent judge here.
const account = privateKeyToAccount(testPrivateKey);
const tags = [
  { name: "Content-Type", value: "application/octet-stream" },
  { name: "App-Name", value: "OneKey" },
];

describe("ANS-104 data items", () => {
  it("are valid for arbundles, with the id, owner, tags and data we set", async () => {
    const data = new TextEncoder().encode("envelope bytes");
    const item = await createDataItem({ data, tags, signer: account });
    const parsed = new DataItem(Buffer.from(item.bytes));
    expect(await DataItem.verify(Buffer.from(item.bytes))).toBe(true);
    expect(parsed.signatureType).toBe(3);
    expect(parsed.id).toBe(item.idBase64Url);
    expect(Buffer.from(fromBase64Url(item.idBase64Url)).toString("hex")).toBe(item.id.slice(2));
    expect(parsed.tags).toEqual(tags);
    expect(Buffer.from(parsed.rawData)).toEqual(Buffer.from(data));
    expect(Buffer.from(parsed.rawOwner).toString("hex")).toBe(account.publicKey.slice(2));
  });

  it("stay valid with no tags, an anchor, empty and large data, and a signer without a known public key", async () => {
    const signer = { signMessage: account.signMessage };
    for (const data of [new Uint8Array(0), new Uint8Array(3 * 2 ** 20).fill(7)]) {
      const item = await createDataItem({ data, tags: [], signer, anchor: new Uint8Array(32).fill(1) });
      expect(await DataItem.verify(Buffer.from(item.bytes))).toBe(true);
      expect(new DataItem(Buffer.from(item.bytes)).anchor).toBe(
        Buffer.from(new Uint8Array(32).fill(1)).toString("base64url"),
      );
    }
  });

  it("are deterministic for one signer (so a resumed upload re-sends the same id), and tamper-evident", async () => {
    const data = new Uint8Array(1000).fill(3);
    const a = await createDataItem({ data, tags, signer: account });
    const b = await createDataItem({ data, tags, signer: account });
    expect(a.id).toBe(b.id);
    const tampered = Buffer.from(a.bytes);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(await DataItem.verify(tampered)).toBe(false);
  });

  it("serialize tags like arbundles and refuse ones outside ANS-104 limits", () => {
    expect(serializeTags([])).toEqual(new Uint8Array(0));
    expect(() => serializeTags([{ name: "", value: "x" }])).toThrow(RangeError);
    expect(() => serializeTags([{ name: "a", value: "x".repeat(3073) }])).toThrow(/outside ANS-104 limits/);
  });

  it("bundle into an ANS-104 bundle arbundles can read back", async () => {
    const items = await Promise.all(
      [1, 2, 3].map((n) => createDataItem({ data: new Uint8Array(n * 10).fill(n), tags, signer: account })),
    );
    const bundle = new Bundle(Buffer.from(bundleItems(items)));
    expect(bundle.length).toBe(3);
    expect(bundle.getIds()).toEqual(items.map((item) => item.idBase64Url));
    expect(await bundle.verify()).toBe(true);
  });
});
