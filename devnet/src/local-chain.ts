import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@onekey/deploy";
import { freePort, hardhatCli, type Managed, portInUse, runToEnd, startProcess, waitFor } from "./processes.js";

export interface LocalChain {
  rpcUrl: string;
  port: number;
  chainId: number;
  /** The OneKey deployment on this chain (absent when started with `deploy: false`). */
  deployment?: Deployment;
  /** The deployment book directory holding `local.json` for this chain (with the deployment). */
  deployBookDir?: string;
  node: Managed;
  stop: () => Promise<void>;
}

export interface LocalChainOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Deploy OneKey through Ignition (default true). Artifacts must be compiled already. */
  deploy?: boolean;
  /** Where the Ignition journal goes (default: a temporary directory removed on stop). */
  ignitionDir?: string;
  /** Where the deployment book entry goes (default: the same temporary directory). */
  deployBookDir?: string;
  /** Print the node's log. */
  echo?: boolean;
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Starts `hardhat node` (EDR) on 127.0.0.1 and deploys OneKey to it through the same
 * Ignition modules and deploy script as production. Used by the dev stack and by tests.
 */
export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const scratch = mkdtempSync(join(tmpdir(), "onekey-chain-"));
  const port = options.port ?? (await freePort());
  if (options.port !== undefined && (await portInUse(port))) {
    throw new Error(`Port ${port} is in use; choose another (ONEKEY_CHAIN_PORT) or free it`);
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node = startProcess(
    process.execPath,
    [hardhatCli(), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      echo: options.echo,
    },
  );
  const stop = async () => {
    await node.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const chainId = await waitFor(`hardhat node on ${rpcUrl}`, async () => {
      if (node.child.exitCode !== null) throw new Error(`hardhat node exited:\n${node.output()}`);
      return Number(await rpc(rpcUrl, "eth_chainId"));
    });
    let deployment: Deployment | undefined;
    const bookDir = options.deployBookDir ?? scratch;
    if (options.deploy ?? true) {
      const out = await runToEnd(
        process.execPath,
        [hardhatCli(), "run", "--no-compile", "--network", "localhost", "scripts/deploy.ts"],
        {
          LOCAL_RPC_URL: rpcUrl,
          ONEKEY_IGNITION_DIR: options.ignitionDir ?? scratch,
          ONEKEY_DEPLOY_BOOK_DIR: bookDir,
          HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "false",
        },
      );
      const jsonLine = out
        .trim()
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      if (!jsonLine) throw new Error(`deploy printed no deployment:\n${out}`);
      deployment = JSON.parse(jsonLine) as Deployment;
    }
    return { rpcUrl, port, chainId, deployment, deployBookDir: deployment ? bookDir : undefined, node, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Mines `count` blocks one by one (a counted hardhat_mine leaves zero parent hashes Ponder rejects). */
export async function mineBlocks(rpcUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await rpc(rpcUrl, "evm_mine");
}
