import type { Address, PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { ChainReads } from "./reads.js";

const me: Address = "0x1111111111111111111111111111111111111111";
const other: Address = "0x2222222222222222222222222222222222222222";
const zero: Address = "0x0000000000000000000000000000000000000000";

type Log = { eventName: string; args: Record<string, unknown>; blockNumber?: bigint; transactionHash?: string };

/** A chain in memory: logs by event name (filtered on their indexed args as the node would) and view answers. */
function fakeChain(logs: Log[], views: (functionName: string, args: readonly unknown[]) => unknown): PublicClient {
  return {
    getLogs: async ({ event, args }: { event: { name: string }; args?: Record<string, unknown> }) =>
      logs.filter(
        (log) =>
          log.eventName === event.name &&
          Object.entries(args ?? {}).every(([k, v]) => String(log.args[k]).toLowerCase() === String(v).toLowerCase()),
      ),
    readContract: async ({ functionName, args }: { functionName: string; args: readonly unknown[] }) =>
      views(functionName, args),
  } as unknown as PublicClient;
}

const at = { projectRegistry: zero, paymaster: zero, fromBlock: 0n };

describe("ChainReads", () => {
  it("lists the organizations the account owns, administers or may accept, read back now (a disabled admin drops out)", async () => {
    const owners: Record<string, Address> = { "1": me, "2": other, "3": other, "4": other };
    const admins = new Set(["2"]); // org 3: was admin, disabled since
    const pending: Record<string, Address> = { "4": me };
    const reads = new ChainReads(
      fakeChain(
        [
          { eventName: "OrganizationCreated", args: { orgId: 1n, owner: me } },
          { eventName: "OrganizationCreated", args: { orgId: 2n, owner: other } },
          { eventName: "OrganizationAdminSet", args: { orgId: 2n, account: me, enabled: true } },
          { eventName: "OrganizationAdminSet", args: { orgId: 3n, account: me, enabled: true } },
          { eventName: "OrganizationAdminSet", args: { orgId: 3n, account: me, enabled: false } },
          { eventName: "OrganizationOwnershipTransferStarted", args: { orgId: 4n, owner: other, pendingOwner: me } },
        ],
        (fn, args) => {
          const id = String(args[0]);
          if (fn === "getOrganization")
            return { owner: owners[id], pendingOwner: pending[id] ?? zero, metadataURI: "" };
          if (fn === "isOrganizationAdmin") return owners[id] === args[1] || admins.has(id);
          throw new Error(fn);
        },
      ),
      at,
    );
    const orgs = await reads.organizationsOf(me);
    expect(orgs.map((o) => [o.orgId, o.accountIsOwner, o.accountIsAdmin, o.pendingOwner])).toEqual([
      [1n, true, true, undefined],
      [2n, false, true, undefined],
      [4n, false, false, me],
    ]);
  });

  it("reads an organization's admins as the latest event per account says", async () => {
    const reads = new ChainReads(
      fakeChain(
        [
          { eventName: "OrganizationAdminSet", args: { orgId: 7n, account: me, enabled: true } },
          { eventName: "OrganizationAdminSet", args: { orgId: 7n, account: other, enabled: true } },
          { eventName: "OrganizationAdminSet", args: { orgId: 7n, account: me, enabled: false } },
          { eventName: "OrganizationAdminSet", args: { orgId: 8n, account: me, enabled: true } },
        ],
        () => undefined,
      ),
      at,
    );
    expect(await reads.adminsOf(7n)).toEqual([other]);
  });

  it("lists a project's members with their live roles and offers, dropping those left with none", async () => {
    const live: Record<string, [number, number]> = { [me]: [4, 0], [other]: [0, 0] };
    const third: Address = "0x3333333333333333333333333333333333333333";
    live[third] = [0, 2];
    const reads = new ChainReads(
      fakeChain(
        [
          { eventName: "ProjectRolesChanged", args: { projectId: 5n, account: me, role: 4, granted: true, roles: 4 } },
          {
            eventName: "ProjectRolesChanged",
            args: { projectId: 5n, account: other, role: 1, granted: true, roles: 1 },
          },
          { eventName: "ProjectRoleOffered", args: { projectId: 5n, account: third, role: 2 } },
        ],
        (fn, args) => {
          const [roles, offered] = live[args[1] as string] ?? [0, 0];
          if (fn === "rolesOf") return roles;
          if (fn === "offeredRolesOf") return offered;
          throw new Error(fn);
        },
      ),
      at,
    );
    expect(await reads.members(5n)).toEqual([
      { account: me, roles: 4, offered: 0 },
      { account: third, roles: 0, offered: 2 },
    ]);
  });

  it("gives the latest sponsored operations first, at most the limit", async () => {
    const logs: Log[] = [1n, 2n, 3n].map((n) => ({
      eventName: "OperationSponsored",
      args: { projectId: 5n, sender: me, userOpHash: `0x${String(n).repeat(64)}`, actualCost: n * 10n },
      blockNumber: n,
      transactionHash: `0x${"a".repeat(64)}`,
    }));
    const reads = new ChainReads(
      fakeChain(logs, () => undefined),
      at,
    );
    const ops = await reads.sponsoredOperations(5n, 2);
    expect(ops.map((o) => [o.blockNumber, o.actualCost])).toEqual([
      [3n, 30n],
      [2n, 20n],
    ]);
  });
});
