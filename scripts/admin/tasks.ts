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

// Options are strings without defaults: the action's schema reports missing or malformed ones
// itself, naming the option, before anything touches the network.
const option = (name: string, description: string) => ({
  name,
  description,
  type: ArgumentType.STRING_WITHOUT_DEFAULT,
  defaultValue: undefined,
});

const ROLE = "admin | reader | sponsor-manager";

export const adminTasks = [
  task("onekey:create-org", "Create an organization (tenant)")
    .addOption(option("owner", "Owner address (default: the signer)"))
    .addOption(option("metadata", "Public metadata URI (optional)"))
    .setAction(action(organizations, "createOrganization"))
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
  task("onekey:register-issuer", "Register a KYC issuer; governance only")
    .addOption(option("issuer", "Issuer address (required)"))
    .setAction(action(issuers, "registerIssuer"))
    .build(),
  task("onekey:remove-issuer", "Remove a KYC issuer; governance only")
    .addOption(option("issuer", "Issuer address (required)"))
    .setAction(action(issuers, "removeIssuer"))
    .build(),
  task("onekey:suspend-project", "Suspend a project; org owner/admin or governance")
    .addOption(option("project", "Project id or slug (required)"))
    .setAction(action(projects, "suspendProject"))
    .build(),
  task("onekey:reactivate-project", "Reactivate a suspended project; org owner/admin or governance")
    .addOption(option("project", "Project id or slug (required)"))
    .setAction(action(projects, "reactivateProject"))
    .build(),
  task("onekey:status", "Print registry state as JSON: overview, or --org / --project / --subject / --issuer")
    .addOption(option("org", "Organization id"))
    .addOption(option("project", "Project id or slug"))
    .addOption(option("subject", "Subject address (with --project: consent and policy too)"))
    .addOption(option("issuer", "Issuer address: registered?"))
    .addOption(option("account", "With --org: admin?  With --project: its roles"))
    .setAction(action(status, "status"))
    .build(),
];
