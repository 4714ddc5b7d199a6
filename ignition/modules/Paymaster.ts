import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ENTRY_POINT_V07, ENTRY_POINT_V08 } from "@onekey/deploy";
import type { Address } from "viem";
import OneKeyModule from "./OneKey.js";

/**
 * Most wei one sponsored operation may reserve for a project that set no `maxOpCost` of its own:
 * 0.01 ETH, about 30x a OneKey operation's maximum cost at 10 gwei, and thousands of times its
 * cost on Base. A project's sponsor managers set their own limit with setSponsorshipPolicy.
 */
export const DEFAULT_MAX_OP_COST = 10n ** 16n;

/**
 * OneKeyPaymaster on one EntryPoint, staked. Parameters:
 *  - entryPoint: the EntryPoint (canonical address by default; locally deploy
 *    ignition/modules/local/EntryPoint.ts first, which puts it there);
 *  - sponsorSigner: the issuer service's sponsorship key (default: account #1 locally);
 *  - defaultMaxOpCost: see DEFAULT_MAX_OP_COST (per network: ignition/parameters/<network>.json);
 *  - stakeWei / unstakeDelaySec: the EntryPoint stake bundlers require of a paymaster that
 *    keeps state (ERC-7562).
 * The deploying account owns the paymaster (it must, to stake); hand it to governance afterwards
 * with `transferOwnership` + `acceptOwnership`.
 */
function paymasterModule(id: string, defaultEntryPoint: Address) {
  return buildModule(id, (m) => {
    const { projectRegistry } = m.useModule(OneKeyModule);
    const entryPoint = m.getParameter("entryPoint", defaultEntryPoint);
    const sponsorSigner = m.getParameter("sponsorSigner", m.getAccount(1));
    const defaultMaxOpCost = m.getParameter("defaultMaxOpCost", DEFAULT_MAX_OP_COST);
    const stakeWei = m.getParameter("stakeWei", 10n ** 18n);
    const unstakeDelaySec = m.getParameter("unstakeDelaySec", 86_400n);

    const paymaster = m.contract("OneKeyPaymaster", [
      entryPoint,
      projectRegistry,
      m.getAccount(0),
      sponsorSigner,
      defaultMaxOpCost,
    ]);
    m.call(paymaster, "addStake", [unstakeDelaySec], { value: stakeWei });
    return { paymaster, projectRegistry };
  });
}

/** OneKeyPaymaster for EntryPoint v0.7 (what Privy's smart wallets use). */
export default paymasterModule("OneKeyPaymaster", ENTRY_POINT_V07);

/** The same contract for EntryPoint v0.8 (ignition/modules/PaymasterV08.ts deploys it). */
export const PaymasterV08Module = paymasterModule("OneKeyPaymasterV08", ENTRY_POINT_V08);
