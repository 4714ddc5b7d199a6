// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {Op, PaymasterBase} from "./PaymasterBase.sol";

/// @notice beginSignerRotation, completeSignerRotation, cancelSignerRotation.
contract SignerRotationTest is PaymasterBase {
    address internal nextSigner;
    uint256 internal nextKey;

    function setUp() public override {
        super.setUp();
        (nextSigner, nextKey) = makeAddrAndKey("nextSigner");
    }

    /// @dev Whether validation accepts a sponsorship signed by `key` (no revert either way).
    function _accepts(uint256 key) internal returns (bool) {
        Op memory o = _op(account);
        (, uint256 validationData) = _validate(_sponsored(o, _sponsorship(projectA), key), _maxCost(o));
        return validationData & 1 == 0;
    }

    function _begin() internal {
        vm.prank(paymasterOwner);
        paymaster.beginSignerRotation(nextSigner);
    }

    function test_beginSignerRotation_acceptsBothKeysDuringTheSwitch() public {
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.SignerRotationStarted(sponsorSigner, nextSigner);
        _begin();
        assertEq(paymaster.signer(), sponsorSigner);
        assertEq(paymaster.pendingSigner(), nextSigner);
        assertTrue(_accepts(sponsorKey), "current key still signs");
        assertTrue(_accepts(nextKey), "pending key already signs");
        assertFalse(_accepts(otherSignerKey));
    }

    function test_completeSignerRotation_retiresTheOldKey() public {
        _begin();
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.SignerRotationCompleted(sponsorSigner, nextSigner);
        vm.prank(paymasterOwner);
        paymaster.completeSignerRotation();
        assertEq(paymaster.signer(), nextSigner);
        assertEq(paymaster.pendingSigner(), address(0));
        assertTrue(_accepts(nextKey));
        assertFalse(_accepts(sponsorKey), "old key retired");
    }

    function test_cancelSignerRotation_dropsThePendingKey() public {
        _begin();
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.SignerRotationCancelled(nextSigner);
        vm.prank(paymasterOwner);
        paymaster.cancelSignerRotation();
        assertEq(paymaster.pendingSigner(), address(0));
        assertFalse(_accepts(nextKey));
        assertTrue(_accepts(sponsorKey));
    }

    function test_beginSignerRotation_reverts_forZeroOrTheCurrentSigner() public {
        vm.startPrank(paymasterOwner);
        vm.expectRevert(ZeroAddress.selector);
        paymaster.beginSignerRotation(address(0));
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.SignerUnchanged.selector, sponsorSigner));
        paymaster.beginSignerRotation(sponsorSigner);
        vm.stopPrank();
    }

    function test_completeAndCancel_revert_withoutARotation() public {
        vm.startPrank(paymasterOwner);
        vm.expectRevert(IOneKeyPaymaster.SignerRotationNotStarted.selector);
        paymaster.completeSignerRotation();
        vm.expectRevert(IOneKeyPaymaster.SignerRotationNotStarted.selector);
        paymaster.cancelSignerRotation();
        vm.stopPrank();
    }

    function test_rotation_isOwnerOnly() public {
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.beginSignerRotation(nextSigner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.completeSignerRotation();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.cancelSignerRotation();
        vm.stopPrank();
    }

    /// @dev The pending signer cannot complete or cancel on its own.
    function test_rotation_pendingSignerCannotComplete() public {
        _begin();
        vm.prank(nextSigner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, nextSigner));
        paymaster.completeSignerRotation();
    }
}
