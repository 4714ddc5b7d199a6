/**
 * What the issuer keeps outside its process: the attestation ledger (PostgreSQL) and the rate
 * limits (Redis). Opened once at start; every replica opens the same ones.
 */
import { Redis } from "ioredis";
import type { IssuerConfig } from "./config.js";
import { type AttestationLedger, createAttestationLedger } from "./ledger/attestation-ledger.js";
import { openIssuerDb } from "./ledger/db.js";
import { migrate } from "./ledger/migrator.js";
import { createSponsorshipLimits, type SponsorshipLimits } from "./sponsorship/rate-limits.js";

export interface IssuerResources {
  ledger: AttestationLedger;
  limits: SponsorshipLimits;
  close(): Promise<void>;
}

export async function openIssuerResources(config: IssuerConfig): Promise<IssuerResources> {
  const store = openIssuerDb(config.ISSUER_DATABASE_URL, config.ISSUER_DATABASE_SCHEMA);
  // rate-limiter-flexible asks ioredis to fail fast rather than queue commands while disconnected.
  const redis = new Redis(config.ISSUER_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // Connection errors surface on the commands that need Redis; the client reconnects by itself.
  redis.on("error", () => {});
  try {
    if (config.ISSUER_MIGRATE_ON_START) await migrate(store.db, "latest");
    await new Promise<void>((resolve, reject) => {
      if (redis.status === "ready") return resolve();
      redis.once("ready", () => resolve());
      redis.once("end", () => reject(new Error("Redis connection closed before it was ready")));
    });
  } catch (error) {
    redis.disconnect();
    await store.close();
    throw error;
  }
  return {
    ledger: createAttestationLedger(store.db),
    limits: createSponsorshipLimits(redis, {
      keyPrefix: config.ISSUER_REDIS_KEY_PREFIX,
      projectPerMinute: config.SPONSOR_PROJECT_RATE_PER_MINUTE,
      subjectPerMinute: config.SPONSOR_SUBJECT_RATE_PER_MINUTE,
    }),
    close: async () => {
      redis.disconnect();
      await store.close();
    },
  };
}
