/** The ReadModel over Ponder's tables, through the read-only connection Ponder gives the API. */

import type schema from "ponder:schema";
import {
  attestations,
  budgets,
  consents,
  organizationAdmins,
  organizations,
  outbox,
  projectRoles,
  projects,
  sponsoredOperations,
  subjects,
} from "ponder:schema";
import { and, asc, count, desc, eq, gt, gte, inArray, lt, or, type ReadonlyDrizzle, sql } from "ponder";
import type { Hex } from "viem";
import { ROLE_ADMIN } from "../lib/projectRoles.js";
import { paymasterSources } from "../lib/sources.js";
import type { ConsentPageQuery, ProjectMembership, ReadModel, UsageDay } from "./readModel.js";

type Condition = Parameters<typeof and>[number];

export function createPonderReadModel(db: ReadonlyDrizzle<typeof schema>): ReadModel {
  const lower = (a: Hex) => a.toLowerCase() as Hex;
  // The status lookup is the hot path: one prepared statement, one round trip. A consent row
  // implies a subject row (the consent handler creates it), so a left join from subjects suffices.
  const statusQuery = db
    .select({ subject: subjects, consent: consents })
    .from(subjects)
    .leftJoin(
      consents,
      and(eq(consents.subject, subjects.subject), eq(consents.projectId, sql.placeholder("projectId"))),
    )
    .where(eq(subjects.subject, sql.placeholder("subject")))
    .limit(1)
    .prepare("onekey_subject_status");
  return {
    async subjectStatus(projectId, subject) {
      const [row] = await statusQuery.execute({ projectId: projectId.toString(), subject: lower(subject) });
      return { subject: row?.subject, consent: row?.consent ?? undefined };
    },

    async project(projectId) {
      const [row] = await db.select().from(projects).where(eq(projects.projectId, projectId)).limit(1);
      return row;
    },

    async organization(orgId) {
      const [[org], admins, owned] = await Promise.all([
        db.select({ owner: organizations.owner }).from(organizations).where(eq(organizations.orgId, orgId)).limit(1),
        db
          .select({ account: organizationAdmins.account })
          .from(organizationAdmins)
          .where(and(eq(organizationAdmins.orgId, orgId), eq(organizationAdmins.enabled, true))),
        db
          .select({ projectId: projects.projectId })
          .from(projects)
          .where(eq(projects.orgId, orgId))
          .orderBy(asc(projects.projectId)),
      ]);
      if (!org) return undefined;
      return {
        orgId,
        owner: lower(org.owner),
        admins: admins.map((a) => lower(a.account)),
        projectIds: owned.map((p) => p.projectId),
      };
    },

    async isProjectAdmin(projectId, account) {
      const who = lower(account);
      const [project] = await db
        .select({ orgId: projects.orgId })
        .from(projects)
        .where(eq(projects.projectId, projectId))
        .limit(1);
      if (!project) return false;
      const [[role], [org], [orgAdmin]] = await Promise.all([
        db
          .select({ roles: projectRoles.roles })
          .from(projectRoles)
          .where(and(eq(projectRoles.projectId, projectId), eq(projectRoles.account, who)))
          .limit(1),
        db
          .select({ owner: organizations.owner })
          .from(organizations)
          .where(eq(organizations.orgId, project.orgId))
          .limit(1),
        db
          .select({ enabled: organizationAdmins.enabled })
          .from(organizationAdmins)
          .where(and(eq(organizationAdmins.orgId, project.orgId), eq(organizationAdmins.account, who)))
          .limit(1),
      ]);
      return ((role?.roles ?? 0) & ROLE_ADMIN) !== 0 || org?.owner === who || orgAdmin?.enabled === true;
    },

    async projectsAdministeredBy(account) {
      const who = lower(account);
      const [byRole, byOwner, byOrgAdmin] = await Promise.all([
        db
          .select({ projectId: projectRoles.projectId, roles: projectRoles.roles })
          .from(projectRoles)
          .where(eq(projectRoles.account, who)),
        db
          .select({ projectId: projects.projectId })
          .from(projects)
          .innerJoin(organizations, eq(organizations.orgId, projects.orgId))
          .where(eq(organizations.owner, who)),
        db
          .select({ projectId: projects.projectId })
          .from(projects)
          .innerJoin(organizationAdmins, eq(organizationAdmins.orgId, projects.orgId))
          .where(and(eq(organizationAdmins.account, who), eq(organizationAdmins.enabled, true))),
      ]);
      const ids = new Set<bigint>([
        ...byRole.filter((r) => (r.roles & ROLE_ADMIN) !== 0).map((r) => r.projectId),
        ...byOwner.map((r) => r.projectId),
        ...byOrgAdmin.map((r) => r.projectId),
      ]);
      return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },

    async projectsOf(account) {
      const who = lower(account);
      const [byRole, byOwner, byOrgAdmin] = await Promise.all([
        db
          .select({ project: projects, roles: projectRoles.roles, offeredRoles: projectRoles.offeredRoles })
          .from(projectRoles)
          .innerJoin(projects, eq(projects.projectId, projectRoles.projectId))
          .where(eq(projectRoles.account, who)),
        db
          .select({ project: projects })
          .from(projects)
          .innerJoin(organizations, eq(organizations.orgId, projects.orgId))
          .where(eq(organizations.owner, who)),
        db
          .select({ project: projects })
          .from(projects)
          .innerJoin(organizationAdmins, eq(organizationAdmins.orgId, projects.orgId))
          .where(and(eq(organizationAdmins.account, who), eq(organizationAdmins.enabled, true))),
      ]);
      const found = new Map<bigint, ProjectMembership>();
      const entry = (project: ProjectMembership["project"]) => {
        let m = found.get(project.projectId);
        if (!m) {
          m = { project, roles: 0, offeredRoles: 0, organizationRole: null };
          found.set(project.projectId, m);
        }
        return m;
      };
      for (const r of byRole) {
        const m = entry(r.project);
        m.roles = r.roles;
        m.offeredRoles = r.offeredRoles;
      }
      for (const r of byOrgAdmin) entry(r.project).organizationRole = "admin";
      for (const r of byOwner) entry(r.project).organizationRole = "owner";
      // A row whose roles were all revoked is no membership (unless the organization makes one).
      return [...found.values()]
        .filter((m) => m.roles !== 0 || m.offeredRoles !== 0 || m.organizationRole !== null)
        .sort((a, b) => (a.project.projectId < b.project.projectId ? -1 : 1));
    },

    async rolesOn(projectId, account) {
      const [row] = await db
        .select({ roles: projectRoles.roles })
        .from(projectRoles)
        .where(and(eq(projectRoles.projectId, projectId), eq(projectRoles.account, lower(account))))
        .limit(1);
      return row?.roles ?? 0;
    },

    async usage(projectId, since) {
      const dayOf = (column: unknown) => sql<string>`floor(${column} / 86400) * 86400`;
      const [verified, granted, sponsored] = await Promise.all([
        // By issue time, the attestations of the subjects who consent to the project now.
        db
          .select({ day: dayOf(attestations.issuedAt), n: count() })
          .from(attestations)
          .innerJoin(consents, and(eq(consents.subject, attestations.subject), eq(consents.projectId, projectId)))
          .where(and(gte(attestations.issuedAt, since), eq(consents.active, true)))
          .groupBy(dayOf(attestations.issuedAt)),
        db
          .select({ day: dayOf(outbox.blockTimestamp), n: count() })
          .from(outbox)
          .where(
            and(
              eq(outbox.type, "consent.granted"),
              gte(outbox.blockTimestamp, since),
              sql`${projectId.toString()}::numeric = ANY(${outbox.projectIds})`,
            ),
          )
          .groupBy(dayOf(outbox.blockTimestamp)),
        paymasterSources
          ? db
              .select({
                day: dayOf(sponsoredOperations.blockTimestamp),
                n: count(),
                wei: sql<string>`coalesce(sum(${sponsoredOperations.actualCost}), 0)`,
              })
              .from(sponsoredOperations)
              .where(and(eq(sponsoredOperations.projectId, projectId), gte(sponsoredOperations.blockTimestamp, since)))
              .groupBy(dayOf(sponsoredOperations.blockTimestamp))
          : Promise.resolve([] as { day: string; n: number; wei: string }[]),
      ]);
      const days = new Map<bigint, UsageDay>();
      const at = (day: string | number | bigint) => {
        const key = BigInt(String(day).split(".")[0] as string);
        let d = days.get(key);
        if (!d) {
          d = { day: key, verifications: 0, consents: 0, sponsoredOperations: 0, gasSponsoredWei: 0n };
          days.set(key, d);
        }
        return d;
      };
      for (const r of verified) at(r.day).verifications = Number(r.n);
      for (const r of granted) at(r.day).consents = Number(r.n);
      for (const r of sponsored) {
        const d = at(r.day);
        d.sponsoredOperations = Number(r.n);
        d.gasSponsoredWei = BigInt(String(r.wei).split(".")[0] as string);
      }
      return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
    },

    async subject(subject) {
      const [row] = await db
        .select()
        .from(subjects)
        .where(eq(subjects.subject, lower(subject)))
        .limit(1);
      return row;
    },

    async consent(projectId, subject) {
      const [row] = await db
        .select()
        .from(consents)
        .where(and(eq(consents.projectId, projectId), eq(consents.subject, lower(subject))))
        .limit(1);
      return row;
    },

    async attestations(subject, limit, before) {
      const conditions: Condition[] = [eq(attestations.subject, lower(subject))];
      if (before) {
        const older = or(
          lt(attestations.issuedAt, before.issuedAt),
          and(eq(attestations.issuedAt, before.issuedAt), lt(attestations.uid, before.uid)),
        );
        if (older) conditions.push(older);
      }
      return db
        .select()
        .from(attestations)
        .where(and(...conditions))
        .orderBy(desc(attestations.issuedAt), desc(attestations.uid))
        .limit(limit);
    },

    async subjectConsents(subject, limit, afterProjectId) {
      const conditions: Condition[] = [eq(consents.subject, lower(subject))];
      if (afterProjectId !== undefined) conditions.push(gt(consents.projectId, afterProjectId));
      return db
        .select()
        .from(consents)
        .where(and(...conditions))
        .orderBy(asc(consents.projectId))
        .limit(limit);
    },

    async organizations(limit, afterOrgId) {
      const orgs = await db
        .select({
          orgId: organizations.orgId,
          owner: organizations.owner,
          metadataUri: organizations.metadataUri,
          createdAt: organizations.createdAt,
        })
        .from(organizations)
        .where(afterOrgId === undefined ? undefined : gt(organizations.orgId, afterOrgId))
        .orderBy(asc(organizations.orgId))
        .limit(limit);
      // The page's projects in one query, not one per organization.
      const owned = orgs.length
        ? await db
            .select({ orgId: projects.orgId, projectId: projects.projectId })
            .from(projects)
            .where(
              inArray(
                projects.orgId,
                orgs.map((o) => o.orgId),
              ),
            )
            .orderBy(asc(projects.projectId))
        : [];
      return orgs.map((o) => ({
        ...o,
        owner: lower(o.owner),
        projectIds: owned.filter((p) => p.orgId === o.orgId).map((p) => p.projectId),
      }));
    },

    async consents(query: ConsentPageQuery) {
      const conditions: Condition[] = [eq(consents.projectId, query.projectId)];
      if (query.status !== "all") conditions.push(eq(consents.active, query.status === "active"));
      if (query.minLevel !== undefined) conditions.push(gte(consents.level, query.minLevel));
      if (query.updatedSince !== undefined) conditions.push(gte(consents.updatedAt, query.updatedSince));
      if (query.after) {
        const later = or(
          gt(consents.updatedAt, query.after.updatedAt),
          and(eq(consents.updatedAt, query.after.updatedAt), gt(consents.subject, lower(query.after.subject))),
        );
        if (later) conditions.push(later);
      }
      return db
        .select()
        .from(consents)
        .where(and(...conditions))
        .orderBy(asc(consents.updatedAt), asc(consents.subject))
        .limit(query.limit);
    },

    // Budget reads exist only where the paymaster is indexed (routes answer 404 otherwise).
    ...(paymasterSources
      ? {
          async budget(projectId: bigint) {
            const [row] = await db.select().from(budgets).where(eq(budgets.projectId, projectId)).limit(1);
            return row;
          },
          async sponsoredOperations(
            projectId: bigint,
            limit: number,
            before?: { blockNumber: bigint; logIndex: number },
          ) {
            const conditions: Condition[] = [eq(sponsoredOperations.projectId, projectId)];
            if (before) {
              conditions.push(
                or(
                  lt(sponsoredOperations.blockNumber, before.blockNumber),
                  and(
                    eq(sponsoredOperations.blockNumber, before.blockNumber),
                    lt(sponsoredOperations.logIndex, before.logIndex),
                  ),
                ),
              );
            }
            return db
              .select()
              .from(sponsoredOperations)
              .where(and(...conditions))
              .orderBy(desc(sponsoredOperations.blockNumber), desc(sponsoredOperations.logIndex))
              .limit(limit);
          },
        }
      : {}),

    async activeConsentCount(projectId) {
      const [row] = await db
        .select({ n: count() })
        .from(consents)
        .where(and(eq(consents.projectId, projectId), eq(consents.active, true)));
      return Number(row?.n ?? 0);
    },
  };
}
