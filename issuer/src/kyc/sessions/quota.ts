/**
 * The monthly verification quota (an organization's plan, @onekey/service-kit/plans): sessions
 * started per calendar month (UTC) by all of an organization's projects together. The count and
 * the new session's insert run in one transaction under a per-organization advisory lock, so
 * concurrent starts on any number of replicas are counted one after another and never overshoot.
 */
import { monthOf } from "@onekey/service-kit/months";
import { organizationPlan, type Plans } from "@onekey/service-kit/plans";
import { NOT_COUNTED_FAILURE, verificationsCounted } from "@onekey/service-kit/verification-quota";
import { sql, type Transaction } from "kysely";
import { ApiError } from "../../http/errors.js";
import type { IssuerDatabase } from "../../ledger/types.js";
import type { STEP_REASONS } from "./model.js";

/** The calendar month (UTC) `now` falls in (service-kit's, shared with the indexer and billing). */
export { monthOf };

// The shared count leaves out sessions that failed for this reason: the compiler holds it to the issuer's.
NOT_COUNTED_FAILURE satisfies typeof STEP_REASONS.noProviderAvailable;

/**
 * Within `trx`: waits for the organization's lock (held until the transaction ends), then refuses
 * when the organization has started its plan's sessions this month. A session that failed because
 * no provider answered is not counted: nobody was verified and it was not the tenant's doing.
 */
export async function checkMonthlyQuota(
  trx: Transaction<IssuerDatabase>,
  plans: Plans,
  orgId: bigint,
  now: Date,
): Promise<void> {
  const plan = organizationPlan(plans, orgId);
  const limit = plan.monthlyVerifications;
  if (limit === null) return;
  // One lock key per organization (a 64-bit hash of its id), taken in every replica's transaction.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`onekey:verification-quota:${orgId}`}, 0))`.execute(trx);
  const { start, end } = monthOf(now);
  const started = (await verificationsCounted(trx, [orgId.toString()], { start, end })).get(orgId.toString()) ?? 0;
  if (started < limit) return;
  const retryAfter = Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
  // 429 with Retry-After, as the dApp and SDKs already treat a limit: "not now, at this time". It
  // is not 402 (nobody can pay here) nor 403 (the person's credentials are fine); `code` tells it
  // apart from the per-minute `rate_limited`.
  throw new ApiError(
    429,
    "verification_quota_exceeded",
    `This organization's plan (${plan.name}) allows ${limit} verifications a month and they are used up; ` +
      `new verifications open again on ${end.toISOString().slice(0, 10)} (UTC). To change the plan, ask OneKey's operator.`,
    undefined,
    { "Retry-After": String(retryAfter) },
  );
}
