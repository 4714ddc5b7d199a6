// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPaymaster} from "@account-abstraction/contracts-v07/interfaces/IPaymaster.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {Op, PaymasterBase, Sponsorship} from "./PaymasterBase.sol";

/// @notice The optional per-user and per-period caps of a project's policy.
contract SetSponsorshipPolicyTest is PaymasterBase {
    uint32 internal constant DAY = 1 days;
    uint256 internal maxCost;
    /// @dev The test's clock: via-IR may reuse a TIMESTAMP read from before `vm.warp`.
    uint256 internal clock;

    function setUp() public override {
        super.setUp();
        maxCost = _maxCost(_op(account));
        clock = block.timestamp;
    }

    function _warpBy(uint256 seconds_) internal {
        clock += seconds_;
        vm.warp(clock);
    }

    function _setPolicy(uint96 perUserCap, uint96 periodCap, uint32 periodSeconds) internal {
        vm.prank(sponsorManager);
        paymaster.setSponsorshipPolicy(
            projectA,
            IOneKeyPaymaster.SponsorshipPolicy({
                perUserCap: perUserCap,
                periodCap: periodCap,
                periodSeconds: periodSeconds,
                maxOpCost: 0
            })
        );
    }

    function _setMaxOpCost(uint96 maxOpCost) internal {
        vm.prank(sponsorManager);
        paymaster.setSponsorshipPolicy(
            projectA,
            IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 0, periodCap: 0, periodSeconds: 0, maxOpCost: maxOpCost})
        );
    }

    /// @dev Validates an operation of `sender` whose signed window starts at `validAfter`.
    function _validateAt(address sender, uint48 validAfter) internal returns (bytes memory context) {
        Op memory o = _op(sender);
        Sponsorship memory s = Sponsorship({projectId: projectA, validUntil: 0, validAfter: validAfter});
        (context,) = _validate(_sponsored(o, s, sponsorKey), maxCost);
    }

    function _validateExpectingRevert(address sender, uint48 validAfter, bytes memory error) internal {
        Op memory o = _op(sender);
        Sponsorship memory s = Sponsorship({projectId: projectA, validUntil: 0, validAfter: validAfter});
        PackedUserOperation memory p = _sponsored(o, s, sponsorKey);
        vm.expectRevert(error);
        _validate(p, maxCost);
    }

    function _now() internal view returns (uint48) {
        return uint48(clock);
    }

    /*//////////////////////////////////////////////////////////////
                                 SETTING
    //////////////////////////////////////////////////////////////*/

    function test_setSponsorshipPolicy_storesPolicy_andFlagsTheBudget() public {
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.SponsorshipPolicySet(projectA, sponsorManager, 1 ether, 2 ether, DAY, 0);
        _setPolicy(1 ether, 2 ether, DAY);
        IOneKeyPaymaster.SponsorshipPolicy memory policy = paymaster.sponsorshipPolicy(projectA);
        assertEq(policy.perUserCap, 1 ether);
        assertEq(policy.periodCap, 2 ether);
        assertEq(policy.periodSeconds, DAY);
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectA);
        assertTrue(budget.capped);
        assertTrue(budget.active);
        assertEq(budget.balance, BUDGET);

        _setPolicy(0, 0, 0);
        assertFalse(paymaster.projectBudget(projectA).capped, "no caps, no flag");
    }

    function test_setSponsorshipPolicy_reverts_forANonManager() public {
        vm.prank(projectAdmin);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.NotSponsorManager.selector, projectA, projectAdmin));
        paymaster.setSponsorshipPolicy(
            projectA, IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 1, periodCap: 0, periodSeconds: 0, maxOpCost: 0})
        );
    }

    /*//////////////////////////////////////////////////////////////
                           PER OPERATION
    //////////////////////////////////////////////////////////////*/

    function test_maxOpCost_isStoredInTheBudgetSlot_andReported() public {
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.SponsorshipPolicySet(projectA, sponsorManager, 0, 0, 0, 0.002 ether);
        _setMaxOpCost(0.002 ether);
        assertEq(paymaster.projectBudget(projectA).maxOpCost, 0.002 ether);
        assertEq(paymaster.sponsorshipPolicy(projectA).maxOpCost, 0.002 ether);
        assertFalse(paymaster.projectBudget(projectA).capped, "a per-op limit is not a period cap");
        assertEq(paymaster.projectBudget(projectA).balance, BUDGET, "the balance bits are untouched");
    }

    function test_maxOpCost_refusesAnOperationAboveTheProjectsLimit() public {
        _setMaxOpCost(uint96(maxCost - 1));
        _validateExpectingRevert(
            account,
            _now(),
            abi.encodeWithSelector(IOneKeyPaymaster.OperationCostTooHigh.selector, projectA, maxCost, maxCost - 1)
        );
        assertEq(paymaster.projectBudget(projectA).balance, BUDGET, "nothing reserved");
        _setMaxOpCost(uint96(maxCost));
        _validateAt(account, _now());
        assertEq(paymaster.projectBudget(projectA).balance, BUDGET - maxCost);
    }

    /// @dev A project that set no limit gets the paymaster's default, not an unlimited one.
    function test_maxOpCost_unset_appliesTheDefault() public {
        Op memory o = _op(account);
        o.preVerificationGas = 2_000_000; // what the attacker asked the old service to sign
        o.maxFeePerGas = 100 gwei;
        uint256 cost = _maxCost(o);
        assertGt(cost, DEFAULT_MAX_OP_COST);
        PackedUserOperation memory p = _sponsored(o);
        vm.expectRevert(
            abi.encodeWithSelector(IOneKeyPaymaster.OperationCostTooHigh.selector, projectA, cost, DEFAULT_MAX_OP_COST)
        );
        _validate(p, cost);
    }

    /*//////////////////////////////////////////////////////////////
                                PER USER
    //////////////////////////////////////////////////////////////*/

    function test_perUserCap_refusesTheSenderPastIt_notOthers() public {
        _setPolicy(uint96(maxCost * 3 / 2), 0, DAY);
        _validateAt(account, _now());
        _validateExpectingRevert(
            account,
            _now(),
            abi.encodeWithSelector(
                IOneKeyPaymaster.UserCapExceeded.selector, projectA, account, maxCost, maxCost, maxCost * 3 / 2
            )
        );
        address other = address(factory.createAccount(stranger, 1));
        _validateAt(other, _now());
        assertEq(paymaster.userSpend(projectA, other).spent, maxCost);
    }

    function test_perUserCap_countsTheActualCost_afterPostOp() public {
        _setPolicy(uint96(maxCost * 3 / 2), 0, DAY);
        bytes memory context = _validateAt(account, _now());
        assertEq(paymaster.userSpend(projectA, account).spent, maxCost, "reservation counted");
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, 1e12, 1 gwei);
        uint256 charged = BUDGET - _balance(projectA);
        assertGt(charged, 1e12, "the cost and postOp's gas");
        assertEq(paymaster.userSpend(projectA, account).spent, charged, "refund released");
        _validateAt(account, _now()); // fits again
    }

    function test_perUserCap_resetsInTheNextPeriod() public {
        _setPolicy(uint96(maxCost), 0, DAY);
        _validateAt(account, _now());
        _validateExpectingRevert(
            account,
            _now(),
            abi.encodeWithSelector(
                IOneKeyPaymaster.UserCapExceeded.selector, projectA, account, maxCost, maxCost, maxCost
            )
        );
        _warpBy(DAY);
        _validateAt(account, _now());
        IOneKeyPaymaster.PeriodSpend memory spend = paymaster.userSpend(projectA, account);
        assertEq(spend.period, clock / DAY);
        assertEq(spend.spent, maxCost);
    }

    /// @dev A window signed with an old validAfter counts towards the latest period seen.
    function test_perUserCap_backdatedWindow_countsTowardsTheLatestPeriod() public {
        _setPolicy(uint96(maxCost), 0, DAY);
        _validateAt(account, _now());
        _validateExpectingRevert(
            account,
            _now() - 3 * DAY,
            abi.encodeWithSelector(
                IOneKeyPaymaster.UserCapExceeded.selector, projectA, account, maxCost, maxCost, maxCost
            )
        );
    }

    function test_perUserCap_withoutPeriod_isALifetimeCap() public {
        _setPolicy(uint96(maxCost), 0, 0);
        _validateAt(account, _now());
        _warpBy(365 days);
        _validateExpectingRevert(
            account,
            _now(),
            abi.encodeWithSelector(
                IOneKeyPaymaster.UserCapExceeded.selector, projectA, account, maxCost, maxCost, maxCost
            )
        );
    }

    /*//////////////////////////////////////////////////////////////
                               PER PERIOD
    //////////////////////////////////////////////////////////////*/

    function test_periodCap_refusesTheProjectPastIt_acrossSenders() public {
        _setPolicy(0, uint96(maxCost * 2), DAY);
        address second = address(factory.createAccount(stranger, 1));
        address third = address(factory.createAccount(stranger, 2));
        _validateAt(account, _now());
        _validateAt(second, _now());
        uint64 period = uint64(clock / DAY);
        _validateExpectingRevert(
            third,
            _now(),
            abi.encodeWithSelector(
                IOneKeyPaymaster.PeriodCapExceeded.selector, projectA, period, maxCost * 2, maxCost, maxCost * 2
            )
        );
        _warpBy(DAY);
        _validateAt(third, _now());
        IOneKeyPaymaster.PeriodSpend memory spend = paymaster.projectSpend(projectA);
        assertEq(spend.period, period + 1);
        assertEq(spend.spent, maxCost);
    }

    function test_periodCap_postOpOfAnOlderPeriod_leavesTheNewPeriodAlone() public {
        _setPolicy(0, uint96(maxCost * 10), DAY);
        bytes memory oldContext = _validateAt(account, _now());
        // A later operation in the same bundle opens the next period.
        address second = address(factory.createAccount(stranger, 1));
        _warpBy(DAY);
        _validateAt(second, _now());
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, oldContext, 0, 0);
        assertEq(paymaster.projectSpend(projectA).spent, maxCost, "new period keeps its reservation");
    }

    /// @dev Shorter periods number higher: without a restart, the old latest period would
    /// swallow every later one and turn the caps into lifetime caps.
    function test_setSponsorshipPolicy_newPeriodLength_restartsTheCounters() public {
        _setPolicy(uint96(maxCost), uint96(maxCost * 10), 1 hours);
        _validateAt(account, _now());
        _setPolicy(uint96(maxCost), uint96(maxCost * 10), DAY);
        IOneKeyPaymaster.PeriodSpend memory spend = paymaster.projectSpend(projectA);
        assertEq(spend.period, 0);
        assertEq(spend.spent, 0);
        _validateAt(account, _now()); // the sender's hourly counter no longer applies
        assertEq(paymaster.userSpend(projectA, account).period, clock / DAY);
        assertEq(paymaster.userSpend(projectA, account).spent, maxCost);
    }

    function test_setSponsorshipPolicy_sameLength_keepsTheCounters() public {
        _setPolicy(uint96(maxCost), uint96(maxCost * 10), DAY);
        _validateAt(account, _now());
        _setPolicy(uint96(maxCost * 2), uint96(maxCost * 10), DAY);
        assertEq(paymaster.projectSpend(projectA).spent, maxCost);
        _validateAt(account, _now());
        _validateExpectingRevert(
            account,
            _now(),
            abi.encodeWithSelector(
                IOneKeyPaymaster.UserCapExceeded.selector, projectA, account, maxCost * 2, maxCost, maxCost * 2
            )
        );
    }

    function test_caps_keepTheFlagsOfTheBudgetWord() public {
        _setPolicy(1 ether, 1 ether, DAY);
        bytes memory context = _validateAt(account, _now());
        assertEq(context.length, 104, "capped context carries the period");
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, 0, 0);
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectA);
        assertTrue(budget.active);
        assertTrue(budget.capped);
        assertEq(budget.balance, BUDGET);
    }
}
