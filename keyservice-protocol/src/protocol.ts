/**
 * The key service's wire protocol, shared by the server and the browser client (no Node APIs).
 *
 *   POST /v1/keys/challenge          { address, condition }                    -> 200 { message, expiresAt }
 *   POST /v1/keys                    { condition, dataKey, message, signature } -> 201 { keyId }
 *   POST /v1/keys/:keyId/challenge   { address }                               -> 200 { message, expiresAt }
 *   POST /v1/keys/:keyId/release     { message, signature }                    -> 200 { dataKey }
 *   GET  /health, GET /livez                                                   -> 200 (liveness)
 *   GET  /readyz                    200 { status: "ready", checks } or 503 { status: "not_ready", checks }
 *
 * Every challenge is an EIP-4361 (SIWE) message the service issued, good once, before it expires,
 * and only when signed by its `address` (EOA, or ERC-1271/6492 contract account). Its domain and
 * uri are the dApp origin the service is configured with, never the caller's choice, so a wallet
 * shows a phishing site's request as coming from another site. A condition must name the
 * KycRegistry the service is configured with for its chain.
 * - Store: the message names the condition (`storeResource`); `address` must be the uid's
 *   subject (`uid >> 96`) or the subject's `KycRegistry.decryptDelegateOf` at that moment. A uid
 *   holds one key: a second store for the same condition is refused (409), never overwritten.
 * - Release: the message names the key (`keyResource`); the key is released only while
 *   `KycRegistry.canDecrypt(address, uid)` is true.
 * Each client holds a bounded number of outstanding challenges (429 beyond), so nobody can crowd
 * out another's. Errors are `{ error, message }` with the status below; a refused request
 * changes nothing.
 */

export interface DecryptCondition {
  chainId: number;
  /** The KycRegistry whose `canDecrypt` decides. */
  registry: `0x${string}`;
  /** The attestation uid (bytes32) the key belongs to. */
  uid: `0x${string}`;
}

export interface StoreChallengeRequest {
  /** The subject, or its decrypt delegate, who will sign the store. */
  address: `0x${string}`;
  condition: DecryptCondition;
}

export interface StoreKeyRequest {
  condition: DecryptCondition;
  /** The 32-byte data key, base64. */
  dataKey: string;
  /** The store challenge the service issued for this condition, and its signature. */
  message: string;
  signature: `0x${string}`;
}
export interface StoreKeyResponse {
  keyId: string;
}

export interface ChallengeRequest {
  address: `0x${string}`;
}
export interface ChallengeResponse {
  message: string;
  expiresAt: string;
}

export interface ReleaseRequest {
  message: string;
  signature: `0x${string}`;
}
export interface ReleaseResponse {
  dataKey: string;
}

/** Error codes and their HTTP statuses. */
export const KEY_SERVICE_ERRORS = {
  RequestInvalid: 400,
  ChainNotSupported: 400,
  RegistryNotSupported: 400,
  ChallengeInvalid: 401,
  SignatureInvalid: 401,
  ConditionNotMet: 403,
  StoreNotAllowed: 403,
  KeyNotFound: 404,
  KeyExists: 409,
  BodyTooLarge: 413,
  TooManyChallenges: 429,
  ChainUnavailable: 503,
} as const;
export type KeyServiceErrorCode = keyof typeof KEY_SERVICE_ERRORS;

/**
 * RFC 9457 problem details (`application/problem+json`), as every OneKey service answers, plus
 * the pre-1.1 members `error` (the code) and `message`.
 */
export interface ErrorResponse {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: KeyServiceErrorCode | "InternalError";
  error: KeyServiceErrorCode | "InternalError";
  message: string;
}

/** The SIWE resource that names a key: the signature is good for this key only. */
export function keyResource(keyId: string): string {
  return `urn:onekey:key:${keyId}`;
}

/** The SIWE resource that names the condition a store challenge is for. */
export function storeResource(condition: DecryptCondition): string {
  return `urn:onekey:store:${condition.chainId}:${condition.registry.toLowerCase()}:${condition.uid.toLowerCase()}`;
}

/** The subject an attestation uid belongs to: `uid = subject << 96 | sequence`. */
export function subjectOfUid(uid: `0x${string}`): `0x${string}` {
  return `0x${uid.slice(2, 42)}`;
}

export const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;

export const CHALLENGE_STATEMENT = "Release a OneKey data key to this account. It opens one encrypted record.";
export const STORE_CHALLENGE_STATEMENT =
  "Protect a OneKey data key for this attestation. Only accounts the registry allows can open it.";

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
