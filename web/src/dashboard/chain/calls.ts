/**
 * The transactions the chain screens send, one builder per contract function (ABIs from the
 * deployment book). Arguments arrive already checked by forms.ts.
 */
import { oneKeyPaymasterAbi, projectRegistryAbi } from "@onekey/deploy";
import { type Abi, type Address, zeroAddress } from "viem";
import type { PolicyForm, ProjectSettingsForm } from "./forms.js";
import type { ChainAddresses } from "./reads.js";
import type { ChainCall } from "./send.js";

export function chainCalls(at: Pick<ChainAddresses, "projectRegistry" | "paymaster">) {
  const registry = (functionName: string, args: readonly unknown[]): ChainCall => ({
    address: at.projectRegistry,
    abi: projectRegistryAbi as Abi,
    functionName,
    args,
  });
  const paymaster = (functionName: string, args: readonly unknown[], value?: bigint): ChainCall => ({
    address: at.paymaster,
    abi: oneKeyPaymasterAbi as Abi,
    functionName,
    args,
    ...(value !== undefined ? { value } : {}),
  });
  return {
    createOrganization: (owner: Address, metadataURI: string) => registry("createOrganization", [owner, metadataURI]),
    setOrganizationMetadata: (orgId: bigint, metadataURI: string) =>
      registry("setOrganizationMetadata", [orgId, metadataURI]),
    setOrganizationAdmin: (orgId: bigint, account: Address, enabled: boolean) =>
      registry("setOrganizationAdmin", [orgId, account, enabled]),
    transferOwnership: (orgId: bigint, newOwner: Address) =>
      registry("transferOrganizationOwnership", [orgId, newOwner]),
    cancelTransfer: (orgId: bigint) => registry("transferOrganizationOwnership", [orgId, zeroAddress]),
    acceptOwnership: (orgId: bigint) => registry("acceptOrganizationOwnership", [orgId]),
    createProject: (orgId: bigint, slug: string, settings: ProjectSettingsForm) =>
      registry("createProject", [orgId, slug, settings]),
    updateSettings: (projectId: bigint, settings: ProjectSettingsForm) =>
      registry("updateProjectSettings", [projectId, settings]),
    setStatus: (projectId: bigint, status: 1 | 2) => registry("setProjectStatus", [projectId, status]),
    grantRole: (projectId: bigint, account: Address, role: number) => registry("grantRole", [projectId, account, role]),
    revokeRole: (projectId: bigint, account: Address, role: number) =>
      registry("revokeRole", [projectId, account, role]),
    acceptRole: (projectId: bigint, role: number) => registry("acceptRole", [projectId, role]),
    renounceRole: (projectId: bigint, role: number) => registry("renounceRole", [projectId, role]),
    fund: (projectId: bigint, amount: bigint) => paymaster("fundProject", [projectId], amount),
    withdraw: (projectId: bigint, to: Address, amount: bigint) => paymaster("withdrawBudget", [projectId, to, amount]),
    setPolicy: (projectId: bigint, policy: PolicyForm) => paymaster("setSponsorshipPolicy", [projectId, policy]),
    syncStatus: (projectId: bigint) => paymaster("syncProjectStatus", [projectId]),
  };
}

export type ChainCalls = ReturnType<typeof chainCalls>;
