/**
 * The verification session workflow (issuer/SESSIONS.md): start with the first healthy provider
 * that supports the project's checks, follow the provider (webhooks, or a bounded refresh on
 * read), fall back to the next provider without losing the session, hand the decided result to
 * the subject's browser once (fetched from the provider at pull time, held only for that
 * response), check the stored record and sign one attestation per session.
 *
 * Personal data passes through `pullResult` only, as a return value: it is never written to the
 * database, a log, a queue or a URL. Every other value here is pseudonymous (ids, statuses,
 * reason codes, hashes).
 */
import { randomUUID } from "node:crypto";
import { type AttestationRequest, type FlagReader, FlagSet, kycRegistryAbi, signAttestation } from "@onekey/deploy";
import { fixedPlans, loadPlans, type PlanReader } from "@onekey/service-kit/plans";
import { type Kysely, sql } from "kysely";
import { type Address, getAddress, type Hex, type LocalAccount, type PublicClient } from "viem";
import type { IssuerConfig } from "../../config.js";
import { ApiError, badRequest, conflict, notFound } from "../../http/errors.js";
import { type AttestationLedger, attestationDigest } from "../../ledger/attestation-ledger.js";
import type { IssuerDatabase, StoredAttestation } from "../../ledger/types.js";
import type { Logger } from "../../logger.js";
import type { IssuerMetrics } from "../../metrics.js";
import { expiryFor, levelFor } from "../policy.js";
import type { ProjectDirectory } from "../projects.js";
import type { ProviderStates } from "../provider-states.js";
import {
  type Decision,
  type KycCheck,
  type NormalizedResult,
  ProviderError,
  type ProviderName,
  type ProviderWebhookRequest,
  type StartApplicantInput,
} from "../providers/provider.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { KycLimits } from "../rate-limits.js";
import type { SettingsStore } from "../settings.js";
import { type RecordStorage, STORAGE_NETWORKS, type StorageNetworkId, StorageUnavailable } from "../storage.js";
import { EXPIRABLE, type SessionStatus, STEP_REASONS, TERMINAL } from "./model.js";
import { checkMonthlyQuota } from "./quota.js";
import {
  findByApplicant,
  findOpenSession,
  findSession,
  queueApplicantDeletion,
  type SessionRow,
  type TransitionSpec,
  transition,
} from "./store.js";
import { needsLaunch, type SessionView, sessionView } from "./view.js";

export interface SessionServiceDeps {
  db: Kysely<IssuerDatabase>;
  config: IssuerConfig;
  registry: ProviderRegistry;
  projects: ProjectDirectory;
  settings: SettingsStore;
  storage: RecordStorage;
  client: PublicClient;
  kycSigner: LocalAccount;
  ledger: AttestationLedger;
  limits: KycLimits;
  metrics: IssuerMetrics;
  logger: Logger;
  now: () => Date;
  /** Feature flags (`kycSessions` per project); default: every flag at its default. */
  flags?: FlagReader;
  /** Organizations' plans (the monthly verification quota; main.ts watches the file); default: config.plansFile read once. */
  plans?: PlanReader;
  /** Operators' pauses (kyc/provider-states.ts); absent, no provider is ever paused. */
  providerStates?: ProviderStates;
}

export interface AttestationInput {
  storageNetwork: StorageNetworkId;
  storageId: Hex;
  ciphertextHash: Hex;
}

export interface SignedAttestationResponse {
  request: AttestationRequest;
  nonce: string;
  deadline: string;
  signature: Hex;
  registry: Address;
  chainId: number;
  /** Extension: the issuer address the registry will see. */
  issuer: Address;
}

export type WebhookOutcome = "applied" | "duplicate" | "unknown_applicant";

const unavailable = (error: ProviderError) =>
  new ApiError(
    503,
    "provider_unavailable",
    `The KYC provider ${error.provider} is unavailable (${error.reason}); try again`,
  );

