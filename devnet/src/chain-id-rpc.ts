/**
 * A JSON-RPC endpoint that answers one method, `eth_chainId`, for the readiness probes' tests:
 * a real HTTP server on a free port whose URL carries `secret` in its path (as a hosted RPC URL
 * carries its API key), so a test can check that no answer or log repeats it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChainIdRpc {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export async function startChainIdRpc(chainId: number, secret = "SECRET-RPC-KEY"): Promise<ChainIdRpc> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const request = JSON.parse(body) as { id: number; method: string };
      const answer =
        request.method === "eth_chainId"
          ? { jsonrpc: "2.0", id: request.id, result: `0x${chainId.toString(16)}` }
          : { jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "not here" } };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/${secret}`, server, stop };
}
