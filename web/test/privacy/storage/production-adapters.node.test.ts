import { Uploader } from "@irys/upload";
import { Ethereum } from "@irys/upload-ethereum";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it } from "vitest";
import { createDataItem, type SignedDataItem } from "../../../src/privacy/storage/ans104.js";
import { base58 } from "../../../src/privacy/storage/http-storage.js";
import { IrysStorage } from "../../../src/privacy/storage/irys-storage.js";
import {
  StorageNotFoundError,
  StoragePaymentError,
  StorageRejectedError,
  StorageUnavailableError,
} from "../../../src/privacy/storage/storage.js";
import { TurboStorage } from "../../../src/privacy/storage/turbo-storage.js";
import { type RecordedRequest, type Reply, startFakeHttp } from "../../support/fake-http.js";
import { testPrivateKey } from "../keys/fixtures.js";

// Our Turbo client (which replaced the Turbo SDK: these tests pinned what the SDK sent) and the
// real Irys SDK, pointed at scripted services on 127.0.0.1: what they send is asserted byte for
// byte, and each failure the services can answer maps to a storage error.

const signer = privateKeyToAccount(testPrivateKey);
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(handler: (request: RecordedRequest) => Reply) {
  const server = await startFakeHttp(handler);
  servers.push(server);
  return server;
}

async function item(size = 5000): Promise<SignedDataItem> {
  return createDataItem({ data: new Uint8Array(size).fill(9), tags: [{ name: "App-Name", value: "OneKey" }], signer });
}

describe("base58 (Irys ids)", () => {
  it("matches the Bitcoin alphabet vectors, leading zeros included", () => {
    expect(base58(new Uint8Array([0x61]))).toBe("2g");
    expect(base58(new Uint8Array([0x62, 0x62, 0x62]))).toBe("a3gV");
    expect(base58(new Uint8Array([0x63, 0x63, 0x63]))).toBe("aPEr");
    expect(base58(new Uint8Array([0, 0, 0, 0x28, 0x7f, 0xb4, 0xcd]))).toBe("111233QC4");
  });
});

