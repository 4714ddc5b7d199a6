// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {SimpleAccount} from "@account-abstraction/contracts-v07/samples/SimpleAccount.sol";
import {EntryPoint as EntryPointV08} from "@account-abstraction/contracts/core/EntryPoint.sol";
import {IEntryPoint as IEntryPointV08} from "@account-abstraction/contracts/interfaces/IEntryPoint.sol";
import {SimpleAccountFactory as SimpleAccountFactoryV08} from
    "@account-abstraction/contracts/accounts/SimpleAccountFactory.sol";
import {Vm} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";
import {Op, PaymasterBase, Sponsorship} from "./PaymasterBase.sol";

/// @notice The same OneKeyPaymaster source on EntryPoint v0.8 (EIP-712 userOpHash, accounts
/// created only through initCode and the SenderCreator).
contract EntryPointV08Test is PaymasterBase {
    /// @dev v0.8 talks the same ABI: reached through v0.7's IEntryPoint (identical selectors).
    IEntryPoint internal entryPointV08;
    SimpleAccountFactoryV08 internal factoryV08;
    OneKeyPaymaster internal paymasterV08;

    function setUp() public override {
        super.setUp();
        EntryPointV08 deployed = new EntryPointV08();
        entryPointV08 = IEntryPoint(address(deployed));
        factoryV08 = new SimpleAccountFactoryV08(IEntryPointV08(address(deployed)));
        paymasterV08 = _deployPaymaster(address(deployed));
        vm.prank(paymasterOwner);
        paymasterV08.addStake{value: 1 ether}(1 days);
        vm.deal(funder, BUDGET);
        vm.prank(funder);
        paymasterV08.fundProject{value: BUDGET}(projectA);
    }

    /// @dev An operation whose initCode deploys the account (it holds no ETH, now or ever).
    function _creatingOp() internal view returns (Op memory o) {
        address sender = factoryV08.getAddress(accountOwner, 7);
        o = _op(sender);
        o.nonce = entryPointV08.getNonce(sender, 0);
        o.initCode = abi.encodePacked(address(factoryV08), abi.encodeCall(factoryV08.createAccount, (accountOwner, 7)));
        o.verificationGasLimit = 400_000;
    }

    function _sponsoredV08(Op memory o, uint256 signerKey) internal view returns (PackedUserOperation memory p) {
        Sponsorship memory s = _sponsorship(projectA);
        bytes memory signature = _signDigest(signerKey, _digest(o, s, block.chainid, address(paymasterV08)));
        p = _pack(o, address(paymasterV08), _paymasterData(s, signature));
        // v0.8 SimpleAccount signs the EIP-712 userOpHash itself.
        p.signature = _signDigest(accountOwnerKey, entryPointV08.getUserOpHash(p));
    }

    function test_constructor_acceptsEntryPointV08() public view {
        assertEq(paymasterV08.entryPoint(), address(entryPointV08));
    }

    function test_handleOps_v08_sponsorsAccountCreation_andChargesTheProject() public {
        vm.fee(1 gwei);
        Op memory o = _creatingOp();
        assertEq(o.sender.code.length, 0);
        uint256 depositBefore = entryPointV08.balanceOf(address(paymasterV08));

        vm.recordLogs();
        _handle(entryPointV08, _sponsoredV08(o, sponsorKey));

        assertGt(o.sender.code.length, 0, "account deployed");
        assertEq(o.sender.balance, 0);
        (uint256 charged, uint256 entryPointCost, uint256 gasPrice, bool success) = _costs();
        assertTrue(success);
        assertEq(paymasterV08.projectBudget(projectA).balance, BUDGET - charged, "project pays the reported cost");
        assertEq(entryPointV08.balanceOf(address(paymasterV08)), depositBefore - entryPointCost);
        // v0.8 includes the call-gas penalty in actualGasCost and charges none on a postOp limit
        // within 40k of its use: only the overhead estimate's error separates the two (about
        // 400 gas here; coverage instrumentation adds about 2k to postOp, hence the margin).
        uint256 gap = charged > entryPointCost ? charged - entryPointCost : entryPointCost - charged;
        assertLe(gap, 3_000 * gasPrice, "overhead estimate within 3k gas");
    }

    function test_handleOps_v08_rejectsAWrongSponsorSignature() public {
        PackedUserOperation memory p = _sponsoredV08(_creatingOp(), otherSignerKey);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA34 signature error"));
        _handle(entryPointV08, p);
    }

    function test_handleOps_v08_signatureForTheV07PaymasterDoesNotWorkHere() public {
        Op memory o = _creatingOp();
        Sponsorship memory s = _sponsorship(projectA);
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid, address(paymaster)));
        PackedUserOperation memory p = _pack(o, address(paymasterV08), _paymasterData(s, signature));
        p.signature = _signDigest(accountOwnerKey, entryPointV08.getUserOpHash(p));
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA34 signature error"));
        _handle(entryPointV08, p);
    }

    function _costs() internal returns (uint256 charged, uint256 entryPointCost, uint256 gasPrice, bool success) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IOneKeyPaymaster.OperationSponsored.selector) {
                (, charged) = abi.decode(logs[i].data, (bytes32, uint256));
            } else if (logs[i].topics[0] == IEntryPoint.UserOperationEvent.selector) {
                uint256 gasUsed;
                (, success, entryPointCost, gasUsed) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
                gasPrice = entryPointCost / gasUsed;
            }
        }
    }
}
