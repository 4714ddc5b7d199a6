/** ProjectRegistry events: organizations, projects, settings, status and roles. */
import { type Context, ponder } from "ponder:registry";
import { organizationAdmins, organizations, projectRoles, projects } from "ponder:schema";
import { and, eq, ne, or } from "ponder";
import { type Hex, zeroAddress } from "viem";
import { writeGovernanceEvent } from "./lib/governance.js";
import { writeOutbox } from "./lib/outbox.js";
import { projectStatusName } from "./lib/projectStatus.js";

ponder.on("ProjectRegistry:OrganizationCreated", async ({ event, context }) => {
  const { orgId, owner, metadataURI } = event.args;
  await context.db.insert(organizations).values({
    orgId,
    owner,
    metadataUri: metadataURI,
    createdAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await writeGovernanceEvent(context, event, "ProjectRegistry", "OrganizationCreated");
});

ponder.on("ProjectRegistry:OrganizationMetadataUpdated", async ({ event, context }) => {
  await context.db
    .update(organizations, { orgId: event.args.orgId })
    .set({ metadataUri: event.args.metadataURI, updatedAt: event.block.timestamp });
});

ponder.on("ProjectRegistry:OrganizationOwnershipTransferStarted", async ({ event, context }) => {
  const { orgId, pendingOwner } = event.args;
  await context.db
    .update(organizations, { orgId })
    .set({ pendingOwner: pendingOwner === zeroAddress ? null : pendingOwner, updatedAt: event.block.timestamp });
  await writeGovernanceEvent(context, event, "ProjectRegistry", "OrganizationOwnershipTransferStarted");
});

ponder.on("ProjectRegistry:OrganizationOwnershipTransferred", async ({ event, context }) => {
  const { orgId, newOwner } = event.args;
  await context.db
    .update(organizations, { orgId })
    .set({ owner: newOwner, pendingOwner: null, updatedAt: event.block.timestamp });
  await writeGovernanceEvent(context, event, "ProjectRegistry", "OrganizationOwnershipTransferred");
});

ponder.on("ProjectRegistry:OrganizationAdminSet", async ({ event, context }) => {
  const { orgId, account, enabled } = event.args;
  await context.db
    .insert(organizationAdmins)
    .values({ orgId, account, enabled, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ enabled, updatedAt: event.block.timestamp });
  await writeGovernanceEvent(context, event, "ProjectRegistry", "OrganizationAdminSet");
});

ponder.on("ProjectRegistry:ProjectCreated", async ({ event, context }) => {
  const { projectId, orgId, slug, status, requiredLevel, acceptedIssuers, metadataURI } = event.args;
  await context.db.insert(projects).values({
    projectId,
    orgId,
    slug,
    status: projectStatusName(status),
    requiredLevel,
    acceptedIssuers: [...acceptedIssuers],
    metadataUri: metadataURI,
    createdAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await writeOutbox(context, event, {
    type: "project.created",
    projectIds: [projectId],
    payload: { projectId, orgId, slug, status: projectStatusName(status), requiredLevel, acceptedIssuers },
  });
});

ponder.on("ProjectRegistry:ProjectSettingsUpdated", async ({ event, context }) => {
  const { projectId, requiredLevel, acceptedIssuers, metadataURI } = event.args;
  await context.db.update(projects, { projectId }).set({
    requiredLevel,
    acceptedIssuers: [...acceptedIssuers],
    metadataUri: metadataURI,
    updatedAt: event.block.timestamp,
  });
  await writeOutbox(context, event, {
    type: "project.settings_updated",
    projectIds: [projectId],
    payload: { projectId, requiredLevel, acceptedIssuers, metadataUri: metadataURI },
  });
});

ponder.on("ProjectRegistry:ProjectStatusChanged", async ({ event, context }) => {
  const { projectId, status } = event.args;
  await context.db
    .update(projects, { projectId })
    .set({ status: projectStatusName(status), updatedAt: event.block.timestamp });
  await writeOutbox(context, event, {
    type: "project.status_changed",
    projectIds: [projectId],
    payload: { projectId, status: projectStatusName(status) },
  });
});

ponder.on("ProjectRegistry:ProjectRolesChanged", async ({ event, context }) => {
  const { projectId, account, role, granted, roles } = event.args;
  // A grant (an accepted offer) or a revoke (a declined or withdrawn one) closes any offer of `role`.
  await context.db
    .insert(projectRoles)
    .values({ projectId, account, roles, offeredRoles: 0, updatedAt: event.block.timestamp })
    .onConflictDoUpdate((row) => ({ roles, offeredRoles: row.offeredRoles & ~role, updatedAt: event.block.timestamp }));
  await writeOutbox(context, event, {
    type: granted ? "project.role_granted" : "project.role_revoked",
    projectIds: [projectId],
    payload: { projectId, account, role, roles },
  });
});

ponder.on("ProjectRegistry:ProjectRoleOffered", async ({ event, context }) => {
  const { projectId, account, role } = event.args;
  await context.db
    .insert(projectRoles)
    .values({ projectId, account, roles: 0, offeredRoles: role, updatedAt: event.block.timestamp })
    .onConflictDoUpdate((row) => ({ offeredRoles: row.offeredRoles | role, updatedAt: event.block.timestamp }));
  await writeOutbox(context, event, {
    type: "project.role_offered",
    projectIds: [projectId],
    payload: { projectId, account, role },
  });
});

/** The account's rows on the organization's projects that still hold a role or an offer. */
async function heldInOrganization(context: Context, orgId: bigint, account: Hex) {
  return context.db.sql
    .select({ projectId: projectRoles.projectId })
    .from(projectRoles)
    .innerJoin(projects, eq(projects.projectId, projectRoles.projectId))
    .where(
      and(
        eq(projects.orgId, orgId),
        eq(projectRoles.account, account.toLowerCase() as Hex),
        or(ne(projectRoles.roles, 0), ne(projectRoles.offeredRoles, 0)),
      ),
    );
}

ponder.on("ProjectRegistry:OrganizationRolesRevoked", async ({ event, context }) => {
  const { orgId, account } = event.args;
  // On-chain this is one epoch bump (no loop); here the account's rows in the organization are
  // cleared one by one, so that the API's admin checks and role lists follow at once.
  const held = await heldInOrganization(context, orgId, account);
  for (const { projectId } of held) {
    await context.db
      .update(projectRoles, { projectId, account })
      .set({ roles: 0, offeredRoles: 0, updatedAt: event.block.timestamp });
  }
  await writeOutbox(context, event, {
    type: "organization.roles_revoked",
    projectIds: held.map((r) => r.projectId),
    payload: { orgId, account },
  });
});
