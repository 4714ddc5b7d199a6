/**
 * What can go wrong when protecting or unlocking a data key, whichever network does it. The UI
 * maps these classes to messages; adapters map their network's failures onto them.
 */
export abstract class KeyAccessError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The on-chain condition is false for this requester: no consent, not a reader, revoked, erased. */
export class KeyAccessDeniedError extends KeyAccessError {
  override readonly name = "KeyAccessDeniedError";
  readonly code = "KEY_ACCESS_DENIED";
}

/** The requester's signature was refused, declined, expired or replayed. */
export class KeyAccessAuthError extends KeyAccessError {
  override readonly name = "KeyAccessAuthError";
  readonly code = "KEY_ACCESS_AUTH";
}

/** The key network or service cannot be reached or answered with a server error: retry later. */
export class KeyAccessUnavailableError extends KeyAccessError {
  override readonly name = "KeyAccessUnavailableError";
  readonly code = "KEY_ACCESS_UNAVAILABLE";
}

/** The protected-key blob is malformed, unknown to the service, or made for another condition/network. */
export class ProtectedKeyInvalidError extends KeyAccessError {
  override readonly name = "ProtectedKeyInvalidError";
  readonly code = "PROTECTED_KEY_INVALID";
}

/** The condition cannot be used here (bad values, or a chain this adapter does not serve). */
export class KeyAccessConditionError extends KeyAccessError {
  override readonly name = "KeyAccessConditionError";
  readonly code = "KEY_ACCESS_CONDITION_INVALID";
}
