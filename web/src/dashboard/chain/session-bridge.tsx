/**
 * The chain screens inside the dashboard shell: the shell's session (`useDashboard`) as the
 * chain screens' ChainSession. A project just created here is chosen at once, before the shell's
 * project list (read from the indexer) has caught up with it.
 */
import { type ReactNode, useMemo, useState } from "react";
import { getAddress } from "viem";
import { useDashboard } from "../session.js";
import { type ChainSession, ChainSessionContext } from "./env.js";

/**
 * Shared by the chain screens of this page load, so the choice survives moving between them; per
 * signed-in account, so another account signing in never inherits it.
 */
const chosenHere = new Map<string, bigint>();

export function ChainScreen({ children }: { children: ReactNode }) {
  const dashboard = useDashboard();
  const [chosen, setChosen] = useState<bigint | undefined>(() => chosenHere.get(dashboard.address.toLowerCase()));
  const shellProject = dashboard.projectId !== undefined ? BigInt(dashboard.projectId) : undefined;
  const value = useMemo<ChainSession>(
    () => ({
      address: getAddress(dashboard.address),
      // The shell's choice, unless the project chosen here is not in its list yet.
      projectId:
        chosen !== undefined && !dashboard.projects.some((p) => p.projectId === String(chosen)) ? chosen : shellProject,
      setProjectId(projectId) {
        chosenHere.set(dashboard.address.toLowerCase(), projectId);
        setChosen(projectId);
        dashboard.setProjectId(String(projectId));
      },
      refresh: () => dashboard.refreshProjects(),
    }),
    [dashboard, chosen, shellProject],
  );
  return <ChainSessionContext.Provider value={value}>{children}</ChainSessionContext.Provider>;
}
