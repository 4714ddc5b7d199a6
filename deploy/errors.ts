import {
  type Abi,
  BaseError,
  type ContractErrorArgs,
  type ContractErrorName,
  decodeErrorResult,
  formatEther,
  type Hex,
} from "viem";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi, verifiedVaultAbi } from "./abis.js";
import { PROJECT_ROLES, PROJECT_STATUS_NAMES, RECORD_STATUS_NAMES } from "./constants.js";

/** Every ABI in the book whose custom errors reach users (OpenZeppelin's Ownable errors included). */
type BookAbi = [
  ...typeof projectRegistryAbi,
  ...typeof kycRegistryAbi,
  ...typeof verifiedVaultAbi,
  ...typeof oneKeyPaymasterAbi,
];
const bookAbi: BookAbi = [...projectRegistryAbi, ...kycRegistryAbi, ...verifiedVaultAbi, ...oneKeyPaymasterAbi];

export type ContractErrorNameInBook = ContractErrorName<BookAbi>;

type MessageTable = {
  [Name in ContractErrorNameInBook]: (...args: Extract<ContractErrorArgs<BookAbi, Name>, readonly unknown[]>) => string;
};

const projectStatusNames = PROJECT_STATUS_NAMES;
const recordStatusNames = RECORD_STATUS_NAMES;

function time(seconds: bigint | number): string {
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) && ms <= 8.64e15 ? `${new Date(ms).toISOString()} (${seconds})` : String(seconds);
}

/** An amount of wei for people: ether, with the exact wei beside it. */
function eth(wei: bigint): string {
  return `${formatEther(wei)} ETH (${wei} wei)`;
}

/**
 * The one table from custom error names to user-facing messages. Typed against the ABIs in the
 * book, so a new error in a contract fails type-checking until it has a message here.
 */
