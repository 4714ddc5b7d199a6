/**
 * OneKey admin commands as Hardhat tasks. Each validates its arguments, simulates the call (a
 * would-revert call prints the contract's error and sends nothing), then sends it with the first
 * configured account, waits for the receipt and prints the result. Addresses come from the
 * deployment book; pick the chain with --network:
 *
 *   npx hardhat --network localhost onekey:create-org --metadata ipfs://...
 *   npx hardhat --network localhost onekey:create-project --org 1 --slug acme --level 2
 *   npx hardhat --network localhost onekey:grant-role --project acme --account 0x... --role reader
 *   npx hardhat --network localhost onekey:status --project acme
 *   npx hardhat --network base onekey:register-issuer --issuer 0x... --safe --from 0x<safe> --safe-out batch.json
 *
 * Governance commands (the issuer registry, attestation revocation, project suspension, the
 * paymaster's signer, stake and reserve) take --safe: instead of sending, they print a Safe Transaction Builder batch (JSON
 * the Safe app imports) for the multisig, after simulating the call as --from (default: the
 * contract's owner).
 *
 * Action modules load only when their task runs, so `hardhat.config.ts` stays cheap to import.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskActionFunction } from "hardhat/types/tasks";

type ActionModule = Record<string, NewTaskActionFunction>;

/** A lazy action: the named export of an action module. */
function action<M extends ActionModule>(load: () => Promise<M>, name: keyof M & string) {
  return async () => ({ default: (await load())[name] as NewTaskActionFunction });
}

const organizations = () => import("./actions/organizations.js");
const projects = () => import("./actions/projects.js");
const roles = () => import("./actions/roles.js");
const issuers = () => import("./actions/issuers.js");
const status = () => import("./actions/status.js");
const sponsorship = () => import("./actions/sponsorship.js");
const paymaster = () => import("./actions/paymaster.js");

// Options are strings without defaults: the action's schema reports missing or malformed ones
// itself, naming the option, before anything touches the network.
const option = (name: string, description: string) => ({
  name,
  description,
  type: ArgumentType.STRING_WITHOUT_DEFAULT,
  defaultValue: undefined,
});

const ROLE = "admin | reader | sponsor-manager";

/** --safe, --safe-out, --safe-append and --from, for the commands governance (a Safe multisig) runs. */
// biome-ignore lint/suspicious/noExplicitAny: any task builder; each call site keeps its own type.
function withSafe<B extends { addFlag: (f: any) => B; addOption: (o: any) => B }>(builder: B): B {
  return builder
    .addFlag({ name: "safe", description: "Print a Safe Transaction Builder batch (JSON) instead of sending" })
    .addOption(option("safeOut", "With --safe: write the batch to this file instead of stdout"))
    .addOption(
      option("safeAppend", "Add the call to the batch in this file (created if missing): one batch, one signing"),
    )
    .addOption(option("from", "With --safe: the Safe to simulate as (default: the contract's owner)"));
}

