/**
 * KeyAccess through Lit v8 (Naga), the production adapter. The Lit SDK lives in its own
 * workspace (@onekey/lit-access, which pins the viem Lit requires) and is loaded on demand, so
 * the app's main bundle carries neither Lit nor its viem.
 */
import type { LitAccessError, LitKeyProtector, LitNetworkName } from "@onekey/lit-access";
import {
  KeyAccessAuthError,
  KeyAccessConditionError,
  KeyAccessDeniedError,
  type KeyAccessError,
  KeyAccessUnavailableError,
  ProtectedKeyInvalidError,
} from "./errors.js";
import type { DecryptCondition, KeyAccess, ProtectedKey, RequesterSigner } from "./key-access.js";

export type LitProtectorPort = Pick<LitKeyProtector, "protect" | "unlock">;

export class LitKeyAccess implements KeyAccess {
  readonly scheme = "lit" as const;

  constructor(private readonly protector: LitProtectorPort) {}

  /** Connects to a Naga network (needs the network: the nodes hand out the BLS public key). */
  static async connect(options: { network: LitNetworkName; domain: string }): Promise<LitKeyAccess> {
    const { connectLitKeyProtector } = await import("@onekey/lit-access");
    const { protector } = await connectLitKeyProtector(options);
    return new LitKeyAccess(protector);
  }

  async protect(dataKey: Uint8Array, condition: DecryptCondition): Promise<ProtectedKey> {
    try {
      return { v: 1, scheme: "lit", condition, lit: await this.protector.protect(dataKey, condition) };
    } catch (error) {
      throw toKeyAccessError(error);
    }
  }

  async unlock(protectedKey: ProtectedKey, requester: RequesterSigner): Promise<Uint8Array> {
    if (protectedKey.scheme !== "lit") {
      throw new ProtectedKeyInvalidError(`a ${protectedKey.scheme} key cannot be unlocked through Lit`);
    }
    try {
      return await this.protector.unlock(protectedKey.lit, protectedKey.condition, requester);
    } catch (error) {
      throw toKeyAccessError(error);
    }
  }
}

/** Lit's error kinds onto the app's KeyAccess errors; anything unrecognised counts as unavailable. */
export function toKeyAccessError(error: unknown): KeyAccessError {
  const litError = error as Partial<LitAccessError> | undefined;
  const message = litError?.message ?? String(error);
  const options = { cause: error };
  switch (litError?.kind) {
    case "denied":
      return new KeyAccessDeniedError(message, options);
    case "auth":
      return new KeyAccessAuthError(message, options);
    case "mismatch":
      return new ProtectedKeyInvalidError(message, options);
    case "invalid-condition":
    case "unsupported-chain":
      return new KeyAccessConditionError(message, options);
    default:
      return new KeyAccessUnavailableError(message, options);
  }
}
