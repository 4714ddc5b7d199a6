/**
 * Puts a large, realistic history on a local chain quickly: issuer batches of attestations, and
 * consents sent by the subjects themselves (impersonated, many per block, JSON-RPC batches).
 */

import { kycRegistryAbi } from "@onekey/deploy";
import type { OneKeyChain } from "@onekey/devnet/onekey-chain";
import { type Address, createWalletClient, encodeFunctionData, type Hex, http, keccak256, toHex } from "viem";
import { hardhat } from "viem/chains";

/** The i-th benchmark subject: a deterministic address nobody holds a key for. */
export function subjectAddress(i: number): Address {
  return `0x${keccak256(toHex(`onekey-bench-subject-${i}`)).slice(26)}` as Address;
}

/** One JSON-RPC batch (an array of calls in one HTTP request). */
async function rpcBatch(url: string, calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
  const body = calls.map((c, id) => ({ jsonrpc: "2.0", id, ...c }));
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const replies = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  const failed = replies.find((r) => r.error);
  if (failed?.error) throw new Error(`${calls[failed.id]?.method}: ${failed.error.message}`);
  return replies.sort((a, b) => a.id - b.id).map((r) => r.result);
}

/**
 * Attests subjects [from, to) in issuer batches of `batchSize`, `txsPerBlock` batches to a block
 * (automine off, as on a busy chain); returns the number of AttestationCreated events.
 */
export async function attestMany(
  chain: OneKeyChain,
  issuerIndex: number,
  from: number,
  to: number,
  options: { batchSize?: number; txsPerBlock?: number; onProgress?: (done: number) => void } = {},
): Promise<number> {
  const { batchSize = 150, txsPerBlock = 4 } = options;
  const issuer = chain.account(issuerIndex);
  const wallet = createWalletClient({ account: issuer, chain: hardhat, transport: http(chain.rpcUrl) });
  const expiresAt = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
  let nonce = await chain.client.getTransactionCount({ address: issuer.address, blockTag: "pending" });
  await chain.rpc("evm_setAutomine", [false]);
  try {
    let pending: Hex[] = [];
    const mine = async () => {
      await chain.rpc("evm_mine");
      const receipts = (await rpcBatch(
        chain.rpcUrl,
        pending.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
      )) as ({ status: Hex } | null)[];
      if (receipts.some((r) => r?.status !== "0x1")) throw new Error("an attestBatch was not mined or reverted");
      pending = [];
    };
    for (let start = from; start < to; start += batchSize) {
      const requests = [];
      for (let i = start; i < Math.min(to, start + batchSize); i++) {
        const storageId = keccak256(toHex(i, { size: 32 }));
        requests.push({
          subject: subjectAddress(i),
          level: 1 + (i % 3),
          expiresAt,
          storageNetwork: 1,
          storageId,
          ciphertextHash: keccak256(storageId),
        });
      }
      pending.push(
        await wallet.writeContract({
          address: chain.kycRegistry,
          abi: kycRegistryAbi,
          functionName: "attestBatch",
          args: [requests],
          nonce: nonce++,
          gas: 14_000_000n,
        }),
      );
      if (pending.length === txsPerBlock) await mine();
      options.onProgress?.(Math.min(to, start + batchSize) - from);
    }
    if (pending.length > 0) await mine();
  } finally {
    await chain.rpc("evm_setAutomine", [true]);
  }
  return to - from;
}

/** Sends `grantConsent(projectId)` from each subject, `perBlock` to a block; returns the count. */
export async function consentMany(
  chain: OneKeyChain,
  projectId: bigint,
  subjects: Address[],
  perBlock = 500,
): Promise<number> {
  const data = encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] });
  await chain.rpc("evm_setAutomine", [false]);
  try {
    for (let start = 0; start < subjects.length; start += perBlock) {
      const chunk = subjects.slice(start, start + perBlock);
      await rpcBatch(chain.rpcUrl, [
        ...chunk.map((s) => ({ method: "hardhat_impersonateAccount", params: [s] })),
        ...chunk.map((s) => ({ method: "hardhat_setBalance", params: [s, toHex(10n ** 18n)] })),
      ]);
      const hashes = (await rpcBatch(
        chain.rpcUrl,
        chunk.map((s) => ({
          method: "eth_sendTransaction",
          params: [{ from: s, to: chain.kycRegistry, data, gas: toHex(120_000) }],
        })),
      )) as Hex[];
      await chain.rpc("evm_mine");
      const receipts = (await rpcBatch(
        chain.rpcUrl,
        hashes.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
      )) as ({ status: Hex } | null)[];
      const bad = receipts.findIndex((r) => r?.status !== "0x1");
      if (bad >= 0) throw new Error(`consent of ${chunk[bad]} not mined or reverted`);
    }
  } finally {
    await chain.rpc("evm_setAutomine", [true]);
  }
  return subjects.length;
}

/** Sends one consent from an impersonated subject with automine on; resolves when mined. */
export async function consentOne(chain: OneKeyChain, projectId: bigint, subject: Address): Promise<void> {
  const data = encodeFunctionData({ abi: kycRegistryAbi, functionName: "grantConsent", args: [projectId] });
  const [, , hash] = (await rpcBatch(chain.rpcUrl, [
    { method: "hardhat_impersonateAccount", params: [subject] },
    { method: "hardhat_setBalance", params: [subject, toHex(10n ** 18n)] },
    { method: "eth_sendTransaction", params: [{ from: subject, to: chain.kycRegistry, data, gas: toHex(120_000) }] },
  ])) as [unknown, unknown, Hex];
  const [receipt] = (await rpcBatch(chain.rpcUrl, [{ method: "eth_getTransactionReceipt", params: [hash] }])) as [
    { status: Hex } | null,
  ];
  if (receipt?.status !== "0x1") throw new Error(`consent of ${subject} not mined`);
}
