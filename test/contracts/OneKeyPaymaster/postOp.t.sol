// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {IPaymaster} from "@account-abstraction/contracts-v07/interfaces/IPaymaster.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {SimpleAccount} from "@account-abstraction/contracts-v07/samples/SimpleAccount.sol";
import {Vm} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {Op, PaymasterBase, Sponsorship} from "./PaymasterBase.sol";

contract PostOpTest is PaymasterBase {
    /// @dev Validates `o` directly and returns the context and the reservation.
    function _reserve(Op memory o) internal returns (bytes memory context, uint256 maxCost) {
        maxCost = _maxCost(o);
        (context,) = _validate(_sponsored(o), maxCost);
    }

    /// @dev Runs postOp as the EntryPoint and returns the charge it reported.
    function _postOp(bytes memory context, uint256 actualGasCost, uint256 feePerGas) internal returns (uint256 charged) {
        vm.recordLogs();
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, actualGasCost, feePerGas);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1);
        (, charged) = abi.decode(logs[0].data, (bytes32, uint256));
    }

    /// @dev The charge covers the cost the EntryPoint reported plus postOp's own window, and never
    /// exceeds what validation reserved.
    function testFuzz_postOp_chargesTheCostPlusPostOp_neverAboveTheReservation(uint256 actualGasCost, uint256 feePerGas)
        public
    {
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        feePerGas = bound(feePerGas, 0, o.maxFeePerGas);
        actualGasCost = bound(actualGasCost, 0, maxCost);
        uint256 charged = _postOp(context, actualGasCost, feePerGas);
        uint256 floor_ = actualGasCost + paymaster.postOpOverheadGas() * feePerGas;
        assertGe(charged, floor_ < maxCost ? floor_ : maxCost, "cost + overhead, unless capped");
        assertLe(charged, maxCost, "never above the reservation");
        assertEq(_balance(projectA), BUDGET - charged, "the rest of the reservation is back");
    }

    /// @dev v0.7's penalty: 10% of the execution limit the operation leaves unused. Two
    /// operations that differ only in callGasLimit, told of the same cost, are charged exactly
    /// 10% of the difference apart (postOp's own gas is identical: its tail is branch-free).
    function test_postOp_v07_chargesTenPercentOfTheUnusedExecutionLimit() public {
        Op memory tight = _op(account);
        Op memory loose = _op(account);
        loose.callGasLimit = tight.callGasLimit + 1_000_000;
        (bytes memory tightContext,) = _reserve(tight);
        (bytes memory looseContext,) = _reserve(loose);
        uint256 tightCharge = _postOp(tightContext, 1e14, 1 gwei);
        uint256 looseCharge = _postOp(looseContext, 1e14, 1 gwei);
        assertEq(looseCharge - tightCharge, 100_000 * 1 gwei);
    }

    function test_postOp_capsTheChargeAtTheReservation() public {
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        _postOp(context, maxCost, o.maxFeePerGas);
        assertEq(_balance(projectA), BUDGET - maxCost);
    }

    function test_postOp_chargesARevertedOperationToo() public {
        Op memory o = _op(account);
        (bytes memory context,) = _reserve(o);
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opReverted, context, 1e12, 1 gwei);
        assertGt(BUDGET - _balance(projectA), 1e12 + paymaster.postOpOverheadGas() * 1 gwei);
    }

    function test_postOp_reverts_whenCallerIsNotTheEntryPoint() public {
        Op memory o = _op(account);
        (bytes memory context,) = _reserve(o);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.CallerNotEntryPoint.selector, stranger));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, 0, 0);
    }

    /// @dev POST_OP_GAS_MIN covers postOp's most expensive path (both caps enabled).
    function test_postOp_fitsInPostOpGasMin_withCapsEnabled() public {
        vm.prank(sponsorManager);
        paymaster.setSponsorshipPolicy(
            projectA,
            IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 1 ether, periodCap: 1 ether, periodSeconds: 1 days, maxOpCost: 0})
        );
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        uint256 gasLimit = paymaster.POST_OP_GAS_MIN();
        uint256 gasBefore = gasleft();
        vm.prank(address(entryPoint));
        paymaster.postOp{gas: gasLimit}(IPaymaster.PostOpMode.opSucceeded, context, maxCost / 3, 1 gwei);
        assertLt(gasBefore - gasleft(), gasLimit, "postOp fitted");
        assertGt(BUDGET - _balance(projectA), maxCost / 3, "and charged");
    }

    /*//////////////////////////////////////////////////////////////
                      THROUGH THE ENTRYPOINT (v0.7)
    //////////////////////////////////////////////////////////////*/

    /// @dev The project pays what OperationSponsored reports, the deposit what the EntryPoint
    /// reports, and the first is never below the second (accounting.t.sol checks it to the gas).
    function test_handleOps_projectPaysTheReportedCost_depositPaysTheEntryPoint() public {
        vm.fee(1 gwei);
        uint256 depositBefore = entryPoint.balanceOf(address(paymaster));
        Op memory o = _op(account);
        PackedUserOperation memory p = _signedByAccount(_sponsored(o));

        vm.recordLogs();
        _handle(p);
        (uint256 charged, uint256 entryPointCost,) = _costs();

        assertEq(_balance(projectA), BUDGET - charged, "project: exactly the reported actual cost");
        assertEq(entryPoint.balanceOf(address(paymaster)), depositBefore - entryPointCost, "deposit: EntryPoint cost");
        assertGe(charged + _coverageSlack(), entryPointCost, "the deposit never pays for the project");
    }

    function _coverageSlack() internal view returns (uint256) {
        return vm.envOr("ONEKEY_COVERAGE", false) ? 3_000 gwei : 0;
    }

    function test_handleOps_chargesTheProject_whenTheCallReverts() public {
        Op memory o = _op(account);
        // execute() of a call that reverts: the operation fails, the paymaster still pays.
        o.callData = abi.encodeCall(
            SimpleAccount.execute, (address(paymaster), 0, abi.encodeCall(IOneKeyPaymaster.withdrawBudget, (projectA, payable(account), 1)))
        );
        PackedUserOperation memory p = _signedByAccount(_sponsored(o));
        vm.recordLogs();
        _handle(p);
        (uint256 charged,,) = _costs();
        assertGt(charged, 0);
        assertEq(_balance(projectA), BUDGET - charged);
    }

    /// @dev (charged to project, deducted by the EntryPoint, user-op gas price) from the logs.
    function _costs() internal returns (uint256 charged, uint256 entryPointCost, uint256 gasPrice) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IOneKeyPaymaster.OperationSponsored.selector) {
                (, charged) = abi.decode(logs[i].data, (bytes32, uint256));
            } else if (logs[i].topics[0] == IEntryPoint.UserOperationEvent.selector) {
                uint256 gasUsed;
                (,, entryPointCost, gasUsed) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
                gasPrice = entryPointCost / gasUsed;
            }
        }
    }
}
