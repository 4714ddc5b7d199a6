/**
 * Checks that a verified body is a version 1 event envelope. Known types get their `data` checked
 * field by field; unknown types are let through with any object as `data` (forward compatibility).
 * Fields this SDK does not know are kept, never refused: adding a field is not a breaking change.
 */
import type { OneKeyWebhookEvent, WebhookEventDataMap, WebhookEventType } from "./events.js";
import { WEBHOOK_EVENT_TYPES } from "./events.js";
import { WebhookVerificationError } from "./webhookVerificationError.js";

/** Returns what is wrong with a value, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;

/** Prefixes a problem with where it is: `path: message`, or `path.inner: message`. */
const at = (path: string, problem: string) => (/^[.[]/.test(problem) ? `${path}${problem}` : `${path}: ${problem}`);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const string: Check = (v) => (typeof v === "string" ? undefined : "must be a string");
const nonEmpty: Check = (v) => (typeof v === "string" && v.length > 0 ? undefined : "must be a non-empty string");
const decimal: Check = (v) =>
  typeof v === "string" && /^[0-9]{1,78}$/.test(v) ? undefined : "must be a decimal string";
const uint64: Check = (v) =>
  typeof v === "string" && /^[0-9]{1,20}$/.test(v) && BigInt(v) < 2n ** 64n ? undefined : "must be a decimal uint64";
const address: Check = (v) =>
  typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) ? undefined : "must be a 0x-hex address";
const bytes32: Check = (v) =>
  typeof v === "string" && /^0x[0-9a-fA-F]{64}$/.test(v) ? undefined : "must be 0x-hex of 32 bytes";
const integer: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : "must be an integer >= 0");
const boolean: Check = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
const isoTime: Check = (v) =>
  typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))
    ? undefined
    : "must be an ISO 8601 date-time";
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? undefined : check(v);
const arrayOf =
  (check: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return "must be an array";
    for (const [i, item] of v.entries()) {
      const problem = check(item);
      if (problem) return at(`[${i}]`, problem);
    }
    return undefined;
  };

type Shape = Record<string, Check>;

/** The first problem with `value` against `shape`: a message, or `.key: message` when it is inside. */
function problemIn(value: unknown, shape: Shape): string | undefined {
  if (!isObject(value)) return "must be an object";
  for (const [key, check] of Object.entries(shape)) {
    const problem = check(value[key]);
    if (problem) return at(`.${key}`, problem);
  }
  return undefined;
}

const object =
  (shape: Shape): Check =>
  (v) =>
    problemIn(v, shape);

const envelope: Shape = {
  id: (v) => (typeof v === "string" && /^evt_[0-9A-Za-z]+$/.test(v) ? undefined : "must be an event id (evt_...)"),
  type: nonEmpty,
  version: (v) => (v === 1 ? undefined : "must be 1 (this SDK reads version 1 events)"),
  projectId: uint64,
  chainId: (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : "must be a positive integer"),
  createdAt: isoTime,
  block: nullable(object({ number: decimal, hash: bytes32, timestamp: string, finalized: boolean })),
  transactionHash: nullable(bytes32),
  logIndex: nullable(integer),
};

const consent = { projectId: uint64, subject: address };
const role = { projectId: uint64, account: address, role: integer, roles: integer };

/** A check for every field of an event's data, and for no other field. */
type ShapeOf<T extends WebhookEventType> = { [K in keyof WebhookEventDataMap[T]]-?: Check };

/**
 * `satisfies` keeps this table the mirror of WebhookEventDataMap: a new type, or a field added to
 * or removed from a type's data, fails to compile until its check is here.
 */
const dataShapes = {
  "attestation.created": {
    uid: bytes32,
    subject: address,
    issuer: address,
    level: integer,
    issuedAt: string,
    expiresAt: string,
    previousUid: nullable(bytes32),
  },
  "attestation.revoked": { uid: bytes32, subject: address, revoker: address, revokedAt: string },
  "attestation.expired": { uid: bytes32, subject: address, level: integer, expiresAt: string },
  "record.erased": { uid: bytes32, subject: address, erasedAt: string },
  "consent.granted": consent,
  "consent.revoked": consent,
  "project.created": {
    projectId: uint64,
    orgId: uint64,
    slug: string,
    status: string,
    requiredLevel: integer,
    acceptedIssuers: arrayOf(address),
  },
  "project.settings_updated": {
    projectId: uint64,
    requiredLevel: integer,
    acceptedIssuers: arrayOf(address),
    metadataUri: string,
  },
  "project.status_changed": { projectId: uint64, status: string },
  "project.role_granted": role,
  "project.role_revoked": role,
  "project.role_offered": { projectId: uint64, account: address, role: integer },
  "organization.roles_revoked": { orgId: uint64, account: address },
  "budget.funded": { projectId: uint64, funder: address, amount: decimal, balance: decimal },
  "budget.withdrawn": { projectId: uint64, by: address, to: address, amount: decimal, balance: decimal },
  "operation.sponsored": {
    projectId: uint64,
    sender: address,
    userOpHash: bytes32,
    actualCost: decimal,
    balance: decimal,
  },
  "budget.policy_set": {
    projectId: uint64,
    by: address,
    perUserCap: decimal,
    periodCap: decimal,
    periodSeconds: integer,
    maxOpCost: decimal,
  },
  "budget.low": { projectId: uint64, balance: decimal, threshold: decimal },
  "event.retracted": {
    retractedId: nonEmpty,
    retractedType: nonEmpty,
    block: object({ number: decimal, hash: bytes32 }),
  },
  "webhook.test": { message: string },
  "security.alert": {
    alertId: uint64,
    rule: nonEmpty,
    severity: (v) => (["low", "medium", "high", "critical"].includes(v as string) ? undefined : "must be a severity"),
    summary: nonEmpty,
    evidence: (v) => (isObject(v) ? undefined : "must be an object"),
    firstSeenAt: isoTime,
    runbook: nonEmpty,
  },
} satisfies { [T in WebhookEventType]: ShapeOf<T> };

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);

/**
 * Checks an already verified, JSON-parsed body and returns it typed. Throws a
 * `WebhookVerificationError` with reason "bad_payload" that names the first wrong field.
 */
export function parseWebhookEvent(value: unknown): OneKeyWebhookEvent {
  const fail = (problem: string) => new WebhookVerificationError("bad_payload", `Not a OneKey event: ${problem}`);
  const problem = problemIn(value, envelope);
  if (problem) throw fail(at("event", problem));
  const event = value as Record<string, unknown>;
  const type = event.type as string;
  const shape: Shape = KNOWN.has(type) ? dataShapes[type as WebhookEventType] : {};
  const dataProblem = problemIn(event.data, shape);
  if (dataProblem) throw fail(at("event.data", dataProblem));
  return value as OneKeyWebhookEvent;
}
