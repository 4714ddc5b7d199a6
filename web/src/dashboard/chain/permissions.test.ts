import { PROJECT_ROLES } from "@onekey/deploy";
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import {
  combine,
  type OrganizationFacts,
  organizationGate,
  type ProjectFacts,
  projectGate,
  walletGate,
} from "./permissions.js";

const owner: Address = "0x1111111111111111111111111111111111111111";
const admin: Address = "0x2222222222222222222222222222222222222222";
const stranger: Address = "0x3333333333333333333333333333333333333333";
const heir: Address = "0x4444444444444444444444444444444444444444";

const org = (over: Partial<OrganizationFacts> = {}): OrganizationFacts => ({
  orgId: 5n,
  owner,
  pendingOwner: undefined,
  accountIsAdmin: false,
  ...over,
});

describe("organization actions follow ProjectRegistry's owner and admin checks", () => {
  it("lets owner and admins set metadata and create projects, not strangers", () => {
    expect(organizationGate("metadata", owner, org({ accountIsAdmin: true })).allowed).toBe(true);
    expect(organizationGate("createProject", admin, org({ accountIsAdmin: true })).allowed).toBe(true);
    const refused = organizationGate("createProject", stranger, org());
    expect(refused).toEqual({ allowed: false, reason: expect.stringMatching(/owner or an admin of organization 5/) });
  });

  it("keeps admins and ownership transfer to the owner alone (an admin may not)", () => {
    expect(organizationGate("setAdmin", owner, org({ accountIsAdmin: true })).allowed).toBe(true);
    expect(organizationGate("setAdmin", admin, org({ accountIsAdmin: true })).allowed).toBe(false);
    expect(organizationGate("transfer", admin, org({ accountIsAdmin: true })).allowed).toBe(false);
    // The check is by address, whatever its case.
    expect(organizationGate("transfer", owner.toUpperCase().replace("0X", "0x") as Address, org()).allowed).toBe(true);
  });

  it("lets only the named pending owner accept, and only the owner cancel a pending transfer", () => {
    expect(organizationGate("accept", heir, org()).allowed).toBe(false);
    expect(organizationGate("cancelTransfer", owner, org())).toMatchObject({ allowed: false, reason: /No transfer/ });
    const pending = org({ pendingOwner: heir });
    expect(organizationGate("accept", heir, pending).allowed).toBe(true);
    expect(organizationGate("accept", owner, pending)).toMatchObject({ allowed: false, reason: /named new owner/ });
    expect(organizationGate("cancelTransfer", owner, pending).allowed).toBe(true);
    expect(organizationGate("cancelTransfer", heir, pending).allowed).toBe(false);
  });
});

const project = (over: Partial<ProjectFacts> = {}): ProjectFacts => ({
  projectId: 9n,
  orgId: 5n,
  status: 1,
  suspendedByGovernance: false,
  roles: 0,
  offered: 0,
  accountIsOrgAdmin: false,
  ...over,
});

describe("project actions follow _requireProjectAdmin, setProjectStatus and _requireSponsorManager", () => {
  it("lets a project admin or an org admin manage settings and roles, not a reader", () => {
    expect(projectGate("settings", project({ roles: PROJECT_ROLES.ADMIN })).allowed).toBe(true);
    expect(projectGate("grantRole", project({ accountIsOrgAdmin: true })).allowed).toBe(true);
    expect(projectGate("revokeRole", project({ roles: PROJECT_ROLES.READER })).allowed).toBe(false);
  });

  it("keeps status to the organization's owner and admins, and to nobody while governance holds it", () => {
    expect(projectGate("status", project({ roles: PROJECT_ROLES.ADMIN })).allowed).toBe(false);
    expect(projectGate("status", project({ accountIsOrgAdmin: true })).allowed).toBe(true);
    expect(
      projectGate("status", project({ accountIsOrgAdmin: true, suspendedByGovernance: true, status: 2 })),
    ).toMatchObject({
      allowed: false,
      reason: /governance/,
    });
  });

  it("lets anyone fund, but only a sponsor manager withdraw or set limits: an org admin must grant itself the role", () => {
    expect(projectGate("fund", project()).allowed).toBe(true);
    expect(projectGate("withdraw", project({ roles: PROJECT_ROLES.SPONSOR_MANAGER })).allowed).toBe(true);
    const orgAdmin = projectGate("policy", project({ accountIsOrgAdmin: true, roles: PROJECT_ROLES.ADMIN }));
    expect(orgAdmin).toMatchObject({ allowed: false, reason: /grant yourself the sponsor manager role/ });
    expect(projectGate("withdraw", project({ roles: PROJECT_ROLES.READER }))).toMatchObject({
      allowed: false,
      reason: "Only the project's sponsor managers may do this.",
    });
  });

  it("lets an account accept only a reader role offered to it, and give up only what it holds or was offered", () => {
    expect(projectGate("acceptReader", project()).allowed).toBe(false);
    expect(projectGate("acceptReader", project({ offered: PROJECT_ROLES.READER })).allowed).toBe(true);
    expect(projectGate("renounceRole", project({ offered: PROJECT_ROLES.READER }), PROJECT_ROLES.READER).allowed).toBe(
      true,
    );
    expect(
      projectGate("renounceRole", project({ roles: PROJECT_ROLES.ADMIN }), PROJECT_ROLES.SPONSOR_MANAGER).allowed,
    ).toBe(false);
  });
});

describe("the wallet comes first", () => {
  it("refuses without a wallet, with another account's wallet, or with a wallet that cannot send", () => {
    expect(walletGate({ account: owner }).allowed).toBe(false);
    expect(walletGate({ account: owner, connected: admin })).toMatchObject({ allowed: false, reason: /signed in as/ });
    expect(walletGate({ account: owner, connected: owner, cannotSend: "sponsored only" })).toEqual({
      allowed: false,
      reason: "sponsored only",
    });
    expect(walletGate({ account: owner, connected: owner }).allowed).toBe(true);
  });

  it("combine shows the first refusal", () => {
    const wallet = walletGate({ account: owner });
    expect(combine(wallet, projectGate("withdraw", project()))).toEqual(wallet);
    expect(combine({ allowed: true }, projectGate("withdraw", project())).allowed).toBe(false);
    expect(combine({ allowed: true }, { allowed: true }).allowed).toBe(true);
  });
});
