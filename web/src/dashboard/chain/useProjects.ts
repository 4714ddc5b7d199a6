/**
 * The projects the signed-in account works with: those of organizations it owns or administers,
 * those it holds or was offered a role on, and the session's chosen one; each read now.
 */
import { useQuery } from "@tanstack/react-query";
import { CHAIN_QUERY } from "./action.js";
import { useChainEnv } from "./env.js";

export function useProjects() {
  const { reads, account, session } = useChainEnv();
  return useQuery({
    queryKey: [CHAIN_QUERY, "projects", account, String(session.projectId ?? "")],
    queryFn: async () => {
      const orgs = await reads.organizationsOf(account);
      const [ofOrgs, ofRoles] = await Promise.all([
        Promise.all(orgs.filter((o) => o.accountIsAdmin).map((o) => reads.projectIdsOf(o.orgId))),
        reads.projectIdsOfMember(account),
      ]);
      const ids = [...new Set([...ofOrgs.flat(), ...ofRoles, ...(session.projectId ? [session.projectId] : [])])].sort(
        (a, b) => (a < b ? -1 : 1),
      );
      const projects = await Promise.all(ids.map((id) => reads.project(id, account)));
      return { orgs, projects };
    },
  });
}
