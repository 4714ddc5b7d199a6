/**
 * The verify flow's engine: the reducer's state (saved on every event, before anything else can
 * happen), one effect per automatic step, and TanStack Query for everything that waits on a
 * service (the session's live status, the sponsored batch's outcome, the chain's confirmation):
 * polling is Query's `refetchInterval`, not timers of our own.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import type { Hex } from "viem";
import { classifyError, type NextAction, toUserError, type UserError, userError } from "../../clients/errors.js";
import { IssuerError } from "../../clients/issuer/issuer-client.js";
import type { Project, Session } from "../../clients/issuer/schemas.js";
import { forgetToken, signInToIssuer, storedToken } from "../../clients/issuer/sign-in.js";
import { privacyServices } from "../../clients/privacy-services.js";
import { Registry, registryCalls } from "../../clients/registry.js";
import { UserOpFailedError } from "../../clients/wallet/sponsored-sender.js";
import { useWallet } from "../../ui/wallet/WalletProvider.js";
import { useServices } from "../services.js";
import { type Step, type VerifyEvent, type VerifyState, verifyReducer } from "./machine.js";
import { dropPendingResult, keepPendingResult, readPendingResult } from "./pending-result.js";
import { loadFlow, saveFlow } from "./persist.js";
import { loadProviderSdk, openHostedFlow, ProviderSdkUnavailableError } from "./provider-launch.js";
import { sealAndQueue } from "./seal.js";

/** Steps that run by themselves when the flow enters them. */
const AUTOMATIC: ReadonlySet<Step> = new Set([
  "checking",
  "start",
  "receiving",
  "delegating",
  "encrypting",
  "uploading",
  "signing",
]);

class SignInNeeded extends Error {}

export interface VerifyFlow {
  state: VerifyState;
  project?: Project;
  error?: UserError;
  busy: boolean;
  signIn(): Promise<void>;
  openProvider(): Promise<void>;
  submit(): Promise<void>;
  onAction(action: NextAction): Promise<void>;
  /** The provider SDK's container, when a launch is an SDK. */
  sdkContainer: React.RefObject<HTMLDivElement | null>;
}

