/**
 * Where the issuer's two keys (the paymaster's sponsorship signer and the KYC attestation signer)
 * live: in this process (a private key from the environment), or in a remote signer that speaks
 * Web3Signer's Ethereum JSON-RPC (web3signer.ts), so the key can stay in a KMS or HSM behind it.
 * Either way the rest of the issuer holds a viem account and cannot tell the difference.
 */
import type { Address, Hex, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { web3SignerAccount } from "./web3signer.js";

export type SignerConfig =
  | { kind: "local"; privateKey: Hex }
  /** `address` is the key's address, which the remote signer must hold. */
  | { kind: "remote"; url: string; address: Address; timeoutMs: number };

export function createSigner(config: SignerConfig, role: string): LocalAccount {
  return config.kind === "local"
    ? privateKeyToAccount(config.privateKey)
    : web3SignerAccount({ url: config.url, address: config.address, timeoutMs: config.timeoutMs, role });
}

/** For logs and /health: where a signer's key is, never the key or the signer's URL. */
export function describeSigner(config: SignerConfig): "local key" | "remote signer" {
  return config.kind === "local" ? "local key" : "remote signer";
}
