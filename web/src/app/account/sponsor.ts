/**
 * Who pays for an account-page operation. The sponsorship service signs a project's operation
 * only for its own users: consent changes are paid by that project; erasure and the decrypt
 * delegate by a project the person consents to or verified through. The app tries the likely
 * payers in order and moves on only when a project says "not one of mine".
 */
import { classifyError } from "../../clients/errors.js";
import type { AppWallet } from "../../clients/wallet/app-wallet.js";
import type { CallsOutcome, SponsoredCall } from "../../clients/wallet/sponsored-sender.js";

export function payingProjects(
  consents: { projectId: bigint; granted: boolean }[] | undefined,
  options: { everGranted?: boolean } = {},
): bigint[] {
  const list = consents ?? [];
  const granted = list.filter((c) => c.granted).map((c) => c.projectId);
  const others = options.everGranted ? list.filter((c) => !c.granted).map((c) => c.projectId) : [];
  return [...granted, ...others];
}

export async function sendPaidByOneOf(
  wallet: AppWallet,
  calls: SponsoredCall[],
  payers: bigint[],
): Promise<CallsOutcome> {
  if (payers.length === 0) {
    throw Object.assign(new Error("no project can pay for this"), { data: { reason: "subject_not_of_project" } });
  }
  let lastError: unknown;
  for (const projectId of payers) {
    try {
      const id = await wallet.sendSponsored(calls, projectId.toString());
      return await wallet.waitForCalls(id);
    } catch (error) {
      // Only "not one of this project's users" sends us to the next project.
      if (classifyError(error).code !== "not_verified_for_project") throw error;
      lastError = error;
    }
  }
  throw lastError;
}