export function createSessionService(deps: SessionServiceDeps) {
  const { db, config, registry, projects, settings, storage, client, kycSigner, ledger, metrics, logger } = deps;
  const kyc = config.kyc;
  const plans: PlanReader = deps.plans ?? fixedPlans(loadPlans(config.plansFile));

  const step = (row: SessionRow | undefined, name: string) => {
    if (row) metrics.sessionSteps.inc({ step: name, provider: row.provider ?? "none" });
    return row;
  };
  const move = async (id: string, spec: TransitionSpec) => step(await transition(db, id, spec, deps.now()), spec.to);

  /** The session of `subject`, or 404 (someone else's session is indistinguishable from none). */
  async function own(subject: Address, id: string): Promise<SessionRow> {
    const row = await findSession(db, id);
    if (!row || row.subject !== subject.toLowerCase()) throw notFound("session_not_found", "No such session");
    return row;
  }

  async function checksOf(row: SessionRow): Promise<KycCheck[]> {
    return row.required_checks as KycCheck[];
  }

  async function preferencesOf(row: SessionRow): Promise<ProviderName[]> {
    const project = await projects.resolve(String(row.project_id));
    const chosen = await settings.get(BigInt(row.project_id), project?.requiredLevel ?? 1, registry.names);
    return chosen.providers;
  }

  /**
   * Providers no operator has paused, in order. Only starts and fallbacks ask: a session already
   * at a paused provider carries on (refresh, webhooks, result, attestation), because pausing must
   * not strand a person part-way through a verification they may already have submitted.
   */
  async function unpaused(names: ProviderName[]): Promise<ProviderName[]> {
    if (!deps.providerStates || names.length === 0) return names;
    const paused = await deps.providerStates.paused();
    return names.filter((name) => !paused.has(name));
  }

  async function fallbackCandidates(row: SessionRow): Promise<ProviderName[]> {
    if (!canFallBack(row)) return [];
    const tried = row.providers_tried;
    return unpaused(
      registry.candidates(await preferencesOf(row), await checksOf(row), tried).filter((n) => registry.healthy(n)),
    );
  }

  /**
   * Fallback is for a provider that fails, before it decides (or while it waits for a
   * resubmission). A decided session keeps its provider: a rejected person cannot shop for
   * another provider's opinion, and an approved one is never decided twice.
   */
  function canFallBack(row: SessionRow): boolean {
    return (
      ["created", "provider_started", "submitted"].includes(row.status) ||
      (row.status === "decided" && row.outcome === "needs_resubmission")
    );
  }

  async function view(row: SessionRow): Promise<SessionView> {
    return sessionView(row, (await fallbackCandidates(row)).length > 0);
  }

  function startInput(row: SessionRow): StartApplicantInput {
    return {
      sessionId: row.id,
      subject: getAddress(row.subject),
      projectId: BigInt(row.project_id),
      checks: row.required_checks as KycCheck[],
      returnUrl: row.return_url ?? undefined,
    };
  }

  /**
   * Opens the applicant at the first provider (of `candidates`) that answers; the ones that fail
   * are remembered as tried. Returns undefined when none answered.
   */
  async function openAtProvider(row: SessionRow, candidates: readonly ProviderName[], reason?: string) {
    const tried = [...row.providers_tried];
    const input = startInput(row);
    for (const name of candidates) {
      tried.push(name);
      let applicantId: string | undefined;
      try {
        applicantId = (await registry.call(name, "createApplicant", (p, signal) => p.createApplicant(input, signal)))
          .applicantId;
        const id = applicantId;
        const launch = await registry.call(name, "launch", (p, signal) => p.launch(id, input, signal));
        const from: SessionStatus[] = ["created", "provider_started", "submitted", "decided"];
        const moved = await move(row.id, {
          from,
          to: "provider_started",
          step: { step: "provider_started", provider: name, reason },
          set: {
            provider: name,
            provider_applicant_id: applicantId,
            providers_tried: tried,
            launch: JSON.stringify(launch),
            outcome: null,
            reason_codes: [],
            checks_passed: [],
            document_type: null,
            level: null,
            decision_checked_at: null,
          },
        });
        if (!moved) {
          // The session moved on meanwhile (expired, or another request won): drop this applicant.
          await queueApplicantDeletion(db, name, applicantId, "session_moved_on", deps.now());
          return (await findSession(db, row.id)) as SessionRow;
        }
        logger.info(
          { session: row.id, provider: name, project: String(row.project_id) },
          "session started at provider",
        );
        return moved;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ session: row.id, provider: name, reason: error.reason }, "provider failed; trying the next one");
        if (applicantId) await queueApplicantDeletion(db, name, applicantId, "launch_failed", deps.now());
      }
    }
    await db.updateTable("kyc_sessions").set({ providers_tried: tried }).where("id", "=", row.id).execute();
    return undefined;
  }

  /**
   * Applies a provider's decision (fetched server-side) to the session; the personal data is
   * dropped here. `submitted` says the provider told us the person submitted (its webhook): a
   * pending decision alone cannot tell a submission from a flow nobody has opened yet.
   *
   * A decision moves the session once: from provider_started or submitted, or from a
   * needs_resubmission decision to a different outcome (the same one again is the same news,
   * e.g. a late webhook). A decision means the person submitted, so when it arrives before we
   * heard of the submission (webhooks race, or are lost) the submitted step is recorded first.
   */
  async function applyDecision(
    row: SessionRow,
    decision: Decision,
    submitted: boolean,
  ): Promise<SessionRow | undefined> {
    const now = deps.now();
    const provider = row.provider ?? undefined;
    const toSubmitted = (from: SessionStatus[]) =>
      move(row.id, {
        from,
        fromDecidedOutcome: "needs_resubmission",
        to: "submitted",
        step: { step: "submitted", provider },
        set: { outcome: null, decision_checked_at: now },
      });
    if (decision.state === "pending") {
      await db.updateTable("kyc_sessions").set({ decision_checked_at: now }).where("id", "=", row.id).execute();
      return submitted ? toSubmitted(["provider_started", "decided"]) : undefined;
    }
    const result: NormalizedResult = decision.result;
    const current = (await findSession(db, row.id)) ?? row;
    const redecision = current.status === "decided" && current.outcome === "needs_resubmission";
    if (redecision && result.outcome === "needs_resubmission") return undefined;
    await toSubmitted(redecision ? ["decided"] : ["provider_started"]);
    const level = result.outcome === "approved" ? levelFor(result.checksPassed) : null;
    return move(row.id, {
      from: ["submitted"],
      to: "decided",
      step: { step: "decided", provider, reason: result.outcome === "approved" ? undefined : result.outcome },
      set: {
        outcome: result.outcome,
        reason_codes: result.reasonCodes,
        checks_passed: result.checksPassed,
        document_type: result.documentType ?? null,
        level,
        decision_checked_at: now,
        result_delivered_at: null,
      },
    });
  }

  async function fetchDecision(row: SessionRow): Promise<Decision> {
    const provider = row.provider as ProviderName;
    const applicantId = row.provider_applicant_id as string;
    return registry.call(provider, "fetchDecision", (p, signal) => p.fetchDecision(applicantId, signal));
  }

  /** Expires a session whose time is up (the cleanup job does the same for sessions nobody reads). */
  async function expireIfDue(row: SessionRow): Promise<SessionRow> {
    if (!EXPIRABLE.includes(row.status as SessionStatus) || new Date(row.expires_at) > deps.now()) return row;
    const expired = await expireSession(row);
    return expired ?? ((await findSession(db, row.id)) as SessionRow);
  }

  async function expireSession(row: SessionRow): Promise<SessionRow | undefined> {
    const now = deps.now();
    const expired = await move(row.id, {
      from: EXPIRABLE,
      to: "expired",
      step: { step: "expired", reason: STEP_REASONS.sessionExpired },
      set: { launch: null, provider_applicant_id: null },
    });
    // Nobody will be attested from this applicant: its data at the provider goes too.
    if (expired && row.provider && row.provider_applicant_id) {
      await queueApplicantDeletion(db, row.provider, row.provider_applicant_id, "session_expired", now);
    }
    return expired;
  }

  /** Keeps the browser's launch usable (hosted links and SDK tokens expire). */
  async function freshLaunch(row: SessionRow): Promise<SessionRow> {
    if (!needsLaunch(row) || !row.provider || !row.provider_applicant_id) return row;
    const nowSeconds = Math.floor(deps.now().getTime() / 1000);
    if (row.launch && row.launch.expiresAt > nowSeconds + 60) return row;
    const provider = row.provider as ProviderName;
    const applicantId = row.provider_applicant_id;
    try {
      const launch = await registry.call(provider, "launch", (p, signal) =>
        p.launch(applicantId, startInput(row), signal),
      );
      const updated = await db
        .updateTable("kyc_sessions")
        .set({ launch: JSON.stringify(launch), updated_at: deps.now() })
        .where("id", "=", row.id)
        .where("provider_applicant_id", "=", applicantId)
        .returningAll()
        .executeTakeFirst();
      return updated ?? row;
    } catch (error) {
      if (error instanceof ProviderError) return row; // the view says fallbackAvailable
      throw error;
    }
  }

  /**
   * The time attestations are judged at: the latest block's timestamp (what attestBySig checks
   * the deadline against) and the later of it and the wall clock (local chains run ahead).
   */
  let latestBlock: { at: number; timestamp: Promise<number> } | undefined;
  async function chainTime(options: { fresh?: boolean } = {}): Promise<{ block: number; now: number }> {
    // A second-old block time is good enough for a new signature's deadline and expiry (both
    // minutes to months away); a renewal decides with a fresh one.
    const wall = deps.now().getTime();
    if (options.fresh || !latestBlock || wall - latestBlock.at > 1_000) {
      const timestamp = client.getBlock({ blockTag: "latest" }).then((b) => Number(b.timestamp));
      latestBlock = { at: wall, timestamp };
      timestamp.catch(() => {
        latestBlock = undefined;
      });
    }
    const block = await latestBlock.timestamp;
    return { block, now: Math.max(Math.floor(wall / 1000), block) };
  }

  function sameAttestation(stored: StoredAttestation, input: AttestationInput): boolean {
    return (
      stored.request.storageNetwork === input.storageNetwork &&
      stored.request.storageId.toLowerCase() === input.storageId.toLowerCase() &&
      stored.request.ciphertextHash.toLowerCase() === input.ciphertextHash.toLowerCase()
    );
  }

  function responseOf(stored: StoredAttestation): SignedAttestationResponse {
    return {
      request: {
        subject: getAddress(stored.request.subject),
        level: stored.request.level,
        expiresAt: stored.request.expiresAt,
        storageNetwork: stored.request.storageNetwork,
        storageId: stored.request.storageId as Hex,
        ciphertextHash: stored.request.ciphertextHash as Hex,
      },
      nonce: stored.nonce,
      deadline: stored.deadline,
      signature: stored.signature as Hex,
      registry: config.contracts.kycRegistry,
      chainId: config.chainId,
      issuer: getAddress(stored.issuer),
    };
  }

  return {
    async start(subject: Address, projectRef: string, returnUrl: string | undefined) {
      if (returnUrl !== undefined) {
        if (!URL.canParse(returnUrl) || new URL(returnUrl).origin !== kyc.dappOrigin) {
          throw badRequest("returnUrl", `must be a URL on the dApp's origin ${kyc.dappOrigin}`);
        }
      }
      const project = await projects.resolve(projectRef);
      if (!project) throw notFound("project_not_found", "No such project");
      if (project.status !== "active") throw conflict("project_suspended", "The project is suspended");

      const open = await findOpenSession(db, subject, project.projectId);
      if (open) {
        const current = await expireIfDue(open);
        if (!TERMINAL.includes(current.status as SessionStatus)) {
          return { created: false, session: await view(await freshLaunch(current)) };
        }
      }

      // After the resume above: a pause stops new sessions, never one a person is part-way through.
      if (!(deps.flags ?? FlagSet.defaults()).isOn("kycSessions", project.projectId)) {
        throw new ApiError(
          503,
          "kyc_sessions_paused",
          "New verifications are paused for this project for now; try again later",
        );
      }
      const chosen = await settings.get(project.projectId, project.requiredLevel, registry.names);
      const supporting = registry.candidates(chosen.providers, chosen.checks);
      if (supporting.length === 0) {
        throw conflict(
          "no_provider_supports_checks",
          "No configured provider performs the checks this project requires",
        );
      }
      // A paused provider is skipped like one that does not answer. All of them paused: the same
      // 503 as an outage, before anything is stored or counted; the operators' reason stays with them.
      const candidates = await unpaused(supporting);
      if (candidates.length === 0) {
        throw new ApiError(503, "no_provider_available", "No KYC provider is available right now; try again later");
      }
      await deps.limits.startSession(project.projectId, subject);

      const now = deps.now();
      const id = randomUUID();
      // The quota's count and this insert in one transaction (sessions/quota.ts); a resumed
      // session (above) never reaches here, so it is never counted again.
      const inserted = await db.transaction().execute(async (trx) => {
        await checkMonthlyQuota(trx, plans.current(), project.orgId, now);
        return (
          trx
            .insertInto("kyc_sessions")
            .values({
              id,
              project_id: project.projectId.toString(),
              org_id: project.orgId.toString(),
              subject: subject.toLowerCase(),
              chain_id: config.chainId,
              registry: config.contracts.kycRegistry.toLowerCase(),
              status: "created",
              required_checks: chosen.checks,
              return_url: returnUrl ?? null,
              steps: JSON.stringify([{ step: "created", at: now.toISOString() }]),
              launch: null,
              attestation: null,
              expires_at: new Date(now.getTime() + kyc.sessionTtlSeconds * 1000),
              created_at: now,
              updated_at: now,
            })
            // A concurrent start won the one open session of this subject and project: answer with it.
            .onConflict((oc) => oc.doNothing())
            .returningAll()
            .executeTakeFirst()
        );
      });
      if (!inserted) {
        const winner = await findOpenSession(db, subject, project.projectId);
        if (!winner) throw conflict("session_conflict", "A session was being created concurrently; try again");
        return { created: false, session: await view(winner) };
      }
      step(inserted, "created");
      const started = await openAtProvider(inserted, candidates);
      if (!started) {
        await move(id, {
          from: ["created"],
          to: "failed",
          step: { step: "failed", reason: STEP_REASONS.noProviderAvailable },
          set: { failure_reason: STEP_REASONS.noProviderAvailable },
        });
        throw new ApiError(503, "no_provider_available", "No KYC provider is available right now; try again later");
      }
      return { created: true, session: await view(started) };
    },

    async get(subject: Address, id: string): Promise<SessionView> {
      let row = await expireIfDue(await own(subject, id));
      const refreshDue =
        (row.status === "provider_started" || row.status === "submitted") &&
        row.provider &&
        row.provider_applicant_id &&
        (!row.decision_checked_at ||
          deps.now().getTime() - new Date(row.decision_checked_at).getTime() >= kyc.statusRefreshSeconds * 1000);
      if (refreshDue) {
        // Webhooks can be lost: ask the provider now and then while a decision is awaited.
        try {
          row =
            (await applyDecision(row, await fetchDecision(row), false)) ?? ((await findSession(db, id)) as SessionRow);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
        }
      }
      return view(await freshLaunch(row));
    },

    async fallback(subject: Address, id: string): Promise<SessionView> {
      const row = await expireIfDue(await own(subject, id));
      if (!canFallBack(row)) {
        throw conflict("fallback_not_allowed", `A session that is ${row.status} keeps its provider`);
      }
      const candidates = await fallbackCandidates(row);
      if (candidates.length === 0) throw conflict("no_fallback", "No other provider is available for this session");
      const previous = { provider: row.provider, applicantId: row.provider_applicant_id };
      const started = await openAtProvider(row, candidates, STEP_REASONS.providerFallback);
      if (!started) throw new ApiError(503, "no_provider_available", "No other provider answered; try again later");
      // The abandoned applicant holds the person's data at the old provider: delete it there.
      if (previous.provider && previous.applicantId && started.provider_applicant_id !== previous.applicantId) {
        await queueApplicantDeletion(db, previous.provider, previous.applicantId, "fallback", deps.now());
      }
      return view(started);
    },

    /** The decided result and the person's data, once; fetched from the provider now, kept nowhere. */
    async pullResult(subject: Address, id: string) {
      const row = await expireIfDue(await own(subject, id));
      if (row.result_delivered_at) {
        throw new ApiError(410, "result_already_delivered", "The result was delivered once and is not kept");
      }
      if (row.status !== "decided") throw conflict("result_not_available", `The session is ${row.status}, not decided`);
      if (row.outcome !== "approved") throw conflict("not_approved", `The provider decided ${row.outcome}`);
      let decision: Decision;
      try {
        decision = await fetchDecision(row);
      } catch (error) {
        if (error instanceof ProviderError) throw unavailable(error);
        throw error;
      }
      if (decision.state !== "decided" || decision.result.outcome !== "approved") {
        await applyDecision(row, decision, false);
        throw conflict("result_changed", "The provider's decision changed; reload the session");
      }
      const claimed = await db
        .updateTable("kyc_sessions")
        .set({ result_delivered_at: deps.now(), updated_at: deps.now() })
        .where("id", "=", row.id)
        .where("status", "=", "decided")
        .where("result_delivered_at", "is", null)
        .returning("id")
        .executeTakeFirst();
      if (!claimed)
        throw new ApiError(410, "result_already_delivered", "The result was delivered once and is not kept");
      logger.info({ session: row.id, provider: row.provider }, "result delivered");
      return { result: decision.result, personalData: decision.personalData };
    },

    async signAttestation(subject: Address, id: string, input: AttestationInput): Promise<SignedAttestationResponse> {
      const started = performance.now();
      const row = await expireIfDue(await own(subject, id));
      const stored = row.attestation;
      if (stored && !sameAttestation(stored, input)) {
        throw conflict("attestation_conflict", "This session's attestation was signed for another record");
      }
      if (!stored) {
        if (!["decided", "record_stored"].includes(row.status) || row.outcome !== "approved") {
          throw conflict("not_approved", `The session is ${row.status}, not an approved decision`);
        }
        if (!row.result_delivered_at)
          throw conflict("result_not_pulled", "Pull the result before reporting its record");
        if (!row.level || row.level < 1) {
          throw conflict("level_insufficient", "The checks passed earn no attestation level");
        }
      } else if (!["record_stored", "attestation_signed"].includes(row.status)) {
        // Attested (or later): the same answer, never a new signature.
        return responseOf(stored);
      }
      if (!storage.networks.includes(input.storageNetwork)) {
        throw badRequest("storageNetwork", `this issuer checks storage networks ${storage.networks.join(", ")} only`);
      }

      const signal = AbortSignal.timeout(kyc.storage.timeoutMs);
      const [item, nonce, time] = await Promise.all([
        storage.inspect(input.storageNetwork, input.storageId, signal).catch((error: unknown) => {
          if (error instanceof StorageUnavailable || signal.aborted) {
            throw new ApiError(503, "storage_unavailable", "The storage network is unavailable; try again");
          }
          throw error;
        }),
        client.readContract({
          address: config.contracts.kycRegistry,
          abi: kycRegistryAbi,
          functionName: "nonceOf",
          args: [subject],
        }),
        chainTime({ fresh: stored !== null }),
      ]);
      if (!item.found)
        throw new ApiError(422, "storage_item_not_found", "No item with this storageId is stored", "storageId");
      if (item.hash.toLowerCase() !== input.ciphertextHash.toLowerCase()) {
        throw new ApiError(
          422,
          "ciphertext_hash_mismatch",
          "The stored item does not hash to ciphertextHash",
          "ciphertextHash",
        );
      }
      /**
       * A new signature only when the old one can never be used: its deadline has passed on chain
       * (the next block is later still) and the nonce it names is unspent (so it was never
       * submitted). Otherwise the same signature, or a refusal: never a second attestation.
       */
      const reusable = (current: StoredAttestation) => {
        if (BigInt(current.nonce) !== BigInt(nonce)) {
          throw conflict(
            "attestation_pending",
            "The subject's nonce moved on; the chain watcher will settle this session",
          );
        }
        return BigInt(current.deadline) >= BigInt(time.block);
      };
      if (stored && reusable(stored)) return responseOf(stored);

      const chainNow = time.now;
      const level = row.level as number;
      const expiresAt = new Date(row.expires_at).getTime() / 1000;
      if (chainNow + 60 >= expiresAt) throw conflict("session_expiring", "The session expires too soon to sign");
      const request: AttestationRequest = {
        subject,
        level,
        expiresAt: expiryFor(level, chainNow, kyc.levelExpiryDays),
        storageNetwork: input.storageNetwork,
        storageId: input.storageId,
        ciphertextHash: input.ciphertextHash,
      };
      // The signature dies with the session: it cannot be submitted once the session is over.
      const deadline = BigInt(Math.min(chainNow + kyc.attestationDeadlineSeconds, Math.floor(expiresAt)));
      const params = {
        chainId: config.chainId,
        registry: config.contracts.kycRegistry,
        request,
        nonce: BigInt(nonce),
        deadline,
      };
      const signature = await signAttestation(kycSigner, params);
      const attestation: StoredAttestation = {
        request: { ...request, subject: subject.toLowerCase() },
        nonce: String(nonce),
        deadline: deadline.toString(),
        signature,
        digest: attestationDigest(params),
        issuer: kycSigner.address,
      };

      // One transaction, the row locked: two requests for one session serialize here, and the
      // second sees the first one's signature (one attestation per session).
      const outcome = await db.transaction().execute(async (trx) => {
        const locked = await trx
          .selectFrom("kyc_sessions")
          .selectAll()
          .where("id", "=", row.id)
          .forUpdate()
          .executeTakeFirst();
        if (!locked) throw notFound("session_not_found", "No such session");
        const current = locked.attestation;
        if (current && !sameAttestation(current, input)) return { conflict: true as const };
        if (current && (current.signature !== stored?.signature || reusable(current))) return { stored: current };
        const fromDecided = locked.status === "decided" && locked.outcome === "approved" && locked.result_delivered_at;
        if (!fromDecided && !["record_stored", "attestation_signed"].includes(locked.status)) {
          if (current) return { stored: current };
          throw conflict("not_approved", `The session is ${locked.status}`);
        }
        await ledger.record({ ...params, issuer: kycSigner.address, projectId: BigInt(locked.project_id) }, trx);
        const at = deps.now();
        const steps = [
          ...(fromDecided ? [{ step: "record_stored", at: at.toISOString() }] : []),
          {
            step: "attestation_signed",
            at: at.toISOString(),
            ...(current ? { reason: STEP_REASONS.deadlineRenewed } : {}),
          },
        ];
        await trx
          .updateTable("kyc_sessions")
          .set({
            status: "attestation_signed",
            steps: sql`steps || ${JSON.stringify(steps)}::jsonb`,
            attestation: JSON.stringify(attestation),
            attestation_storage_id: input.storageId.toLowerCase(),
            attestation_ciphertext_hash: input.ciphertextHash.toLowerCase(),
            attestation_record_bytes: String(item.size),
            updated_at: at,
          })
          .where("id", "=", row.id)
          .execute();
        return { stored: attestation, signed: true, fromDecided };
      });
      if ("conflict" in outcome) {
        throw conflict("attestation_conflict", "This session's attestation was signed for another record");
      }
      if ("signed" in outcome) {
        const provider = row.provider ?? "none";
        if (outcome.fromDecided) metrics.sessionSteps.inc({ step: "record_stored", provider });
        metrics.sessionSteps.inc({ step: "attestation_signed", provider });
        metrics.attestationsSigned.inc({ level: String(level) });
        logger.info({ session: row.id, level }, "attestation signed");
      }
      metrics.signDuration.observe((performance.now() - started) / 1000);
      return responseOf(outcome.stored);
    },

    /**
     * A provider webhook: verified before anything is read from it, applied once per delivery id.
     * The decision itself is fetched from the provider, never taken from the webhook body.
     */
    async handleWebhook(name: ProviderName, request: ProviderWebhookRequest): Promise<WebhookOutcome> {
      const provider = registry.get(name);
      if (!provider) throw notFound("provider_not_found", "No such provider");
      const event = provider.verifyWebhook(request); // throws ProviderWebhookInvalid
      const seen = await db
        .selectFrom("provider_webhook_events")
        .select("event_id")
        .where("provider", "=", name)
        .where("event_id", "=", event.eventId)
        .executeTakeFirst();
      if (seen) return "duplicate";
      const row = await findByApplicant(db, name, event.applicantId);
      if (row && (event.kind === "submitted" || event.kind === "decided")) {
        const decision = await fetchDecision(row); // ProviderError: the provider retries later
        await applyDecision(row, decision, event.kind === "submitted");
      }
      // Remembered only once applied: a delivery that failed midway is retried, and replays are not.
      await db
        .insertInto("provider_webhook_events")
        .values({ provider: name, event_id: event.eventId, received_at: deps.now() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return row ? "applied" : "unknown_applicant";
    },

    expireSession,
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

/** Parses the storage network of an attestation body: its id (1, 2) or its name. */
export function storageNetworkOf(value: number | string): StorageNetworkId | undefined {
  if (value === 1 || value === 2) return value;
  if (typeof value === "string" && value in STORAGE_NETWORKS)
    return STORAGE_NETWORKS[value as keyof typeof STORAGE_NETWORKS];
  return undefined;
}
