/**
 * A local remote signer: the Ethereum JSON-RPC subset of Consensys Web3Signer (eth1 mode) that
 * the issuer uses, over keys held in this process, so the issuer's remote-signer path runs here
 * exactly as it would against Web3Signer in front of a KMS. Like Web3Signer it answers
 *   GET  /upcheck                            "OK"
 *   POST / eth_accounts                      the addresses it holds
 *   POST / eth_sign [address, data]          EIP-191 over the data's bytes
 *   POST / eth_signTypedData [address, json] EIP-712 (the JSON as a string or an object, with
 *                                            EIP712Domain in its types, as web3j's encoder wants)
 * and error -32000-style codes for an address it does not hold (Web3Signer's
 * SIGNING_FROM_IS_NOT_AN_UNLOCKED_ACCOUNT) or malformed params (-32602). Binds 127.0.0.1.
 * `faults` lets a test make it sign with a key other than the one asked for.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Address, type Hex, hashTypedData, isAddressEqual, isHex, type TypedDataDefinition } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

/** Web3Signer's code for "the from address is not one of mine". */
export const NOT_AN_UNLOCKED_ACCOUNT = -32000;
const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;

export interface LocalWeb3Signer {
  url: string;
  addresses: Address[];
  /** Every JSON-RPC request it received, in order (request shapes, for tests). */
  requests: { method: string; params: unknown[] }[];
  /** Sign every request with this key instead (a misconfigured or impostor signer). */
  faults: { signWith?: Hex };
  stop(): Promise<void>;
}

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export async function startLocalWeb3Signer(privateKeys: Hex[], port = 0): Promise<LocalWeb3Signer> {
  const accounts: PrivateKeyAccount[] = privateKeys.map((key) => privateKeyToAccount(key));
  const requests: LocalWeb3Signer["requests"] = [];
  const faults: LocalWeb3Signer["faults"] = {};

  const signerFor = (address: unknown): PrivateKeyAccount => {
    const held =
      typeof address === "string" && isHex(address) && address.length === 42
        ? accounts.find((account) => isAddressEqual(account.address, address))
        : undefined;
    if (!held) throw new RpcFailure(NOT_AN_UNLOCKED_ACCOUNT, "Signing from is not an unlocked account");
    return faults.signWith ? privateKeyToAccount(faults.signWith) : held;
  };

  async function answer(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_accounts":
        return accounts.map((account) => account.address.toLowerCase());
      case "eth_sign": {
        const [address, data] = params;
        if (typeof data !== "string" || !isHex(data)) throw new RpcFailure(INVALID_PARAMS, "Invalid params");
        return signerFor(address).signMessage({ message: { raw: data } });
      }
      case "eth_signTypedData": {
        const [address, json] = params;
        let typedData: TypedDataDefinition;
        try {
          typedData = (typeof json === "string" ? JSON.parse(json) : json) as TypedDataDefinition;
          if (!typedData.types || !("EIP712Domain" in typedData.types)) throw new Error("no EIP712Domain");
        } catch {
          throw new RpcFailure(INVALID_PARAMS, "Invalid params");
        }
        const signer = signerFor(address);
        return signer.sign({ hash: hashTypedData(typedData) });
      }
      default:
        throw new RpcFailure(METHOD_NOT_FOUND, `Method not found: ${method}`);
    }
  }

  const server: Server = createServer(async (request, response) => {
    if (request.method === "GET" && request.url === "/upcheck") {
      response.writeHead(200, { "content-type": "text/plain" }).end("OK");
      return;
    }
    if (request.method !== "POST" || request.url !== "/") {
      response.writeHead(404).end();
      return;
    }
    let id: unknown = null;
    try {
      const body = (await readJson(request)) as { id?: unknown; method?: unknown; params?: unknown };
      id = body.id ?? null;
      const method = typeof body.method === "string" ? body.method : "";
      const params = Array.isArray(body.params) ? body.params : [];
      requests.push({ method, params });
      const result = await answer(method, params);
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id, result }));
    } catch (error) {
      const code = error instanceof RpcFailure ? error.code : -32700;
      const message = error instanceof RpcFailure ? error.message : "Parse error";
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    addresses: accounts.map((account) => account.address),
    requests,
    faults,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