export const adminTasks = [
  task("onekey:create-org", "Create an organization (tenant)")
    .addOption(option("owner", "Owner address (default: the signer)"))
    .addOption(option("metadata", "Public metadata URI (optional)"))
    .setAction(action(organizations, "createOrganization"))
    .build(),
  task("onekey:set-org-metadata", "Set an organization's public metadata URI; owner or org admin")
    .addOption(option("org", "Organization id (required)"))
    .addOption(option("metadata", 'Metadata URI, or "" to clear it (required)'))
    .setAction(action(organizations, "setOrganizationMetadata"))
    .build(),
  task("onekey:transfer-org-ownership", "Offer an organization to a new owner (it accepts); owner only")
    .addOption(option("org", "Organization id (required)"))
    .addOption(option("to", "The new owner (required unless --cancel)"))
    .addFlag({ name: "cancel", description: "Withdraw the pending transfer instead" })
    .setAction(action(organizations, "transferOrganizationOwnership"))
    .build(),
  task("onekey:accept-org-ownership", "Accept an organization offered to the signer")
    .addOption(option("org", "Organization id (required)"))
    .setAction(action(organizations, "acceptOrganizationOwnership"))
    .build(),
  task("onekey:set-org-admin", "Enable (or with --disable, disable) an organization admin; owner only")
    .addOption(option("org", "Organization id (required)"))
    .addOption(option("account", "Admin address (required)"))
    .addFlag({ name: "disable", description: "Remove the admin instead" })
    .setAction(action(organizations, "setOrganizationAdmin"))
    .build(),
  task("onekey:create-project", "Create a project under an organization")
    .addOption(option("org", "Organization id (required)"))
    .addOption(option("slug", "Unique slug: 3-64 of a-z, 0-9, '-' (required)"))
    .addOption(option("level", "Required KYC level, 1-255 (required)"))
    .addOption(option("issuers", "Accepted issuers, comma-separated (default: any registered issuer)"))
    .addOption(option("metadata", "Public metadata URI (optional)"))
    .setAction(action(projects, "createProject"))
    .build(),
  task("onekey:update-project-settings", "Change a project's level, issuers and/or metadata; project admin")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("level", "Required KYC level, 1-255"))
    .addOption(option("issuers", 'Accepted issuers, comma-separated, or "any" (any registered issuer)'))
    .addOption(option("metadata", 'Public metadata URI, or "" to clear it'))
    .setAction(action(projects, "updateProjectSettings"))
    .build(),
  task("onekey:sync-project-status", "Copy a project's registry status into the paymaster; anyone")
    .addOption(option("project", "Project id or slug (required)"))
    .setAction(action(projects, "syncProjectStatus"))
    .build(),
  task("onekey:fund", "Add ETH to a project's sponsorship budget; anyone")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("amount", "ETH, e.g. 0.5 (required)"))
    .setAction(action(sponsorship, "fundProject"))
    .build(),
  task("onekey:withdraw", "Withdraw ETH from a project's sponsorship budget; sponsor manager")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("amount", "ETH, e.g. 0.5 (required)"))
    .addOption(option("to", "Recipient (default: the signer)"))
    .setAction(action(sponsorship, "withdrawBudget"))
    .build(),
  task("onekey:set-sponsorship-policy", "Set a project's spending caps; sponsor manager (left out: unchanged)")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("perUserCap", "Most ETH one user may spend per period (0 = no cap)"))
    .addOption(option("periodCap", "Most ETH the project may spend per period (0 = no cap)"))
    .addOption(option("period", "Period length: seconds or 30m, 12h, 7d (0 = caps are lifetime caps)"))
    .addOption(option("maxOpCost", "Most ETH one operation may cost (0 = the paymaster's default)"))
    .setAction(action(sponsorship, "setSponsorshipPolicy"))
    .build(),
  task("onekey:grant-role", "Grant a project role")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("account", "Account address (required)"))
    .addOption(option("role", `${ROLE} (required)`))
    .setAction(action(roles, "grantRole"))
    .build(),
  task("onekey:revoke-role", "Revoke a project role")
    .addOption(option("project", "Project id or slug (required)"))
    .addOption(option("account", "Account address (required)"))
    .addOption(option("role", `${ROLE} (required)`))
    .setAction(action(roles, "revokeRole"))
    .build(),
  withSafe(
    task("onekey:register-issuer", "Register a KYC issuer; governance only").addOption(
      option("issuer", "Issuer address (required)"),
    ),
  )
    .setAction(action(issuers, "registerIssuer"))
    .build(),
  withSafe(
    task("onekey:remove-issuer", "Remove a KYC issuer; governance only").addOption(
      option("issuer", "Issuer address (required)"),
    ),
  )
    .setAction(action(issuers, "removeIssuer"))
    .build(),
  withSafe(
    task("onekey:revoke-attestation", "Revoke an attestation; governance (or its issuer)")
      .addOption(option("uid", "Attestation uid (0x + 64 hex digits)"))
      .addOption(option("subject", "Or: the subject whose current attestation to revoke")),
  )
    .setAction(action(issuers, "revokeAttestation"))
    .build(),
  withSafe(
    task("onekey:suspend-project", "Suspend a project; org owner/admin or governance").addOption(
      option("project", "Project id or slug (required)"),
    ),
  )
    .setAction(action(projects, "suspendProject"))
    .build(),
  withSafe(
    task("onekey:reactivate-project", "Reactivate a suspended project; org owner/admin or governance").addOption(
      option("project", "Project id or slug (required)"),
    ),
  )
    .setAction(action(projects, "reactivateProject"))
    .build(),
  withSafe(
    task("onekey:begin-signer-rotation", "Start rotating the paymaster's sponsorship signer; owner only").addOption(
      option("signer", "The new signer address (required)"),
    ),
  )
    .setAction(action(paymaster, "beginSignerRotation"))
    .build(),
  withSafe(task("onekey:complete-signer-rotation", "Make the pending signer the paymaster's signer; owner only"))
    .setAction(action(paymaster, "completeSignerRotation"))
    .build(),
  withSafe(task("onekey:cancel-signer-rotation", "Drop the pending paymaster signer; owner only"))
    .setAction(action(paymaster, "cancelSignerRotation"))
    .build(),
  withSafe(
    task("onekey:add-stake", "Add to the paymaster's EntryPoint stake; owner only")
      .addOption(option("amount", "ETH, e.g. 1 (required)"))
      .addOption(option("unstakeDelay", "Unstake delay: seconds or 12h, 1d (default: the current one)")),
  )
    .setAction(action(paymaster, "addStake"))
    .build(),
  withSafe(task("onekey:unlock-stake", "Start the paymaster's unstake delay; owner only"))
    .setAction(action(paymaster, "unlockStake"))
    .build(),
  withSafe(
    task("onekey:withdraw-stake", "Withdraw the paymaster's unlocked stake; owner only").addOption(
      option("to", "Recipient (required)"),
    ),
  )
    .setAction(action(paymaster, "withdrawStake"))
    .build(),
  withSafe(
    task("onekey:deposit-reserve", "Add to the paymaster's reserve (deposit beyond project budgets)").addOption(
      option("amount", "ETH, e.g. 0.5 (required)"),
    ),
  )
    .setAction(action(paymaster, "depositReserve"))
    .build(),
  withSafe(
    task("onekey:withdraw-reserve", "Withdraw from the paymaster's reserve; owner only")
      .addOption(option("amount", "ETH, e.g. 0.5 (required)"))
      .addOption(option("to", "Recipient (required)")),
  )
    .setAction(action(paymaster, "withdrawReserve"))
    .build(),
  task(
    "onekey:status",
    "Print registry state as JSON: overview, or --org / --project / --subject / --issuer / --paymaster",
  )
    .addOption(option("org", "Organization id"))
    .addOption(option("project", "Project id or slug"))
    .addOption(option("subject", "Subject address (with --project: consent and policy too)"))
    .addOption(option("issuer", "Issuer address: registered?"))
    .addOption(option("account", "With --org: admin?  With --project: its roles"))
    .addFlag({
      name: "paymaster",
      description: "The paymaster: signer, reserve, stake; with --project its budget and policy",
    })
    .setAction(action(status, "status"))
    .build(),
];
