/**
 * The browser side of IrysStorage: `@irys/web-upload` driven by the app's viem WalletClient (what
 * Privy/wagmi hand the dApp), through the SDK's viem v2 adapter. The wallet is only asked for its
 * address here: the item is signed by `createDataItem` before it reaches the client, and the
 * client posts those bytes unchanged (funding an Irys balance is the one thing that would make
 * the wallet sign or send a transaction, and this module does not do it).
 *
 * The SDK needs Node's Buffer (and `crypto`, `stream`) in the page: a Vite app that uses this
 * must polyfill them, as the Chromium test project does with vite-plugin-node-polyfills.
 */
import { type Chain, createPublicClient, http, type PublicClient, type Transport, type WalletClient } from "viem";
import { IrysStorage, type IrysUploadPort } from "./irys-storage.js";

/** The Irys payment tokens this app can name; the node's upload route is `/tx/{token}`. */
export type IrysWebToken = "ethereum" | "base-eth";

export interface IrysWebOptions {
  /** The wallet that identifies the uploader (its first address, or `accountIndex`). */
  walletClient: WalletClient;
  /** Reads the chain for funding checks; built from `rpcUrl` (or the wallet's chain) if absent. */
  publicClient?: PublicClient;
  rpcUrl?: string;
  /** The Irys node: https://uploader.irys.xyz in production, a local node in tests. */
  bundlerUrl: string;
  gatewayUrl?: string;
  /** A sponsor address with an Irys approval for the signer, if the signer does not pay. */
  paidBy?: string;
  token?: IrysWebToken;
  accountIndex?: number;
}

export async function connectIrysInBrowser(options: IrysWebOptions): Promise<IrysStorage> {
  // Loaded on demand: the SDK pulls in axios, ethers v5 parts and polyfilled Node modules, which
  // an app on local or Turbo storage should not ship in its main bundle.
  const [{ WebUploader }, { WebEthereum, WebBaseEth }, { ViemV2Adapter }] = await Promise.all([
    import("@irys/web-upload"),
    import("@irys/web-upload-ethereum"),
    import("@irys/web-upload-ethereum-viem-v2"),
  ]);
  const publicClient =
    options.publicClient ??
    createPublicClient({
      chain: options.walletClient.chain as Chain | undefined,
      transport: http(options.rpcUrl) as Transport,
    });
  const token = (options.token ?? "ethereum") === "base-eth" ? WebBaseEth : WebEthereum;
  let builder = WebUploader(token)
    .withAdapter(
      ViemV2Adapter(options.walletClient, {
        publicClient,
        ...(options.accountIndex !== undefined ? { accountIndex: options.accountIndex } : {}),
      }),
    )
    .bundlerUrl(options.bundlerUrl);
  if (options.rpcUrl) builder = builder.withRpc(options.rpcUrl);
  // build() constructs the token client and runs its ready(), which reads the wallet's address
  // (getAddresses: no RPC call for a local account, a request to the injected wallet otherwise).
  const irys = await builder.build();
  return new IrysStorage({
    irys: irys as unknown as IrysUploadPort,
    bundlerUrl: options.bundlerUrl,
    ...(options.gatewayUrl ? { gatewayUrl: options.gatewayUrl } : {}),
    ...(options.paidBy ? { paidBy: options.paidBy } : {}),
  });
}
