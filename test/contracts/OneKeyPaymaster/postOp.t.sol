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

    function testFuzz_postOp_chargesExactlyActualCostPlusOverhead(uint256 actualGasCost, uint256 feePerGas) public {
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        feePerGas = bound(feePerGas, 0, o.maxFeePerGas);
        // What the EntryPoint can pass: never more than the reservation minus the postOp share.
        actualGasCost = bound(actualGasCost, 0, maxCost - POST_OP_OVERHEAD * feePerGas);
        uint256 expected = actualGasCost + POST_OP_OVERHEAD * feePerGas;

        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.OperationSponsored(projectA, account, keccak256(abi.encode(o.sender, o.nonce)), expected);
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, actualGasCost, feePerGas);

        assertEq(_balance(projectA), BUDGET - expected, "charged exactly the actual cost");
    }

    function test_postOp_capsTheChargeAtTheReservation() public {
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opSucceeded, context, maxCost, o.maxFeePerGas);
        assertEq(_balance(projectA), BUDGET - maxCost);
    }

    function test_postOp_chargesARevertedOperationToo() public {
        Op memory o = _op(account);
        (bytes memory context,) = _reserve(o);
        vm.prank(address(entryPoint));
        paymaster.postOp(IPaymaster.PostOpMode.opReverted, context, 1e12, 1 gwei);
        assertEq(_balance(projectA), BUDGET - 1e12 - POST_OP_OVERHEAD * 1 gwei);
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
            projectA, IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 1 ether, periodCap: 1 ether, periodSeconds: 1 days})
        );
        Op memory o = _op(account);
        (bytes memory context, uint256 maxCost) = _reserve(o);
        uint256 gasLimit = paymaster.POST_OP_GAS_MIN();
        vm.prank(address(entryPoint));
        paymaster.postOp{gas: gasLimit}(IPaymaster.PostOpMode.opSucceeded, context, maxCost / 3, 1 gwei);
        assertEq(_balance(projectA), BUDGET - maxCost / 3 - POST_OP_OVERHEAD * 1 gwei);
    }

    /*//////////////////////////////////////////////////////////////
                      THROUGH THE ENTRYPOINT (v0.7)
    //////////////////////////////////////////////////////////////*/

    /// @dev The project pays what OperationSponsored reports; the deposit pays what the EntryPoint
    /// reports. They differ only by v0.7's unused-gas penalty and the overhead estimate's error.
    function test_handleOps_projectPaysTheReportedCost_depositPaysTheEntryPoint() public {
        vm.fee(1 gwei);
        uint256 depositBefore = entryPoint.balanceOf(address(paymaster));
        Op memory o = _op(account);
        PackedUserOperation memory p = _signedByAccount(_sponsored(o));

        vm.recordLogs();
        _handle(p);
        (uint256 charged, uint256 entryPointCost, uint256 gasPrice) = _costs();

        assertEq(_balance(projectA), BUDGET - charged, "project: exactly the reported actual cost");
        assertEq(entryPoint.balanceOf(address(paymaster)), depositBefore - entryPointCost, "deposit: EntryPoint cost");
        // v0.7 adds 10% of the unused callGasLimit + paymasterPostOpGasLimit after postOp.
        uint256 penaltyBound = (uint256(o.callGasLimit) + o.paymasterPostOpGasLimit) / 10;
        assertLe(charged, entryPointCost + 1_000 * gasPrice, "charge not above the EntryPoint cost");
        assertLe(entryPointCost - charged, (penaltyBound + 1_000) * gasPrice, "gap within the penalty");
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
