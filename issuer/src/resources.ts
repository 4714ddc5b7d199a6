/**
 * What the issuer keeps outside its process: PostgreSQL (the attestation ledger and the session
 * workflow, in the issuer's own schema) and Redis (the rate limits). Opened once at start; every
 * replica opens the same ones.
 */
import { Redis } from "ioredis";
import type { Kysely } from "kysely";
import type { IssuerConfig } from "./config.js";
import { createKycLimits, type KycLimits } from "./kyc/rate-limits.js";
import { type AttestationLedger, createAttestationLedger } from "./ledger/attestation-ledger.js";
import { openIssuerDb } from "./ledger/db.js";
import { migrate } from "./ledger/migrator.js";
import type { IssuerDatabase } from "./ledger/types.js";
import { createSponsorshipLimits, type SponsorshipLimits } from "./sponsorship/rate-limits.js";

export interface IssuerResources {
  db: Kysely<IssuerDatabase>;
  ledger: AttestationLedger;
  limits: SponsorshipLimits;
  kycLimits: KycLimits;
  /** The rate limits' connection (GET /readyz pings it). */
  redis: Redis;
  close(): Promise<void>;
}

export async function openIssuerResources(config: IssuerConfig): Promise<IssuerResources> {
  const store = openIssuerDb(config.database.url, config.database.schema);
  // rate-limiter-flexible asks ioredis to fail fast rather than queue commands while disconnected.
  const redis = new Redis(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // Connection errors surface on the commands that need Redis; the client reconnects by itself.
  redis.on("error", () => {});
  try {
    if (config.database.migrateOnStart) await migrate(store.db, "latest");
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
    db: store.db,
    ledger: createAttestationLedger(store.db),
    limits: createSponsorshipLimits(redis, {
      keyPrefix: config.redis.keyPrefix,
      projectPerMinute: config.sponsor.projectRatePerMinute,
      subjectPerMinute: config.sponsor.subjectRatePerMinute,
    }),
    kycLimits: createKycLimits(redis, {
      keyPrefix: config.redis.keyPrefix,
      subjectPerMinute: config.kyc.sessionSubjectRatePerMinute,
      projectPerMinute: config.kyc.sessionProjectRatePerMinute,
      authPerMinute: config.kyc.authRatePerMinute,
    }),
    redis,
    close: async () => {
      redis.disconnect();
      await store.close();
    },
  };
}