describe("TurboStorage (ArDrive Turbo's upload service)", () => {
  it("posts the signed item as-is to /v1/tx/arweave, with progress, and accepts the matching receipt", async () => {
    const signed = await item();
    const service = await fake(() => ({ status: 200, json: { id: signed.idBase64Url, owner: "x", winc: "0" } }));
    const storage = new TurboStorage({ uploadUrl: service.url, gatewayUrl: service.url });
    const progress: number[] = [];
    await storage.upload(signed, { onProgress: (sent) => progress.push(sent) });
    const [request] = service.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/tx/arweave" });
    expect(request?.headers["content-type"]).toBe("application/octet-stream");
    expect(request?.headers["content-length"]).toBe(String(signed.bytes.length));
    expect(request?.body.equals(Buffer.from(signed.bytes))).toBe(true);
    expect(progress).toEqual([0, signed.bytes.length]);
  });

  it("names the sponsors paying with shared credits, and none when the signer pays", async () => {
    const signed = await item();
    const service = await fake(() => ({ status: 200, json: { id: signed.idBase64Url } }));
    await new TurboStorage({ uploadUrl: service.url, paidBy: ["sponsor-address"] }).upload(signed);
    await new TurboStorage({ uploadUrl: service.url, paidBy: ["sponsor-a", "sponsor-b"] }).upload(signed);
    await new TurboStorage({ uploadUrl: service.url }).upload(signed);
    expect(service.requests.map((request) => request.headers["x-paid-by"])).toEqual([
      "sponsor-address",
      "sponsor-a, sponsor-b",
      undefined,
    ]);
  });

  const failures: [number, new (...args: never[]) => Error][] = [
    [402, StoragePaymentError],
    [400, StorageRejectedError],
    [503, StorageUnavailableError],
  ];
  for (const [status, errorClass] of failures) {
    it(`maps an HTTP ${status} to ${errorClass.name}`, async () => {
      const service = await fake(() => ({ status, body: `status ${status}` }));
      const storage = new TurboStorage({ uploadUrl: service.url });
      await expect(storage.upload(await item())).rejects.toBeInstanceOf(errorClass);
    });
  }

  it("treats a refused connection and a receipt for another item as unavailable", async () => {
    const closed = await fake(() => ({ status: 200 }));
    const storage = new TurboStorage({ uploadUrl: closed.url });
    await closed.close();
    await expect(storage.upload(await item())).rejects.toBeInstanceOf(StorageUnavailableError);
    const liar = await fake(() => ({ status: 200, json: { id: "someone-else" } }));
    await expect(new TurboStorage({ uploadUrl: liar.url }).upload(await item())).rejects.toThrow(
      /Turbo stored someone-else/,
    );
    const garbled = await fake(() => ({ status: 200, body: "<html>proxy error</html>" }));
    await expect(new TurboStorage({ uploadUrl: garbled.url }).upload(await item())).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });

  it("passes a cancelled upload's abort through, unmapped, so the queue stops instead of retrying", async () => {
    const signed = await item();
    const service = await fake(() => ({ status: 200, json: { id: signed.idBase64Url } }));
    const controller = new AbortController();
    controller.abort();
    const upload = new TurboStorage({ uploadUrl: service.url }).upload(signed, { signal: controller.signal });
    await expect(upload).rejects.toMatchObject({ name: "AbortError" });
    await expect(upload).rejects.not.toBeInstanceOf(StorageUnavailableError);
  });

  it("asks Turbo's status endpoint whether an item is stored, and reads from the gateway", async () => {
    const signed = await item();
    const service = await fake((request) =>
      request.path === `/v1/tx/${signed.idBase64Url}/status`
        ? { status: 200, json: { status: "CONFIRMED" } }
        : request.path === `/${signed.idBase64Url}`
          ? { status: 200, body: new Uint8Array([1, 2, 3]) }
          : { status: 404, body: "not found" },
    );
    const storage = new TurboStorage({ uploadUrl: service.url, gatewayUrl: service.url });
    expect(await storage.has(signed.id)).toBe(true);
    expect(await storage.has(`0x${"00".repeat(32)}`)).toBe(false);
    expect(await storage.download(signed.id)).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe("IrysStorage (@irys/upload)", () => {
  async function irysAgainst(url: string) {
    // Building the client makes no network call; the wallet only identifies the client's token.
    const irys = await Uploader(Ethereum).withWallet(testPrivateKey).bundlerUrl(url);
    return new IrysStorage({ irys: irys as never, bundlerUrl: url, gatewayUrl: url });
  }

  it("posts the signed item as-is to /tx/ethereum and accepts a receipt in base58 or base64url", async () => {
    for (const form of ["base58", "base64url"] as const) {
      const signed = await item();
      const id = form === "base58" ? base58(Buffer.from(signed.id.slice(2), "hex")) : signed.idBase64Url;
      const service = await fake(() => ({ status: 200, json: { id, timestamp: 1, signature: "s", public: "p" } }));
      const progress: number[] = [];
      await (await irysAgainst(service.url)).upload(signed, { onProgress: (sent) => progress.push(sent) });
      const [request] = service.requests;
      expect(request).toMatchObject({ method: "POST", path: "/tx/ethereum" });
      expect(request?.headers["content-type"]).toBe("application/octet-stream");
      expect(request?.body.equals(Buffer.from(signed.bytes))).toBe(true);
      expect(progress).toEqual([0, signed.bytes.length]);
    }
  });

  const failures: [number, new (...args: never[]) => Error][] = [
    [402, StoragePaymentError],
    [400, StorageRejectedError],
    [500, StorageUnavailableError],
  ];
  for (const [status, errorClass] of failures) {
    it(`maps an HTTP ${status} to ${errorClass.name}`, async () => {
      const service = await fake(() => ({ status, body: `status ${status}` }));
      await expect((await irysAgainst(service.url)).upload(await item())).rejects.toBeInstanceOf(errorClass);
    });
  }

  it("treats a refused connection as unavailable", async () => {
    const closed = await fake(() => ({ status: 200 }));
    const storage = await irysAgainst(closed.url);
    await closed.close();
    await expect(storage.upload(await item())).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it("looks items up by their base58 id on the node and the gateway", async () => {
    const signed = await item();
    const id58 = base58(Buffer.from(signed.id.slice(2), "hex"));
    const service = await fake((request) =>
      request.path === `/tx/${id58}/status`
        ? { status: 200, json: {} }
        : request.path === `/${id58}`
          ? { status: 200, body: "stored" }
          : { status: 404, body: "" },
    );
    const storage = await irysAgainst(service.url);
    expect(await storage.has(signed.id)).toBe(true);
    expect(await storage.has(`0x${"11".repeat(32)}`)).toBe(false);
    expect(new TextDecoder().decode(await storage.download(signed.id))).toBe("stored");
  });
});

describe("tags through GraphQL (where a record's protected-key blob is read from)", () => {
  const blobTag = { name: "OneKey-Protected-Key", value: '{"v":1}' };
  /** Answers a tags query for whatever id it asks about (or for `id`), with `tags`. */
  const answering = (tags: unknown, id?: string) => (request: RecordedRequest) => {
    const { query } = JSON.parse(request.body.toString()) as { query: string };
    const asked = /ids: \["([^"]+)"\]/.exec(query)?.[1];
    return { status: 200, json: { data: { transactions: { edges: [{ node: { id: id ?? asked, tags } }] } } } };
  };

  async function adapters(url: string) {
    return [
      {
        storage: new TurboStorage({ uploadUrl: url, gatewayUrl: url }),
        idOf: (s: SignedDataItem) => s.idBase64Url,
      },
      {
        storage: new IrysStorage({ irys: {} as never, bundlerUrl: url, gatewayUrl: url }),
        idOf: (s: SignedDataItem) => base58(Buffer.from(s.id.slice(2), "hex")),
      },
    ];
  }

  it("asks Turbo's gateway by base64url id and the Irys node by base58 id, and returns the tags", async () => {
    const signed = await item();
    const tags = [{ name: "App-Name", value: "OneKey" }, blobTag];
    const service = await fake(answering(tags));
    for (const { storage, idOf } of await adapters(service.url)) {
      expect(await storage.tags(signed.id)).toEqual(tags);
      const request = service.requests.at(-1);
      expect(request).toMatchObject({ method: "POST", path: "/graphql" });
      expect(request?.headers["content-type"]).toBe("application/json");
      const { query } = JSON.parse(request?.body.toString() ?? "{}") as { query: string };
      expect(query).toContain(`transactions(ids: ["${idOf(signed)}"])`);
      expect(query).toMatch(/tags\s*\{\s*name\s+value\s*\}/);
    }
  });

  it("takes an Irys answer that spells the id in base64url", async () => {
    const signed = await item();
    const service = await fake(answering([blobTag], signed.idBase64Url));
    const irys = new IrysStorage({ irys: {} as never, bundlerUrl: service.url, gatewayUrl: service.url });
    expect(await irys.tags(signed.id)).toEqual([blobTag]);
  });

  const failures: [string, (request: RecordedRequest) => Reply, new (...args: never[]) => Error][] = [
    [
      "not indexed (yet)",
      () => ({ status: 200, json: { data: { transactions: { edges: [] } } } }),
      StorageNotFoundError,
    ],
    ["an answer about another item", answering([blobTag], "someone-else"), StorageNotFoundError],
    [
      "GraphQL errors",
      () => ({ status: 200, json: { errors: [{ message: "Cannot query field" }] } }),
      StorageRejectedError,
    ],
    ["tags that are not name/value strings", answering([{ name: 1, value: null }]), StorageUnavailableError],
    ["a body that is not JSON", () => ({ status: 200, body: "<html>" }), StorageUnavailableError],
    ["a 503", () => ({ status: 503, body: "busy" }), StorageUnavailableError],
  ];
  for (const [what, handler, errorClass] of failures) {
    it(`maps ${what} to ${errorClass.name}`, async () => {
      const signed = await item();
      const service = await fake(handler);
      for (const { storage } of await adapters(service.url)) {
        await expect(storage.tags(signed.id)).rejects.toBeInstanceOf(errorClass);
      }
      expect(service.requests).toHaveLength(2);
    });
  }
});