export function useVerifyFlow(slug: string, returnTo?: string): VerifyFlow {
  const { config, issuer, reader } = useServices();
  const { wallet, disconnect } = useWallet();
  const navigate = useNavigate();
  const registry = useRef(new Registry(reader, config)).current;
  const [state, setState] = useState(() => loadFlow(config.chainId, slug));
  const stateRef = useRef(state);
  const [busy, setBusy] = useState(false);
  const sdkContainer = useRef<HTMLDivElement | null>(null);

  const dispatch = useCallback(
    (event: VerifyEvent) => {
      const next = verifyReducer(stateRef.current, event);
      stateRef.current = next;
      // Saved before React renders: a reload right after an event never loses it.
      saveFlow(config.chainId, next);
      setState(next);
    },
    [config.chainId],
  );

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof SignInNeeded || (error instanceof IssuerError && error.status === 401)) {
        if (stateRef.current.subject) forgetToken(config.issuerUrl, stateRef.current.subject);
        dispatch({ type: "signInNeeded" });
        return;
      }
      if (error instanceof ProviderSdkUnavailableError) {
        dispatch({ type: "failed", code: "provider_sdk_unavailable" });
        return;
      }
      const { code, detail } = classifyError(error);
      dispatch({ type: "failed", code, ...(detail ? { detail } : {}) });
    },
    [config.issuerUrl, dispatch],
  );

  const token = useCallback(() => {
    const subject = stateRef.current.subject;
    const stored = subject ? storedToken(config.issuerUrl, subject) : undefined;
    if (!stored) throw new SignInNeeded();
    return stored.token;
  }, [config.issuerUrl]);

  const project = useQuery({
    queryKey: ["project", slug],
    queryFn: () => issuer.project(slug),
    staleTime: 60_000,
    retry: (count, error) => !(error instanceof IssuerError && error.status < 500) && count < 2,
  });

  // The wallet drives the first steps: connected -> check; gone -> connect again.
  useEffect(() => {
    if (wallet && wallet.subject !== state.subject) dispatch({ type: "connected", subject: wallet.subject });
    else if (wallet && state.step === "connect") dispatch({ type: "connected", subject: wallet.subject });
  }, [wallet, state.subject, state.step, dispatch]);

  // A valid sign-in from earlier in this tab (e.g. before the provider's redirect) is reused.
  useEffect(() => {
    if (state.step === "signIn" && !state.failure && state.subject && storedToken(config.issuerUrl, state.subject)) {
      dispatch({ type: "signedIn" });
    }
  }, [state.step, state.failure, state.subject, config.issuerUrl, dispatch]);

  const returnUrl = `${location.origin}/verify/${encodeURIComponent(slug)}${returnTo ? `?return=${encodeURIComponent(returnTo)}` : ""}`;

  const runners: Partial<Record<Step, (signal: AbortSignal) => Promise<void>>> = {
    async checking() {
      const subject = stateRef.current.subject;
      if (!subject) return;
      const info = await project.refetch({ throwOnError: true }).then(
        (r) => r.data as Project,
        (error: unknown) => {
          if (error instanceof IssuerError && error.status === 404) {
            throw new IssuerError(404, "project_not_found", error.message);
          }
          throw error;
        },
      );
      if (info.status !== "active") throw new IssuerError(409, "project_suspended", `The project is ${info.status}.`);
      const projectId = BigInt(info.projectId);
      const current = await registry.attestation(subject);
      // A session already started on this device continues, whatever the chain says meanwhile.
      if (stateRef.current.sessionId || !current?.live || current.level < info.requiredLevel) {
        dispatch({ type: "checked", projectId: info.projectId, found: "needsVerification" });
        return;
      }
      if (await registry.hasConsent(subject, projectId)) {
        dispatch({
          type: "checked",
          projectId: info.projectId,
          found: "done",
          verified: { level: current.level, expiresAt: current.expiresAt, projectId: info.projectId, uid: current.uid },
        });
        return;
      }
      dispatch({ type: "checked", projectId: info.projectId, found: "needsConsent" });
    },
    async start() {
      const id = stateRef.current.sessionId;
      let session: Session | undefined;
      if (id) {
        session = await issuer.session(token(), id).catch((error: unknown) => {
          if (error instanceof IssuerError && error.status === 404) return undefined;
          throw error;
        });
      }
      session ??= await issuer.startSession(token(), slug, returnUrl);
      dispatch({ type: "session", session });
    },
    async receiving() {
      const sessionId = stateRef.current.sessionId as string;
      if (!(await readPendingResult(sessionId))) {
        const pulled = await issuer.pullResult(token(), sessionId);
        const record = {
          schema: "onekey.kyc-record",
          version: 1,
          sessionId,
          projectId: stateRef.current.projectId,
          receivedAt: new Date().toISOString(),
          result: pulled.result,
          personalData: pulled.personalData,
        };
        await keepPendingResult(sessionId, new TextEncoder().encode(JSON.stringify(record)));
      }
      dispatch({ type: "resultReceived" });
    },
    async delegating() {
      const { subject, projectId } = stateRef.current;
      if (!wallet || !subject || !projectId) throw new SignInNeeded();
      const owner = wallet.ownerSigner;
      // A wallet that signs as its account (ERC-1271) needs no delegate; a SimpleAccount's owner does.
      if (!owner) {
        dispatch({ type: "delegated" });
        return;
      }
      const current = await registry.decryptDelegateOf(subject);
      if (current?.toLowerCase() !== owner.address.toLowerCase()) {
        // Sponsored by this session's project: the issuer allows it for an approved session.
        const id = await wallet.sendSponsored(
          [registryCalls.setDecryptDelegate(config.contracts.kycRegistry, owner.address)],
          projectId,
        );
        const outcome = await wallet.waitForCalls(id);
        if (outcome.status !== "success") throw new UserOpFailedError(outcome.transactionHash);
      }
      dispatch({ type: "delegated" });
    },
    async encrypting() {
      const { sessionId, subject } = stateRef.current as Required<Pick<VerifyState, "sessionId" | "subject">>;
      if (!wallet) throw new SignInNeeded();
      const plaintext = await readPendingResult(sessionId);
      if (!plaintext) {
        dispatch({ type: "failed", code: "result_already_delivered" });
        return;
      }
      const privacy = await privacyServices(config);
      const uid = await registry.nextUid(subject);
      // The key service stores a key on the subject's signature (or its decrypt delegate's).
      const delegate = await registry.decryptDelegateOf(subject);
      const keyOwner =
        delegate && wallet.ownerSigner?.address.toLowerCase() === delegate.toLowerCase()
          ? wallet.ownerSigner
          : wallet.subjectSigner;
      const sealed = await sealAndQueue({
        plaintext,
        chainId: config.chainId,
        registry: config.contracts.kycRegistry,
        subject,
        uid,
        keyOwner,
        privacy,
        onPhase: (phase) => dispatch({ type: "sealPhase", phase }),
      });
      plaintext.fill(0);
      dispatch({ type: "sealed", sealed: { ...sealed, storageNetwork: privacy.storageNetwork, uid } });
      await dropPendingResult(sessionId);
    },
    async uploading(signal) {
      const sealed = stateRef.current.sealed;
      if (!sealed) return;
      const privacy = await privacyServices(config);
      const stop = privacy.queue.on((event) => {
        if (event.id === sealed.itemId && event.type === "progress") {
          dispatch({ type: "uploadProgress", sent: event.sentBytes, total: event.totalBytes });
        }
      });
      try {
        await privacy.queue.requeue(sealed.itemId);
        const job = await privacy.queue.run(sealed.itemId, signal);
        if (job.status === "done") {
          dispatch({ type: "uploaded" });
        } else {
          dispatch({
            type: "failed",
            code: job.attempts > 1 ? "storage_unavailable" : "storage_rejected",
            ...(job.error ? { detail: job.error } : {}),
          });
        }
      } finally {
        stop();
      }
    },
    async signing() {
      const { sessionId, sealed } = stateRef.current;
      if (!sessionId || !sealed) return;
      const grant = await issuer.attestation(token(), sessionId, {
        storageNetwork: sealed.storageNetwork,
        storageId: sealed.itemId,
        ciphertextHash: sealed.ciphertextHash,
      });
      dispatch({ type: "attestationSigned", grant });
    },
  };

  // One run per entry into an automatic step (React's development double-invoke included).
  const entered = useRef<string | undefined>(undefined);
  // The upload in flight stops only when the page is left: a re-render (a rebuilt wallet object,
  // StrictMode's mount-unmount-mount) must not abort it, or the step never runs again. Leaving
  // the page keeps the upload queued; it resumes on the next visit.
  const upload = useRef<AbortController | undefined>(undefined);
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (!mounted.current) upload.current?.abort(new Error("left the page"));
      }, 0);
    };
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runners are new each render; the step, session and wallet start them
  useEffect(() => {
    const step = state.step;
    const runner = runners[step];
    if (!runner || state.failure || !AUTOMATIC.has(step) || !state.subject) return;
    if ((step === "delegating" || step === "encrypting" || step === "uploading") && !wallet) return;
    const key = `${step}:${state.sessionId ?? ""}`;
    if (entered.current === key) return;
    entered.current = key;
    const controller = new AbortController();
    if (step === "uploading") upload.current = controller;
    runner(controller.signal).catch((error: unknown) => {
      if (!controller.signal.aborted) fail(error);
    });
  }, [state.step, state.failure, state.sessionId, state.subject, wallet, fail]);
  useEffect(() => {
    // A failure, retried: the same step may run again.
    if (state.failure) entered.current = undefined;
  }, [state.failure]);

  // Live status while the provider's step runs and while it decides.
  const watching =
    (state.step === "provider" || state.step === "waiting") && !state.failure && Boolean(state.sessionId);
  const sessionQuery = useQuery({
    queryKey: ["session", state.sessionId],
    enabled: watching && Boolean(state.subject && storedToken(config.issuerUrl, state.subject)),
    queryFn: () => issuer.session(token(), state.sessionId as string),
    refetchInterval: state.step === "waiting" ? 1_000 : 2_000,
    refetchIntervalInBackground: true,
    retry: 2,
  });
  useEffect(() => {
    const session = sessionQuery.data;
    if (!watching || !session) return;
    const current = stateRef.current;
    if (session.status !== current.status || session.outcome !== undefined) dispatch({ type: "session", session });
  }, [sessionQuery.data, watching, dispatch]);
  useEffect(() => {
    if (watching && sessionQuery.error) fail(sessionQuery.error);
  }, [sessionQuery.error, watching, fail]);

  // The sponsored batch's outcome, then the chain's own word.
  const confirming = state.step === "confirming" && !state.failure && Boolean(wallet);
  const outcome = useQuery({
    queryKey: ["calls", state.callsId, wallet?.subject],
    enabled: confirming && Boolean(state.callsId),
    queryFn: () => (wallet as NonNullable<typeof wallet>).callsOutcome(state.callsId as string),
    refetchInterval: (query) => (query.state.data?.status === "pending" || !query.state.data ? 500 : false),
    retry: 3,
  });
  const landed = !state.callsId || outcome.data?.status === "success";
  const onChain = useQuery({
    queryKey: ["confirmed", state.subject, state.projectId, state.callsId],
    enabled: confirming && landed && Boolean(state.subject && state.projectId),
    queryFn: async () => {
      const subject = stateRef.current.subject as `0x${string}`;
      const projectId = stateRef.current.projectId as string;
      const current = await registry.attestation(subject);
      if (!current?.live) return null;
      const consented = await registry.isVerifiedFor(subject, current.level, BigInt(projectId));
      return consented ? { level: current.level, expiresAt: current.expiresAt, projectId, uid: current.uid } : null;
    },
    // The node may answer a moment behind the receipt: ask again until it agrees.
    refetchInterval: (query) => (query.state.data ? false : 500),
  });
  useEffect(() => {
    if (!confirming) return;
    if (outcome.data?.status === "failure") dispatch({ type: "failed", code: "user_op_failed" });
    else if (outcome.error) fail(outcome.error);
    else if (onChain.data) {
      dispatch({
        type: "confirmed",
        verified: onChain.data,
        ...(outcome.data?.transactionHash ? { transactionHash: outcome.data.transactionHash } : {}),
      });
    } else if (onChain.error) fail(onChain.error);
  }, [confirming, outcome.data, outcome.error, onChain.data, onChain.error, dispatch, fail]);

  const guarded = (work: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const signIn = guarded(async () => {
    if (!wallet) throw new SignInNeeded();
    await signInToIssuer(issuer, config.issuerUrl, wallet.subjectSigner);
    dispatch({ type: "signedIn" });
  });

  const openProvider = guarded(async () => {
    const launch = stateRef.current.launch;
    if (!launch) throw new IssuerError(409, "no_launch", "The provider gave no way to start its step.");
    if (launch.kind === "hosted-url") {
      openHostedFlow(launch.url);
      return;
    }
    const sdk = await loadProviderSdk(launch);
    if (!sdkContainer.current) return;
    await sdk.mount(sdkContainer.current, launch, {
      onSubmitted: () => void sessionQuery.refetch(),
      onError: fail,
    });
  });

  const submit = guarded(async () => {
    const current = stateRef.current;
    if (!wallet || !current.subject || !current.projectId) throw new SignInNeeded();
    const projectId = BigInt(current.projectId);
    const calls = [];
    if (current.mode !== "consentOnly") {
      const grant = current.grant;
      if (!grant) throw new IssuerError(409, "no_grant", "The issuer's signature is missing.");
      calls.push(registryCalls.attestBySig(config.contracts.kycRegistry, grant, await registry.issuerOf(grant)));
    }
    // A consent that still holds (a renewal) is not granted twice: that call would revert.
    if (!(await registry.hasConsent(current.subject, projectId))) {
      calls.push(registryCalls.grantConsent(config.contracts.kycRegistry, projectId));
    }
    const id = await wallet.sendSponsored(calls, current.projectId);
    dispatch({ type: "submitted", callsId: id });
  });

  const onAction = async (action: NextAction) => {
    switch (action) {
      case "retry":
        dispatch({ type: "retry" });
        return;
      case "resubmit":
        dispatch({ type: "resubmit" });
        return;
      case "restart":
        dispatch({ type: "restart" });
        return;
      case "signIn":
        dispatch({ type: "signInNeeded" });
        return;
      case "reconnect":
        await disconnect();
        dispatch({ type: "disconnected" });
        return;
      case "home":
        navigate("/");
        return;
      case "fallback":
        await guarded(async () => {
          const id = stateRef.current.sessionId;
          if (!id) throw new IssuerError(404, "session_not_found", "There is no session to continue.");
          dispatch({ type: "session", session: await issuer.fallback(token(), id) });
        })();
        return;
    }
  };

  const error = state.failure ? userError(state.failure.code, state.failure.detail) : undefined;
  const projectError = project.error && state.step !== "connect" ? toUserError(project.error) : undefined;
  return {
    state,
    ...(project.data ? { project: project.data } : {}),
    ...(error ? { error } : projectError ? { error: projectError } : {}),
    busy,
    signIn,
    openProvider,
    submit,
    onAction,
    sdkContainer,
  };
}

export type { Hex };
