import { createPublicClient, createWalletClient, custom, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it } from "vitest";
import { createDataItem, type SignedDataItem } from "../../../src/privacy/storage/ans104.js";
import { base58 } from "../../../src/privacy/storage/http-storage.js";
import { connectIrysInBrowser, type IrysWebToken } from "../../../src/privacy/storage/irys-web.js";
import { StoragePaymentError, StorageUnavailableError } from "../../../src/privacy/storage/storage.js";
import type { ScriptedRoute } from "../../support/fake-http-control.js";
import { type RemoteFakeHttp, startRemoteFakeHttp } from "../../support/fake-http-remote.js";
import { testPrivateKey } from "../keys/fixtures.js";

// The real @irys/web-upload client with the viem v2 adapter, in Chromium, against a scripted
// Irys node that runs on the Node side (see fake-http-control.ts). The wallet's transport fails
// every JSON-RPC call, and the test checks none was made: an upload needs no chain.

const account = privateKeyToAccount(testPrivateKey);
const servers: RemoteFakeHttp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fakeIrysNode(script: ScriptedRoute[]) {
  const server = await startRemoteFakeHttp(script);
  servers.push(server);
  return server;
}

async function item(): Promise<SignedDataItem> {
  const data = crypto.getRandomValues(new Uint8Array(5000));
  return createDataItem({ data, tags: [{ name: "App-Name", value: "OneKey" }], signer: account });
}

async function connect(node: RemoteFakeHttp, options: { paidBy?: string; token?: IrysWebToken } = {}) {
  const rpcCalls: string[] = [];
  const transport = custom({
    async request({ method }: { method: string }) {
      rpcCalls.push(method);
      throw new Error(`no chain in this test (${method})`);
    },
  });
  const storage = await connectIrysInBrowser({
    walletClient: createWalletClient({ account, transport }),
    publicClient: createPublicClient({ transport }),
    bundlerUrl: node.url,
    gatewayUrl: node.url,
    ...options,
  });
  return { storage, rpcCalls };
}

const receipt = (id: string) => ({ id, timestamp: 1, signature: "s", public: "p", version: "1.0.0" });

describe("IrysStorage through @irys/web-upload (Chromium, viem WalletClient)", () => {
  it("posts our signed item byte for byte to /tx/ethereum, with the sponsor, and makes no RPC call", async () => {
    const signed = await item();
    const node = await fakeIrysNode([
      { method: "POST", path: "/tx/ethereum", reply: { status: 200, json: receipt(base58(hexToBytes(signed.id))) } },
    ]);
    const { storage, rpcCalls } = await connect(node, { paidBy: "0x000000000000000000000000000000000000beef" });
    await storage.upload(signed);

    const uploads = (await node.requests()).filter((r) => r.method === "POST");
    expect(uploads.map((r) => r.path)).toEqual(["/tx/ethereum"]);
    const [upload] = uploads;
    expect(upload?.headers["content-type"]).toBe("application/octet-stream");
    expect(upload?.headers["x-irys-paid-by"]).toBe("0x000000000000000000000000000000000000beef");
    expect(upload?.body.length).toBe(signed.bytes.length);
    expect(upload?.body).toEqual(signed.bytes);
    expect(rpcCalls).toEqual([]);
  });

  it("uploads on the token's route (base-eth)", async () => {
    const signed = await item();
    const node = await fakeIrysNode([
      { method: "POST", path: "/tx/base-eth", reply: { status: 200, json: receipt(signed.idBase64Url) } },
    ]);
    await (await connect(node, { token: "base-eth" })).storage.upload(signed);
    expect((await node.requests()).filter((r) => r.method === "POST").map((r) => r.path)).toEqual(["/tx/base-eth"]);
  });

  it("rejects a receipt for another item", async () => {
    const node = await fakeIrysNode([
      { method: "POST", path: "/tx/ethereum", reply: { status: 200, json: receipt(base58(new Uint8Array(32))) } },
    ]);
    const { storage } = await connect(node);
    await expect(storage.upload(await item())).rejects.toThrow(/Irys stored 1{32}, not the item/);
  });

  const failures: [number, new (...args: never[]) => Error][] = [
    [402, StoragePaymentError],
    [500, StorageUnavailableError],
    [503, StorageUnavailableError],
  ];
  for (const [status, errorClass] of failures) {
    it(`maps an HTTP ${status} from the node to ${errorClass.name}`, async () => {
      const node = await fakeIrysNode([
        { method: "POST", path: "/tx/ethereum", reply: { status, body: `status ${status}` } },
      ]);
      const { storage } = await connect(node);
      const failure = await storage.upload(await item()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(errorClass);
      expect((failure as Error).message).toContain(String(status));
    });
  }
});
