/**
 * KeyAccess through the local key service (the default in development and tests). The service
 * evaluates the same `canDecrypt` condition Lit would, against the configured chain, after a
 * SIWE signature from the requester; a store needs a SIWE signature from the uid's subject (or
 * its decrypt delegate). The client checks every challenge before signing it.
 */
import {
  base64ToBytes,
  bytesToBase64,
  CHALLENGE_STATEMENT,
  type ChallengeResponse,
  type ErrorResponse,
  keyResource,
  type ReleaseResponse,
  STORE_CHALLENGE_STATEMENT,
  type StoreKeyResponse,
  storeResource,
} from "@onekey/keyservice-protocol";
import { parseSiweMessage } from "viem/siwe";
import {
  KeyAccessAuthError,
  KeyAccessConditionError,
  KeyAccessDeniedError,
  type KeyAccessError,
  KeyAccessUnavailableError,
  ProtectedKeyInvalidError,
} from "./errors.js";
import type { DecryptCondition, KeyAccess, ProtectedKey, RequesterSigner } from "./key-access.js";

export interface KeyServiceKeyAccessOptions {
  /** Base URL of the key service, e.g. http://127.0.0.1:4010 */
  url: string;
  /**
   * The dApp's host and URL. The service names its configured dApp in every challenge; the client
   * signs only a challenge that names this one.
   */
  domain: string;
  uri: string;
  fetch?: typeof fetch;
}

export class KeyServiceKeyAccess implements KeyAccess {
  readonly scheme = "keyservice" as const;
  private readonly url: string;

  constructor(private readonly options: KeyServiceKeyAccessOptions) {
    this.url = options.url.replace(/\/+$/, "");
  }

  async protect(dataKey: Uint8Array, condition: DecryptCondition, owner?: RequesterSigner): Promise<ProtectedKey> {
    if (dataKey.length !== 32) throw new KeyAccessConditionError("the data key must be 32 bytes");
    if (owner === undefined) {
      throw new KeyAccessAuthError("the key service stores a key only when the subject or its delegate signs");
    }
    const challenge = await this.post<ChallengeResponse>("/v1/keys/challenge", { address: owner.address, condition });
    this.checkChallenge(challenge.message, STORE_CHALLENGE_STATEMENT, storeResource(condition), condition, owner);
    const signature = await this.sign(owner, challenge.message, "the wallet did not sign the key store challenge");
    const { keyId } = await this.post<StoreKeyResponse>("/v1/keys", {
      condition,
      dataKey: bytesToBase64(dataKey),
      message: challenge.message,
      signature,
    });
    return { v: 1, scheme: "keyservice", condition, keyservice: { url: this.url, keyId } };
  }

  async unlock(protectedKey: ProtectedKey, requester: RequesterSigner): Promise<Uint8Array> {
    if (protectedKey.scheme !== "keyservice") {
      throw new ProtectedKeyInvalidError(`a ${protectedKey.scheme} key cannot be unlocked by the key service`);
    }
    if (protectedKey.keyservice.url.replace(/\/+$/, "") !== this.url) {
      throw new ProtectedKeyInvalidError(`the key is held by ${protectedKey.keyservice.url}, not ${this.url}`);
    }
    const { keyId } = protectedKey.keyservice;
    const challenge = await this.post<ChallengeResponse>(`/v1/keys/${keyId}/challenge`, { address: requester.address });
    this.checkChallenge(challenge.message, CHALLENGE_STATEMENT, keyResource(keyId), protectedKey.condition, requester);
    const signature = await this.sign(
      requester,
      challenge.message,
      "the wallet did not sign the key release challenge",
    );
    const { dataKey } = await this.post<ReleaseResponse>(`/v1/keys/${keyId}/release`, {
      message: challenge.message,
      signature,
    });
    const key = base64ToBytes(dataKey);
    if (key.length !== 32)
      throw new KeyAccessUnavailableError("the key service returned something that is not a data key");
    return key;
  }

  private async sign(signer: RequesterSigner, message: string, refused: string): Promise<`0x${string}`> {
    try {
      return await signer.signMessage({ message });
    } catch (error) {
      throw new KeyAccessAuthError(refused, { cause: error });
    }
  }

  /** Sign only a OneKey challenge of this kind, for this key or uid, account, chain and dApp. */
  private checkChallenge(
    message: string,
    statement: string,
    resource: string,
    condition: DecryptCondition,
    requester: RequesterSigner,
  ): void {
    const parsed = parseSiweMessage(message);
    const expected =
      parsed.address?.toLowerCase() === requester.address.toLowerCase() &&
      parsed.domain === this.options.domain &&
      parsed.uri === this.options.uri &&
      parsed.chainId === condition.chainId &&
      parsed.statement === statement &&
      parsed.resources?.length === 1 &&
      parsed.resources[0] === resource;
    if (!expected) throw new KeyAccessAuthError("the key service asked to sign an unexpected message; refusing");
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(`${this.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new KeyAccessUnavailableError(`the key service at ${this.url} cannot be reached`, { cause: error });
    }
    const payload = (await response.json().catch(() => undefined)) as (T & Partial<ErrorResponse>) | undefined;
    if (response.ok && payload !== undefined) return payload;
    throw errorFromResponse(response.status, payload);
  }
}

function errorFromResponse(status: number, payload: Partial<ErrorResponse> | undefined): KeyAccessError {
  const detail = payload?.message ?? `HTTP ${status}`;
  switch (payload?.error) {
    case "ConditionNotMet":
    case "StoreNotAllowed":
      return new KeyAccessDeniedError(detail);
    case "ChallengeInvalid":
    case "SignatureInvalid":
      return new KeyAccessAuthError(detail);
    case "KeyNotFound":
      return new ProtectedKeyInvalidError(detail);
    case "RequestInvalid":
    case "ChainNotSupported":
    case "RegistryNotSupported":
    case "KeyExists":
    case "BodyTooLarge":
      return new KeyAccessConditionError(detail);
    default:
      return new KeyAccessUnavailableError(`key service error: ${detail}`);
  }
}