export const contractErrorMessages: MessageTable = {
  // ProjectRegistry
  OrganizationNotFound: (orgId) => `Organization ${orgId} does not exist.`,
  ProjectNotFound: (projectId) => `Project ${projectId} does not exist.`,
  ProjectSlugTaken: (slug, projectId) => `The slug "${slug}" is already used by project ${projectId}.`,
  ProjectSlugInvalid: (slug) =>
    `The slug "${slug}" is invalid: use 3-64 characters of a-z, 0-9 and '-', not starting or ending with '-'.`,
  ProjectStatusUnchanged: (projectId, status) =>
    `Project ${projectId} is already ${projectStatusNames[status] ?? `in status ${status}`}.`,
  RequiredLevelInvalid: (level) => `Required KYC level ${level} is invalid: use 1-255.`,
  AcceptedIssuersTooMany: (count, max) => `${count} accepted issuers is too many: at most ${max}.`,
  AcceptedIssuerInvalid: (issuer) => `Accepted issuer ${issuer} is invalid.`,
  RoleInvalid: (role) =>
    `Role ${role} is not a single known role (admin = ${PROJECT_ROLES.ADMIN}, reader = ${PROJECT_ROLES.READER}, sponsor-manager = ${PROJECT_ROLES.SPONSOR_MANAGER}).`,
  ReaderProjectsTooMany: (account, max) => `${account} already reads for the maximum of ${max} projects.`,
  ZeroAddress: () => "The zero address is not allowed here.",
  NotOrganizationOwner: (orgId, account) => `${account} is not the owner of organization ${orgId}.`,
  NotPendingOrganizationOwner: (orgId, account) =>
    `${account} is not the pending owner of organization ${orgId}: the owner must name it first.`,
  NotOrganizationAdmin: (orgId, account) => `${account} is neither owner nor admin of organization ${orgId}.`,
  NotProjectAdmin: (projectId, account) =>
    `${account} may not manage project ${projectId}: it is not a project admin nor an admin of its organization.`,
  NotAllowedToChangeStatus: (projectId, account) =>
    `${account} may not change the status of project ${projectId}: only its organization's owner or admins, or protocol governance.`,
  SuspendedByGovernance: (projectId) =>
    `Project ${projectId} was suspended by protocol governance: only governance can change its status.`,
  RoleNotOffered: (projectId, account, role) =>
    `${account} has no pending offer of role ${role} on project ${projectId} to accept: a project admin must offer it first.`,
  RoleNotHeld: (projectId, account, role) =>
    `${account} neither holds nor was offered role ${role} on project ${projectId}: there is nothing to renounce.`,

  // KycRegistry
  IssuerNotRegistered: (issuer) => `${issuer} is not a registered issuer.`,
  IssuerAlreadyRegistered: (issuer) => `${issuer} is already a registered issuer.`,
  IssuersExhausted: () => "No issuer ids are left to assign.",
  SubjectInvalid: (subject) => `Subject ${subject} is invalid.`,
  LevelInvalid: (level) => `KYC level ${level} is invalid: use 1-255.`,
  ExpiryInvalid: (expiresAt, currentTime) =>
    `Expiry ${time(expiresAt)} is not after the current chain time ${time(currentTime)}.`,
  StorageNetworkInvalid: (storageNetwork) => `Storage network ${storageNetwork} is not supported.`,
  StorageIdInvalid: () => "The storage id must not be zero.",
  CiphertextHashInvalid: () => "The ciphertext hash must not be zero.",
  SignatureInvalid: (issuer) =>
    `The signature is not ${issuer}'s over this attestation, nonce, deadline, chain and registry.`,
  SignatureExpired: (deadline, currentTime) =>
    `The signature expired at ${time(deadline)}; the chain time is ${time(currentTime)}.`,
  NonceInvalid: (subject, expected, provided) =>
    `Nonce ${provided} for ${subject} is stale or replayed (a later attestation, an erasure or a revocation spent it): the current nonce is ${expected}.`,
  AttestationNotFound: (uid) => `Attestation ${uid} does not exist.`,
  AttestationNotCurrent: (uid, currentUid) =>
    `Attestation ${uid} is no longer its subject's current one (current: ${currentUid}).`,
  AttestationNotActive: (uid, status) =>
    `Attestation ${uid} is not active (it is ${recordStatusNames[status] ?? `in status ${status}`}).`,
  NotAttestationIssuer: (uid, account) => `${account} did not issue attestation ${uid} and is not governance.`,
  BatchEmpty: () => "The batch is empty.",
  ProjectNotActive: (projectId) => `Project ${projectId} is not active.`,
  ConsentAlreadyGranted: (projectId, subject) => `${subject} already consents to project ${projectId}.`,
  ConsentNotGranted: (projectId, subject) => `${subject} does not consent to project ${projectId}.`,
  NothingToErase: (subject) => `${subject} has no record to erase.`,
  InvalidShortString: () => "A short string is invalid.",
  StringTooLong: (str) => `The string "${str}" is too long.`,

  // OpenZeppelin Ownable (protocol governance)
  OwnableUnauthorizedAccount: (account) => `${account} is not protocol governance (the contract's owner).`,
  OwnableInvalidOwner: (owner) => `${owner} cannot be the contract's owner.`,

  // OneKeyGated (what consumer contracts such as VerifiedVault inherit)
  NotVerified: (account, minLevel) => `${account} is not verified at level ${minLevel}.`,
  NotVerifiedFor: (account, minLevel, projectId) =>
    `${account} is not verified at level ${minLevel} with consent to project ${projectId}.`,
  ProjectPolicyNotMet: (account, projectId) =>
    `${account} does not meet project ${projectId}'s policy: it must consent to the project, which must be active, and hold a live attestation at its required level from one of its accepted issuers.`,

  // VerifiedVault (the example consumer)
  AmountZero: () => "The amount must be greater than zero.",
  BalanceTooLow: (account, balance, amount) => `${account} holds ${balance} wei, less than the ${amount} wei asked.`,
  TransferFailed: (to, amount) => `Sending ${amount} wei to ${to} failed.`,

  // OneKeyPaymaster
  AmountTooLarge: (amount) => `${eth(amount)} would push the project's budget past the paymaster's maximum balance.`,
  CallerNotEntryPoint: (caller) =>
    `${caller} is not the paymaster's EntryPoint: only it may call validation and postOp.`,
  EntryPointUnsupported: (entryPoint) => `The contract at ${entryPoint} is neither EntryPoint v0.7 nor v0.8.`,
  NotSponsorManager: (projectId, account) =>
    `${account} is not a sponsor manager of project ${projectId}: a project admin must grant it the sponsor-manager role.`,
  OperationCostTooHigh: (projectId, maxCost, limit) =>
    `The operation may cost up to ${eth(maxCost)}, more than project ${projectId}'s limit of ${eth(limit)} per operation.`,
  PaymasterDataLengthInvalid: (length, expected) =>
    `paymasterAndData is ${length} bytes long; the OneKey paymaster expects exactly ${expected}.`,
  PeriodCapExceeded: (projectId, period, spent, required, cap) =>
    `Project ${projectId} has spent ${eth(spent)} in period ${period}; ${eth(required)} more would pass its cap of ${eth(cap)}.`,
  PostOpGasLimitTooLow: (limit, minimum) => `The paymaster postOp gas limit ${limit} is below the ${minimum} it needs.`,
  ProjectBudgetInsufficient: (projectId, balance, required) =>
    `Project ${projectId}'s sponsorship budget holds ${eth(balance)}, less than the ${eth(required)} needed.`,
  ReserveInsufficient: (reserve, amount) =>
    `The paymaster's reserve holds ${eth(reserve)}, less than the ${eth(amount)} asked; project budgets cannot be withdrawn this way.`,
  SignerRotationNotStarted: () => "No sponsorship signer rotation is in progress: begin one first.",
  SignerUnchanged: (signer) => `${signer} is already the sponsorship signer.`,
  UserCapExceeded: (projectId, sender, spent, required, cap) =>
    `${sender} has spent ${eth(spent)} of project ${projectId}'s budget this period; ${eth(required)} more would pass the per-user cap of ${eth(cap)}.`,
};

