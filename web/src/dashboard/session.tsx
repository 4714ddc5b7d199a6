/**
 * The dashboard's session: the API's own (SIWE, a bearer token kept in this tab's sessionStorage),
 * the projects the signed-in account has a role in (read from the indexed chain), and the chosen
 * project. Screens read it with `useDashboard()`.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { useServices } from "../app/services.js";
import type { AppWallet } from "../clients/wallet/app-wallet.js";
import { DashboardApi, DashboardApiError, type ProjectMembership } from "./api.js";
import { readStoredSession, signInWithWallet, storeSession } from "./sign-in.js";

export interface DashboardContextValue {
  /** The signed-in account (lower case, as the API returns it). */
  address: string;
  /** The tenant API, sending this session's token. */
  api: DashboardApi;
  /** Projects the account has a role in, or whose organization it owns or administers. */
  projects: ProjectMembership[];
  projectId: string | undefined;
  /** The chosen project's membership (roles), when one is chosen. */
  project: ProjectMembership | undefined;
  setProjectId(projectId: string): void;
  /** Re-reads the projects and roles (after a role change on the chain). */
  refreshProjects(): Promise<void>;
  signOut(): Promise<void>;
}

const DashboardContext = createContext<DashboardContextValue | undefined>(undefined);

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (!value) throw new Error("useDashboard outside the dashboard's session");
  return value;
}

export const DashboardContextProvider = DashboardContext.Provider;

const PROJECT_KEY = "onekey.dashboard.project";

/** The session of this tab for `wallet`, and signing in and out. */
export function useDashboardSession(wallet: AppWallet | undefined) {
  const { config } = useServices();
  const queryClient = useQueryClient();
  const baseApi = useMemo(() => new DashboardApi(config.apiUrl), [config.apiUrl]);
  const address = wallet?.subject;
  // Bumped on sign-in and sign-out; the session itself is read from the tab's storage once the
  // wallet's account is known (after a reload the wallet reconnects a moment later).
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` re-reads the storage after a change
  const current = useMemo(() => (address ? readStoredSession(sessionStorage, address) : undefined), [address, version]);
  const api = useMemo(() => (current ? baseApi.withToken(current.token) : undefined), [baseApi, current]);

  const signIn = useCallback(async () => {
    if (!wallet) throw new Error("connect a wallet first");
    const result = await signInWithWallet(baseApi, wallet.subjectSigner, {
      chainId: config.chainId,
      page: { host: location.host, hostname: location.hostname, origin: location.origin },
    });
    const stored = { token: result.token, address: result.address, expiresAt: result.expiresAt };
    storeSession(sessionStorage, stored);
    setVersion((v) => v + 1);
  }, [wallet, baseApi, config.chainId]);

  const forget = useCallback(() => {
    storeSession(sessionStorage, undefined);
    setVersion((v) => v + 1);
    queryClient.removeQueries({ queryKey: ["dashboard"] });
  }, [queryClient]);

  const signOut = useCallback(async () => {
    try {
      await api?.logout();
    } catch {
      // The session ends here either way; an API that cannot be reached lets it expire.
    }
    forget();
  }, [api, forget]);

  return { api, session: current, signIn, signOut, forget };
}

/** Reads the account's projects and provides the context; `onSessionEnded` when the API says 401. */
export function DashboardSessionProvider({
  api,
  address,
  signOut,
  onSessionEnded,
  children,
  fallback,
}: {
  api: DashboardApi;
  address: string;
  signOut(): Promise<void>;
  onSessionEnded(): void;
  children: ReactNode;
  fallback(state: { pending: boolean; error: unknown; retry(): void }): ReactNode;
}) {
  const projects = useQuery({
    queryKey: ["dashboard", address, "projects"],
    queryFn: async () => {
      try {
        return (await api.projects()).data;
      } catch (error) {
        if (error instanceof DashboardApiError && error.status === 401) onSessionEnded();
        throw error;
      }
    },
  });
  const [chosen, setChosen] = useState<string | undefined>(() => localStorage.getItem(PROJECT_KEY) ?? undefined);
  const setProjectId = useCallback((projectId: string) => {
    localStorage.setItem(PROJECT_KEY, projectId);
    setChosen(projectId);
  }, []);
  const list = projects.data ?? [];
  // The remembered project if the account still has it, else the first it administers, else the first.
  const project = list.find((p) => p.projectId === chosen) ?? list.find((p) => p.administers) ?? list[0] ?? undefined;
  const value: DashboardContextValue = {
    address: address.toLowerCase(),
    api,
    projects: list,
    projectId: project?.projectId,
    project,
    setProjectId,
    refreshProjects: async () => {
      await projects.refetch();
    },
    signOut,
  };
  if (!projects.data) {
    return (
      <>{fallback({ pending: projects.isPending, error: projects.error, retry: () => void projects.refetch() })}</>
    );
  }
  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}
