/**
 * Follows KycRegistry for what happens to our sessions on chain: AttestationCreated (by our
 * issuer, for the record a session reported) moves it to attested, ConsentGranted to its project
 * moves it to consented, and RecordErased removes the pseudonymous reference to the provider's
 * applicant and queues the applicant's deletion at the provider (the cleanup job sends it).
 *
 * Polling with a cursor in PostgreSQL (getLogs over block ranges) rather than a subscription:
 * it survives restarts and RPC hiccups without missing a block, and replicas share it: a
 * replica processes a range only while it holds the cursor row (FOR UPDATE SKIP LOCKED), and
 * advances it in the same transaction as the effects, so no range is applied twice.
 */
import { kycRegistryAbi } from "@onekey/deploy";
import { type Kysely, sql } from "kysely";
import type { Address, PublicClient } from "viem";
import type { IssuerDatabase } from "../ledger/types.js";
import type { Logger } from "../logger.js";
import type { IssuerMetrics } from "../metrics.js";
import { queueApplicantDeletion, stepJson } from "./sessions/store.js";

const CURSOR = "kyc_registry";
const MAX_RANGE = 2_000n;
const WATCHED = new Set(["AttestationCreated", "ConsentGranted", "RecordErased"]);
const events = kycRegistryAbi.filter((item) => item.type === "event" && WATCHED.has(item.name));

export interface ChainWatcher {
  /** Processes the next range of blocks (if this replica holds the cursor); returns the logs applied. */
  tick(): Promise<number>;
}

export function createChainWatcher(deps: {
  db: Kysely<IssuerDatabase>;
  client: PublicClient;
  registry: Address;
  issuer: Address;
  startBlock: number;
  confirmations: number;
  metrics: IssuerMetrics;
  logger: Logger;
  now: () => Date;
}): ChainWatcher {
  const { db, client, metrics, logger } = deps;
  const issuer = deps.issuer.toLowerCase();

  return {
    async tick() {
      const head = (await client.getBlockNumber({ cacheTime: 0 })) - BigInt(deps.confirmations);
      if (head < 0n) return 0;
      await db
        .insertInto("chain_cursor")
        .values({ name: CURSOR, next_block: String(deps.startBlock) })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return db.transaction().execute(async (trx) => {
        const cursor = await trx
          .selectFrom("chain_cursor")
          .select("next_block")
          .where("name", "=", CURSOR)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!cursor) return 0; // another replica is on it
        const from = BigInt(cursor.next_block);
        if (from > head) return 0;
        const to = from + MAX_RANGE - 1n < head ? from + MAX_RANGE - 1n : head;
        const logs = await client.getLogs({
          address: deps.registry,
          events,
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
        const now = deps.now();
        let applied = 0;
        for (const log of logs) {
          if (log.eventName === "AttestationCreated") {
            const args = log.args as {
              uid: string;
              subject: string;
              issuer: string;
              storageId: string;
              ciphertextHash: string;
            };
            if (args.issuer.toLowerCase() !== issuer) continue;
            const moved = await trx
              .updateTable("kyc_sessions")
              .set({
                status: "attested",
                attestation_uid: args.uid.toLowerCase(),
                steps: sql`steps || ${stepJson({ step: "attested" }, now)}::jsonb`,
                updated_at: now,
              })
              .where("subject", "=", args.subject.toLowerCase())
              .where("attestation_storage_id", "=", args.storageId.toLowerCase())
              .where("attestation_ciphertext_hash", "=", args.ciphertextHash.toLowerCase())
              .where("status", "in", ["record_stored", "attestation_signed"])
              .returning(["id", "provider"])
              .execute();
            for (const row of moved) metrics.sessionSteps.inc({ step: "attested", provider: row.provider ?? "none" });
            applied += moved.length;
          } else if (log.eventName === "ConsentGranted") {
            const args = log.args as { projectId: bigint; subject: string };
            const moved = await trx
              .updateTable("kyc_sessions")
              .set({
                status: "consented",
                steps: sql`steps || ${stepJson({ step: "consented" }, now)}::jsonb`,
                updated_at: now,
              })
              .where("subject", "=", args.subject.toLowerCase())
              .where("project_id", "=", args.projectId.toString())
              .where("status", "=", "attested")
              .returning(["id", "provider"])
              .execute();
            for (const row of moved) metrics.sessionSteps.inc({ step: "consented", provider: row.provider ?? "none" });
            applied += moved.length;
          } else if (log.eventName === "RecordErased") {
            const args = log.args as { uid: string; subject: string };
            const erased = await trx
              .selectFrom("kyc_sessions")
              .select(["id", "provider", "provider_applicant_id"])
              .where("subject", "=", args.subject.toLowerCase())
              .where("attestation_uid", "=", args.uid.toLowerCase())
              .where("erased_at", "is", null)
              .execute();
            for (const row of erased) {
              if (row.provider && row.provider_applicant_id) {
                await queueApplicantDeletion(trx, row.provider, row.provider_applicant_id, "record_erased", now);
              }
              await trx
                .updateTable("kyc_sessions")
                .set({ provider_applicant_id: null, launch: null, erased_at: now, updated_at: now })
                .where("id", "=", row.id)
                .execute();
              logger.info({ session: row.id }, "record erased; provider applicant queued for deletion");
            }
            applied += erased.length;
          }
        }
        await trx
          .updateTable("chain_cursor")
          .set({ next_block: (to + 1n).toString() })
          .where("name", "=", CURSOR)
          .execute();
        return applied;
      });
    },
  };
}
