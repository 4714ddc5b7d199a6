/** ProjectRegistry events: organizations, projects, settings, status and roles. */
import { ponder } from "ponder:registry";
import { organizationAdmins, organizations, projectRoles, projects } from "ponder:schema";
import { zeroAddress } from "viem";
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
});

ponder.on("ProjectRegistry:OrganizationOwnershipTransferred", async ({ event, context }) => {
  const { orgId, newOwner } = event.args;
  await context.db
    .update(organizations, { orgId })
    .set({ owner: newOwner, pendingOwner: null, updatedAt: event.block.timestamp });
});

ponder.on("ProjectRegistry:OrganizationAdminSet", async ({ event, context }) => {
  const { orgId, account, enabled } = event.args;
  await context.db
    .insert(organizationAdmins)
    .values({ orgId, account, enabled, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ enabled, updatedAt: event.block.timestamp });
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
  await context.db
    .insert(projectRoles)
    .values({ projectId, account, roles, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ roles, updatedAt: event.block.timestamp });
  await writeOutbox(context, event, {
    type: granted ? "project.role_granted" : "project.role_revoked",
    projectIds: [projectId],
    payload: { projectId, account, role, roles },
  });
});
