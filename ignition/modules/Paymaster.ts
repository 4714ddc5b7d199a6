import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Address } from "viem";
import { ENTRY_POINT_V07, ENTRY_POINT_V08 } from "../../scripts/lib/entry-points.js";
import OneKeyModule from "./OneKey.js";

/**
 * Gas the EntryPoint charges for a OneKeyPaymaster postOp beyond the `actualGasCost` it passes
 * in: the postOp call and the EntryPoint's bookkeeping around it, about 4.6k gas (measured by the
 * paymaster tests on v0.8, where nothing else is missing; rounded up). v0.7 also charges 10% of
 * the unused paymasterPostOpGasLimit afterwards: about 1k more when the service signs
 * POST_OP_GAS_MIN (15k). v0.7's 10% of unused callGasLimit stays uncharged (the service signs
 * tight limits); any error lands on the owner's reserve, never on another project.
 */
export const POST_OP_OVERHEAD_GAS_V08 = 4_800n;
export const POST_OP_OVERHEAD_GAS_V07 = 5_800n;

/**
 * OneKeyPaymaster on one EntryPoint, staked. Parameters:
 *  - entryPoint: the EntryPoint (canonical address by default; locally deploy
 *    ignition/modules/local/EntryPoint.ts first, which puts it there);
 *  - sponsorSigner: the issuer service's sponsorship key (default: account #1 locally);
 *  - postOpOverheadGas: see POST_OP_OVERHEAD_GAS_*;
 *  - stakeWei / unstakeDelaySec: the EntryPoint stake bundlers require of a paymaster that
 *    keeps state (ERC-7562).
 * The deploying account owns the paymaster (it must, to stake); hand it to governance afterwards
 * with `transferOwnership` + `acceptOwnership`.
 */
function paymasterModule(id: string, defaultEntryPoint: Address, defaultOverhead: bigint) {
  return buildModule(id, (m) => {
    const { projectRegistry } = m.useModule(OneKeyModule);
    const entryPoint = m.getParameter("entryPoint", defaultEntryPoint);
    const sponsorSigner = m.getParameter("sponsorSigner", m.getAccount(1));
    const postOpOverheadGas = m.getParameter("postOpOverheadGas", defaultOverhead);
    const stakeWei = m.getParameter("stakeWei", 10n ** 18n);
    const unstakeDelaySec = m.getParameter("unstakeDelaySec", 86_400n);

    const paymaster = m.contract("OneKeyPaymaster", [
      entryPoint,
      projectRegistry,
      m.getAccount(0),
      sponsorSigner,
      postOpOverheadGas,
    ]);
    m.call(paymaster, "addStake", [unstakeDelaySec], { value: stakeWei });
    return { paymaster, projectRegistry };
  });
}

/** OneKeyPaymaster for EntryPoint v0.7 (what Privy's smart wallets use). */
export default paymasterModule("OneKeyPaymaster", ENTRY_POINT_V07, POST_OP_OVERHEAD_GAS_V07);

/** The same contract for EntryPoint v0.8 (ignition/modules/PaymasterV08.ts deploys it). */
export const PaymasterV08Module = paymasterModule("OneKeyPaymasterV08", ENTRY_POINT_V08, POST_OP_OVERHEAD_GAS_V08);
