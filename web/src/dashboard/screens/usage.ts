/** Sums of a usage report (wei summed as bigint: a day's cost can exceed 2^53 wei). */
import type { UsageDay } from "../api.js";

export function usageTotals(days: UsageDay[]) {
  return days.reduce(
    (t, d) => ({
      verifications: t.verifications + d.verifications,
      consents: t.consents + d.consents,
      webhookDeliveries: t.webhookDeliveries + d.webhookDeliveries,
      sponsoredOperations: t.sponsoredOperations + d.sponsoredOperations,
      gasSponsoredWei: t.gasSponsoredWei + BigInt(d.gasSponsoredWei),
    }),
    { verifications: 0, consents: 0, webhookDeliveries: 0, sponsoredOperations: 0, gasSponsoredWei: 0n },
  );
}
