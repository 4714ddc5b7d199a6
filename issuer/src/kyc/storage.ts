/**
 * Where the issuer checks a record before signing its attestation: the item the browser
 * uploaded must exist on the named storage network and its bytes must hash (keccak256) to the
 * reported ciphertextHash. One small interface with an HTTP gateway adapter: the local ANS-104
 * bundler node or arlocal locally, an Arweave or Irys gateway in production (every one serves an
 * item's data at `GET /<base64url id>`).
 */
import { STORAGE_NETWORKS } from "@onekey/deploy";
import { type Hex, hexToBytes, keccak256 } from "viem";

export { STORAGE_NETWORKS };
export type StorageNetworkId = (typeof STORAGE_NETWORKS)[keyof typeof STORAGE_NETWORKS];

/** A record is a sealed envelope (the dApp caps documents at 50 MB): anything larger is refused. */
export const MAX_RECORD_BYTES = 64 * 2 ** 20;

export type StoredItem = { found: false } | { found: true; hash: Hex; size: number };

export class StorageUnavailable extends Error {
  override name = "StorageUnavailable";
}

export interface RecordStorage {
  /** Networks this deployment can check. */
  readonly networks: readonly StorageNetworkId[];
  /** Reads the item (at most MAX_RECORD_BYTES) and hashes it. */
  inspect(network: StorageNetworkId, storageId: Hex, signal: AbortSignal): Promise<StoredItem>;
}

export function storageIdToBase64Url(id: Hex): string {
  return Buffer.from(hexToBytes(id)).toString("base64url");
}

export function createGatewayStorage(gateways: Partial<Record<StorageNetworkId, string>>): RecordStorage {
  const networks = (Object.keys(gateways).map(Number) as StorageNetworkId[]).filter((n) => gateways[n]);
  return {
    networks,
    async inspect(network, storageId, signal) {
      const gateway = gateways[network];
      if (!gateway) throw new StorageUnavailable(`storage network ${network} is not configured`);
      let response: Response;
      try {
        response = await fetch(`${gateway.replace(/\/+$/, "")}/${storageIdToBase64Url(storageId)}`, { signal });
      } catch (error) {
        throw new StorageUnavailable(`the storage gateway cannot be reached`, { cause: error });
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return { found: false };
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new StorageUnavailable(`the storage gateway answered ${response.status}`);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > MAX_RECORD_BYTES) throw new StorageUnavailable("the stored item is larger than any record");
          chunks.push(chunk);
        }
      } catch (error) {
        if (error instanceof StorageUnavailable) throw error;
        throw new StorageUnavailable("the storage gateway broke off the download", { cause: error });
      }
      return { found: true, hash: keccak256(Buffer.concat(chunks, size)), size };
    },
  };
}