/** The user-facing message for a custom error, or undefined when the name is not in the table. */
export function messageForContractError(errorName: string, args: readonly unknown[] = []): string | undefined {
  if (!Object.hasOwn(contractErrorMessages, errorName)) return undefined;
  const format = contractErrorMessages[errorName as ContractErrorNameInBook] as (...a: readonly unknown[]) => string;
  return format(...args);
}

interface RevertLike {
  data?: { errorName: string; args?: readonly unknown[] };
  raw?: Hex;
  reason?: string;
  signature?: Hex;
  shortMessage?: string;
}

function isViemError(error: unknown): error is BaseError {
  // By shape as well as class: web/ and lit-access/ may bring their own copy of viem.
  return error instanceof BaseError || (error instanceof Error && typeof (error as BaseError).walk === "function");
}

function decodeWithBook(raw: Hex): { errorName: string; args: readonly unknown[] } | undefined {
  try {
    const { errorName, args } = decodeErrorResult({ abi: bookAbi as Abi, data: raw });
    return { errorName, args: args ?? [] };
  } catch {
    return undefined;
  }
}

function describeRevert(revert: RevertLike): string {
  const decoded = revert.data ?? (revert.raw ? decodeWithBook(revert.raw) : undefined);
  if (decoded && decoded.errorName !== "Error" && decoded.errorName !== "Panic") {
    const message = messageForContractError(decoded.errorName, decoded.args ?? []);
    if (message) return message;
    const args = (decoded.args ?? []).map(String).join(", ");
    return `The contract reverted with ${decoded.errorName}(${args}).`;
  }
  if (revert.reason && revert.reason !== "execution reverted") return `The contract reverted: ${revert.reason}`;
  if (revert.signature) return `The contract reverted with an unknown error (selector ${revert.signature}).`;
  return revert.shortMessage ?? "The contract reverted without a reason.";
}

/**
 * One line for a user, from any error a contract call can throw: a custom error from the table
 * (with its arguments), a require reason or panic, or viem's short message for transport and
 * account problems. Never a stack trace or a raw revert string.
 */
export function describeContractError(error: unknown): string {
  if (isViemError(error)) {
    const revert = error.walk((e) => (e as Error).name === "ContractFunctionRevertedError");
    if (revert) return describeRevert(revert as RevertLike);
    return error.shortMessage || error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
