/**
 * One error type for everything Lit can say, with a `kind` the app maps to its own KeyAccess
 * errors. Lit's node errors are classified by their name/kind/message text: the SDK exposes no
 * stable codes for "condition not met".
 */
export type LitAccessErrorKind =
  | "denied" // the nodes evaluated the condition and it was false
  | "unavailable" // network, handshake or node quorum failure: retry later
  | "auth" // the session signature was refused or the wallet declined to sign
  | "invalid-condition"
  | "unsupported-chain"
  | "mismatch" // the protected key was made for another condition
  | "failed"; // anything else

export class LitAccessError extends Error {
  override readonly name = "LitAccessError";
  constructor(
    readonly kind: LitAccessErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const patterns: [LitAccessErrorKind, RegExp][] = [
  [
    "denied",
    /not ?authori[sz]ed|access control conditions? (check )?failed|condition(s)? (was|were)? ?not (met|satisfied)/i,
  ],
  ["auth", /user rejected|user denied|invalid ?(auth ?sig|session ?sig|signature)|siwe/i],
  [
    "unavailable",
    /network ?error|fetch failed|econnrefused|timed? ?out|handshake|not enough (nodes|shares)|no valid shares|unavailable/i,
  ],
];

function describe(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const record = error as Record<string, unknown>;
  const parts = [record.name, record.kind, record.errorKind, record.errorCode, record.shortMessage, record.message];
  if (record.cause !== undefined && record.cause !== error) parts.push(describe(record.cause));
  return parts.filter((part) => typeof part === "string").join(" ");
}

export function classifyLitError(error: unknown, fallback: string): LitAccessError {
  if (error instanceof LitAccessError) return error;
  const text = describe(error);
  for (const [kind, pattern] of patterns) {
    if (pattern.test(text)) return new LitAccessError(kind, `${fallback}: ${text}`, error);
  }
  return new LitAccessError("failed", `${fallback}: ${text || "unknown error"}`, error);
}
