/**
 * Projects as the chain defines them (ProjectRegistry): resolved by slug or id, with status and
 * required level, and who administers them. The issuer reads the chain itself (it has no indexer
 * tables); "admin" means what the tenant API's admin routes mean: the project's ADMIN role, the
 * organization's owner, or an enabled organization admin.
 */
import { PROJECT_ROLES, projectRegistryAbi } from "@onekey/deploy";
import { type Address, ContractFunctionRevertedError, type PublicClient } from "viem";

export const ROLE_ADMIN = PROJECT_ROLES.ADMIN;
const UINT64_MAX = (1n << 64n) - 1n;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]$/;

export interface ProjectInfo {
  projectId: bigint;
  orgId: bigint;
  slug: string;
  status: "active" | "suspended";
  requiredLevel: number;
}

export interface ProjectDirectory {
  /** A project by slug or decimal id; undefined when it does not exist. */
  resolve(ref: string): Promise<ProjectInfo | undefined>;
  /** Whether `account` administers the project now (read from the chain on every call). */
  isAdmin(projectId: bigint, account: Address): Promise<boolean>;
}

function isNotFound(error: unknown): boolean {
  const walk = (error as { walk?: (fn: (e: unknown) => boolean) => unknown })?.walk;
  const revert = walk?.call(error, (e) => e instanceof ContractFunctionRevertedError) as
    | ContractFunctionRevertedError
    | undefined;
  return revert?.data?.errorName === "ProjectNotFound";
}

/**
 * Reads are cached for `cacheMs` per project (a status change reaches sessions within that
 * time), so a burst of sign-ups costs the RPC one read per project, not one per person.
 */
export function createProjectDirectory(
  client: PublicClient,
  registry: Address,
  options: { cacheMs: number; now?: () => number },
): ProjectDirectory {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<ProjectInfo | undefined> }>();

  async function byId(projectId: bigint): Promise<ProjectInfo | undefined> {
    try {
      const project = await client.readContract({
        address: registry,
        abi: projectRegistryAbi,
        functionName: "getProject",
        args: [projectId],
      });
      if (project.status === 0) return undefined;
      return {
        projectId,
        orgId: project.orgId,
        slug: project.slug,
        status: project.status === 1 ? "active" : "suspended",
        requiredLevel: project.settings.requiredLevel,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async function load(ref: string): Promise<ProjectInfo | undefined> {
    if (/^[0-9]{1,20}$/.test(ref)) {
      const id = BigInt(ref);
      if (id === 0n || id > UINT64_MAX) return undefined;
      return byId(id);
    }
    if (!SLUG.test(ref)) return undefined;
    const id = await client.readContract({
      address: registry,
      abi: projectRegistryAbi,
      functionName: "projectIdOfSlug",
      args: [ref],
    });
    return id === 0n ? undefined : byId(id);
  }

  return {
    resolve(ref) {
      const hit = cache.get(ref);
      if (hit && now() - hit.at < options.cacheMs) return hit.value;
      const value = load(ref);
      cache.set(ref, { at: now(), value });
      // A failed read is not remembered.
      value.catch(() => cache.delete(ref));
      if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
      return value;
    },

    async isAdmin(projectId, account) {
      const project = await byId(projectId);
      if (!project) return false;
      const [hasRole, orgAdmin] = await Promise.all([
        client.readContract({
          address: registry,
          abi: projectRegistryAbi,
          functionName: "hasRole",
          args: [projectId, account, ROLE_ADMIN],
        }),
        client.readContract({
          address: registry,
          abi: projectRegistryAbi,
          functionName: "isOrganizationAdmin",
          args: [project.orgId, account],
        }),
      ]);
      return hasRole || orgAdmin;
    },
  };
}
