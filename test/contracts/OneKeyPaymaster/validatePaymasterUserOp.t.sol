// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {Vm} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {ProjectNotActive} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";
import {Op, PaymasterBase, Sponsorship} from "./PaymasterBase.sol";

contract ValidatePaymasterUserOpTest is PaymasterBase {
    uint256 internal constant PAYMASTER_DATA_LENGTH = 137;

    /*//////////////////////////////////////////////////////////////
                           THROUGH THE ENTRYPOINT
    //////////////////////////////////////////////////////////////*/

    function test_handleOps_sponsorsAnAccountWithoutEth() public {
        assertEq(account.balance, 0);
        uint256 depositBefore = entryPoint.balanceOf(address(paymaster));
        Op memory o = _op(account);
        PackedUserOperation memory p = _signedByAccount(_sponsored(o));
        bytes32 userOpHash = entryPoint.getUserOpHash(p);

        vm.recordLogs();
        _handle(p);

        assertEq(entryPoint.getNonce(account, 0), o.nonce + 1, "operation executed");
        (uint256 charged, bytes32 loggedHash) = _sponsoredEvent(projectA, account);
        assertEq(loggedHash, userOpHash);
        assertGt(charged, 0);
        assertEq(_balance(projectA), BUDGET - charged, "project charged what the event says");
        assertLt(entryPoint.balanceOf(address(paymaster)), depositBefore, "deposit paid the bundler");
        assertEq(account.balance, 0, "the account paid nothing");
    }

    function test_handleOps_rejectsReplayOfTheSameOperation() public {
        PackedUserOperation memory p = _signedByAccount(_sponsored(_op(account)));
        _handle(p);
        vm.expectRevert(_failedOp("AA25 invalid account nonce"));
        _handle(p);
    }

    function test_handleOps_rejectsSponsorshipReusedForTheNextNonce() public {
        Op memory o = _op(account);
        PackedUserOperation memory first = _signedByAccount(_sponsored(o));
        _handle(first);
        // Same paymasterAndData, fresh nonce, correctly signed by the account.
        PackedUserOperation memory second = _pack(_op(account), address(paymaster), "");
        second.paymasterAndData = first.paymasterAndData;
        second = _signedByAccount(second);
        vm.expectRevert(_failedOp("AA34 signature error"));
        _handle(second);
    }

    function test_handleOps_rejectsSignatureForAnotherChain() public {
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid + 1, address(paymaster)));
        PackedUserOperation memory p = _signedByAccount(_pack(o, address(paymaster), _paymasterData(s, signature)));
        vm.expectRevert(_failedOp("AA34 signature error"));
        _handle(p);
    }

    function test_handleOps_rejectsExpiredSponsorship() public {
        Sponsorship memory s = _sponsorship(projectA);
        s.validUntil = uint48(block.timestamp - 1);
        PackedUserOperation memory p = _signedByAccount(_sponsored(_op(account), s, sponsorKey));
        vm.expectRevert(_failedOp("AA32 paymaster expired or not due"));
        _handle(p);
    }

    function test_handleOps_rejectsSponsorshipNotYetValid() public {
        Sponsorship memory s = _sponsorship(projectA);
        s.validAfter = uint48(block.timestamp + 60);
        PackedUserOperation memory p = _signedByAccount(_sponsored(_op(account), s, sponsorKey));
        vm.expectRevert(_failedOp("AA32 paymaster expired or not due"));
        _handle(p);
    }

    function test_handleOps_refusesProjectThatCannotCoverMaxCost() public {
        _fund(projectB, BUDGET); // the deposit covers maxCost (else AA31), project A does not
        Op memory o = _op(account);
        uint256 maxCost = _maxCost(o);
        uint256 leave = maxCost - 1;
        vm.prank(sponsorManager);
        paymaster.withdrawBudget(projectA, payable(sponsorManager), BUDGET - leave);
        PackedUserOperation memory p = _signedByAccount(_sponsored(o));
        bytes memory inner = abi.encodeWithSelector(
            IOneKeyPaymaster.ProjectBudgetInsufficient.selector, projectA, leave, maxCost
        );
        vm.expectRevert(_failedOpWithRevert("AA33 reverted", inner));
        _handle(p);
    }

    /*//////////////////////////////////////////////////////////////
                              DIRECT CALLS
    //////////////////////////////////////////////////////////////*/

    function test_validate_returnsSuccessPackedWithTheWindow() public {
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        (bytes memory context, uint256 validationData) = _validate(_sponsored(o, s, sponsorKey), _maxCost(o));
        assertEq(validationData, _validationData(false, s));
        assertEq(context.length, 96, "uncapped context");
    }

    function test_validate_reservesMaxCostAgainstTheBudget() public {
        Op memory o = _op(account);
        uint256 maxCost = _maxCost(o);
        _validate(_sponsored(o), maxCost);
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectA);
        assertEq(budget.balance, BUDGET - maxCost);
        assertTrue(budget.active, "flags untouched by the word update");
        assertFalse(budget.capped);
    }

    function test_validate_reverts_whenBudgetTooSmall() public {
        Op memory o = _op(account);
        uint256 maxCost = BUDGET + 1;
        PackedUserOperation memory p = _sponsored(o);
        vm.expectRevert(
            abi.encodeWithSelector(IOneKeyPaymaster.ProjectBudgetInsufficient.selector, projectA, BUDGET, maxCost)
        );
        _validate(p, maxCost);
    }

    function test_validate_acceptsMaxCostEqualToTheBalance() public {
        vm.prank(sponsorManager);
        paymaster.setSponsorshipPolicy(
            projectA,
            IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 0, periodCap: 0, periodSeconds: 0, maxOpCost: uint96(BUDGET)})
        );
        PackedUserOperation memory p = _sponsored(_op(account));
        (, uint256 validationData) = _validate(p, BUDGET);
        assertEq(validationData & 1, 0);
        assertEq(_balance(projectA), 0);
    }

    function test_validate_failsSignature_onAnotherChain() public {
        Op memory o = _op(account);
        PackedUserOperation memory p = _sponsored(o);
        vm.chainId(block.chainid + 1);
        (, uint256 validationData) = _validate(p, _maxCost(o));
        assertEq(validationData, _validationData(true, _sponsorship(projectA)));
    }

    function test_validate_failsSignature_forAnotherPaymaster() public {
        OneKeyPaymaster other = _deployPaymaster(address(entryPoint));
        vm.deal(funder, 1 ether);
        vm.prank(funder);
        other.fundProject{value: 1 ether}(projectA);

        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        // Signed for `paymaster`, presented to `other` (same signer, same project).
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid, address(paymaster)));
        PackedUserOperation memory p = _pack(o, address(other), _paymasterData(s, signature));
        vm.prank(address(entryPoint));
        (, uint256 validationData) = other.validatePaymasterUserOp(p, bytes32(0), _maxCost(o));
        assertEq(validationData & 1, 1);
    }

    function test_validate_failsSignature_fromAnotherKey() public {
        Op memory o = _op(account);
        PackedUserOperation memory p = _sponsored(o, _sponsorship(projectA), otherSignerKey);
        (, uint256 validationData) = _validate(p, _maxCost(o));
        assertEq(validationData, _validationData(true, _sponsorship(projectA)));
    }

    /// @dev The stub an ERC-7677 service hands out for estimation: validation runs in full and
    /// reports a signature failure instead of reverting (a revert breaks estimation, AA33).
    function test_validate_stubSignature_returnsFailureWithoutReverting() public {
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        // scripts/lib/sponsorship.ts STUB_SIGNATURE: r = 0x11.., s = 0x22.., v = 27.
        bytes memory stub = abi.encodePacked(
            hex"1111111111111111111111111111111111111111111111111111111111111111",
            hex"2222222222222222222222222222222222222222222222222222222222222222",
            uint8(27)
        );
        PackedUserOperation memory p = _pack(o, address(paymaster), _paymasterData(s, stub));
        (, uint256 validationData) = _validate(p, _maxCost(o));
        assertEq(validationData, _validationData(true, s));
        assertEq(_balance(projectA), BUDGET - _maxCost(o), "reserved like a real operation");
    }

    function testFuzz_validate_failsSignature_forAnyGarbageSignature(bytes32 r, bytes32 s_, uint8 v) public {
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        PackedUserOperation memory p = _pack(o, address(paymaster), _paymasterData(s, abi.encodePacked(r, s_, v)));
        (, uint256 validationData) = _validate(p, _maxCost(o));
        assertEq(validationData, _validationData(true, s));
    }

    /// @dev Every signed field: change one after signing and the signature no longer matches.
    function testFuzz_validate_failsSignature_whenAnyFieldIsTampered(uint8 field, uint64 delta) public {
        field = uint8(bound(field, 0, 13));
        delta = uint64(bound(delta, 1, type(uint32).max));
        _fund(projectB, BUDGET); // so a tampered projectId still names a funded, active project

        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid, address(paymaster)));

        if (field == 0) o.sender = address(uint160(o.sender) + uint160(delta));
        else if (field == 1) o.nonce += delta;
        else if (field == 2) o.initCode = abi.encodePacked(address(factory), delta);
        else if (field == 3) o.callData = abi.encodePacked(o.callData, delta);
        else if (field == 4) o.verificationGasLimit += delta;
        else if (field == 5) o.callGasLimit += delta;
        else if (field == 6) o.preVerificationGas += delta;
        else if (field == 7) o.maxPriorityFeePerGas += delta;
        else if (field == 8) o.maxFeePerGas += delta;
        else if (field == 9) o.paymasterVerificationGasLimit += delta;
        else if (field == 10) o.paymasterPostOpGasLimit += delta;
        else if (field == 11) s.projectId = projectB;
        else if (field == 12) s.validUntil += uint48(delta);
        else s.validAfter -= uint48(bound(delta, 1, s.validAfter));

        PackedUserOperation memory p = _pack(o, address(paymaster), _paymasterData(s, signature));
        (, uint256 validationData) = _validate(p, 1 gwei);
        assertEq(validationData & 1, 1, "tampered field accepted");
    }

    function test_validate_pendingSignerIsNotAcceptedBeforeARotation() public {
        // No rotation: a signature recovering to address(0) must not match the empty pending slot.
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        PackedUserOperation memory p = _pack(o, address(paymaster), _paymasterData(s, new bytes(65)));
        (, uint256 validationData) = _validate(p, _maxCost(o));
        assertEq(validationData & 1, 1);
    }

    function testFuzz_validate_reverts_whenPaymasterDataHasTheWrongLength(uint16 length) public {
        length = uint16(bound(length, 0, 400));
        vm.assume(length != PAYMASTER_DATA_LENGTH - 52);
        Op memory o = _op(account);
        PackedUserOperation memory p = _pack(o, address(paymaster), new bytes(length));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOneKeyPaymaster.PaymasterDataLengthInvalid.selector, 52 + uint256(length), PAYMASTER_DATA_LENGTH
            )
        );
        _validate(p, _maxCost(o));
    }

    function test_handleOps_malformedPaymasterData_revertsWithTheCustomError() public {
        Op memory o = _op(account);
        PackedUserOperation memory p = _signedByAccount(_pack(o, address(paymaster), hex"01"));
        bytes memory inner =
            abi.encodeWithSelector(IOneKeyPaymaster.PaymasterDataLengthInvalid.selector, 53, PAYMASTER_DATA_LENGTH);
        vm.expectRevert(_failedOpWithRevert("AA33 reverted", inner));
        _handle(p);
    }

    function test_validate_reverts_whenProjectNeverFunded() public {
        Op memory o = _op(account);
        PackedUserOperation memory p = _sponsored(o, _sponsorship(projectB), sponsorKey);
        vm.expectRevert(abi.encodeWithSelector(ProjectNotActive.selector, projectB));
        _validate(p, _maxCost(o));
    }

    function test_validate_reverts_whenProjectSuspendedAndSynced() public {
        _suspend(projectA);
        paymaster.syncProjectStatus(projectA);
        Op memory o = _op(account);
        PackedUserOperation memory p = _sponsored(o);
        vm.expectRevert(abi.encodeWithSelector(ProjectNotActive.selector, projectA));
        _validate(p, _maxCost(o));
    }

    function testFuzz_validate_reverts_whenPostOpGasLimitTooLow(uint128 limit) public {
        uint256 minimum = paymaster.POST_OP_GAS_MIN();
        limit = uint128(bound(limit, 0, minimum - 1));
        Op memory o = _op(account);
        o.paymasterPostOpGasLimit = limit;
        PackedUserOperation memory p = _sponsored(o);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.PostOpGasLimitTooLow.selector, limit, minimum));
        _validate(p, _maxCost(o));
    }

    function test_validate_reverts_whenCallerIsNotTheEntryPoint() public {
        Op memory o = _op(account);
        PackedUserOperation memory p = _sponsored(o);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.CallerNotEntryPoint.selector, stranger));
        paymaster.validatePaymasterUserOp(p, bytes32(0), 1);
    }

    function test_sponsorshipDigest_matchesTheSpec() public view {
        Op memory o = _op(account);
        Sponsorship memory s = _sponsorship(projectA);
        PackedUserOperation memory p = _pack(o, address(paymaster), "");
        assertEq(
            paymaster.sponsorshipDigest(p, s.projectId, s.validUntil, s.validAfter),
            _digest(o, s, block.chainid, address(paymaster))
        );
        assertEq(paymaster.SPONSORED_USER_OPERATION_TYPEHASH(), SPONSORED_TYPEHASH);
    }

    function test_sponsorshipDigest_reverts_withoutThePaymasterGasLimits() public {
        PackedUserOperation memory p = _pack(_op(account), address(paymaster), "");
        p.paymasterAndData = abi.encodePacked(address(paymaster));
        vm.expectRevert(
            abi.encodeWithSelector(IOneKeyPaymaster.PaymasterDataLengthInvalid.selector, 20, PAYMASTER_DATA_LENGTH)
        );
        paymaster.sponsorshipDigest(p, projectA, 0, 0);
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The one OperationSponsored log recorded, checked against its indexed topics.
    function _sponsoredEvent(uint64 projectId, address sender) internal returns (uint256 cost, bytes32 userOpHash) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(paymaster)) continue;
            if (logs[i].topics[0] != IOneKeyPaymaster.OperationSponsored.selector) continue;
            assertEq(logs[i].topics[1], bytes32(uint256(projectId)));
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(sender))));
            (userOpHash, cost) = abi.decode(logs[i].data, (bytes32, uint256));
            ++found;
        }
        assertEq(found, 1, "exactly one OperationSponsored");
    }
}
