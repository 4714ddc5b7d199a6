/**
 * Protects a 32-byte data key with Lit v8 (Naga): encryption is local BLS math under the
 * network's public key; decryption asks the nodes, which release shares only when
 * `canDecrypt(:userAddress, uid)` is true for the EOA that signed the session.
 */
import { type EvmContractAcc, hashEVMContractConditions } from "@lit-protocol/access-control-conditions";
import { createAuthManager } from "@lit-protocol/auth";
import { bytesToHex } from "viem";
import { buildCanDecryptConditions, type CanDecryptCondition, litChainOf } from "./conditions.js";
import { classifyLitError, LitAccessError } from "./errors.js";
import { memoryAuthStorage } from "./memory-auth-storage.js";

/** The subset of a Lit v8 client this adapter uses (a real `createLitClient` result fits). */
export interface LitClientPort {
  encrypt(params: {
    dataToEncrypt: Uint8Array;
    evmContractConditions: EvmContractAcc[];
    chain: string;
  }): Promise<{ ciphertext: string; dataToEncryptHash: string }>;
  decrypt(params: {
    ciphertext: string;
    dataToEncryptHash: string;
    evmContractConditions: EvmContractAcc[];
    chain: string;
    authContext: unknown;
  }): Promise<{ decryptedData: Uint8Array }>;
  getContext(): Promise<{ latestBlockhash: string }>;
}

/** An EOA that signs the session (a viem LocalAccount fits; Lit reads `address` and `signMessage`). */
export interface LitSigner {
  address: `0x${string}`;
  signMessage(args: { message: string }): Promise<`0x${string}`>;
}

/** What the blob stores for Lit: enough to ask the nodes, nothing secret. */
export interface LitProtectedKey {
  network: string;
  chain: string;
  ciphertext: string;
  dataToEncryptHash: string;
  /** Lit's SHA-256 of the canonical conditions, to catch a blob used with another condition. */
  conditionsHash: string;
}

export interface LitKeyProtectorOptions {
  litClient: LitClientPort;
  /** Network name recorded in blobs ("naga", "naga-test", "naga-dev"). */
  network: string;
  /** SIWE domain shown to the wallet (the dApp's host). */
  domain: string;
  /** How long a decrypt session lasts; short, since it is created per unlock. */
  sessionTtlSeconds?: number;
}

export class LitKeyProtector {
  private readonly authManager = createAuthManager({ storage: memoryAuthStorage() });

  constructor(private readonly options: LitKeyProtectorOptions) {}

  async protect(dataKey: Uint8Array, condition: CanDecryptCondition): Promise<LitProtectedKey> {
    if (dataKey.length !== 32) throw new LitAccessError("invalid-condition", "the data key must be 32 bytes");
    const evmContractConditions = await buildCanDecryptConditions(condition);
    const chain = litChainOf(condition.chainId);
    try {
      const { ciphertext, dataToEncryptHash } = await this.options.litClient.encrypt({
        dataToEncrypt: dataKey,
        evmContractConditions,
        chain,
      });
      return {
        network: this.options.network,
        chain,
        ciphertext,
        dataToEncryptHash,
        conditionsHash: await conditionsHash(evmContractConditions),
      };
    } catch (error) {
      throw classifyLitError(error, "Lit encryption failed");
    }
  }

  async unlock(protectedKey: LitProtectedKey, condition: CanDecryptCondition, signer: LitSigner): Promise<Uint8Array> {
    const evmContractConditions = await buildCanDecryptConditions(condition);
    if (protectedKey.network !== this.options.network) {
      throw new LitAccessError(
        "mismatch",
        `the key was protected on Lit ${protectedKey.network}, not ${this.options.network}`,
      );
    }
    if ((await conditionsHash(evmContractConditions)) !== protectedKey.conditionsHash) {
      throw new LitAccessError(
        "mismatch",
        "the key was protected under a different condition (registry, chain or uid)",
      );
    }
    const authContext = await this.createAuthContext(signer);
    try {
      const { decryptedData } = await this.options.litClient.decrypt({
        ciphertext: protectedKey.ciphertext,
        dataToEncryptHash: protectedKey.dataToEncryptHash,
        evmContractConditions,
        chain: protectedKey.chain,
        authContext,
      });
      if (decryptedData.length !== 32)
        throw new LitAccessError("failed", "Lit returned something that is not a data key");
      return decryptedData;
    } catch (error) {
      throw classifyLitError(error, "Lit decryption failed");
    }
  }

  /** A session for this one unlock, signed by the requester's EOA (Lit's `:userAddress`). */
  async createAuthContext(signer: LitSigner): Promise<unknown> {
    const ttl = this.options.sessionTtlSeconds ?? 600;
    try {
      return await this.authManager.createEoaAuthContext({
        // Lit types this as viem 2.38's Account; it only calls `address` and `signMessage`.
        config: { account: signer as never },
        authConfig: {
          domain: this.options.domain,
          statement: "Decrypt a OneKey record you are allowed to read.",
          resources: [["access-control-condition-decryption", "*"]],
          expiration: new Date(Date.now() + ttl * 1000).toISOString(),
        },
        litClient: this.options.litClient as never,
      });
    } catch (error) {
      throw classifyLitError(error, "creating the Lit session failed");
    }
  }
}

async function conditionsHash(conditions: EvmContractAcc[]): Promise<string> {
  return bytesToHex(new Uint8Array(await hashEVMContractConditions(conditions as never)));
}
