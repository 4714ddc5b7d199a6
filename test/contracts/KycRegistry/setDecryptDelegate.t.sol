// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract SetDecryptDelegateTest is BaseTest {
    address internal delegate = makeAddr("delegate");

    function test_setDecryptDelegate_setsAndClears() public {
        bytes32 uid = _attest(subject);

        vm.expectEmit(address(kyc));
        emit IKycRegistry.DecryptDelegateSet(subject, delegate);
        vm.prank(subject);
        kyc.setDecryptDelegate(delegate);
        assertEq(kyc.decryptDelegateOf(subject), delegate);
        assertTrue(kyc.canDecrypt(delegate, uid));

        vm.expectEmit(address(kyc));
        emit IKycRegistry.DecryptDelegateSet(subject, address(0));
        vm.prank(subject);
        kyc.setDecryptDelegate(address(0));
        assertEq(kyc.decryptDelegateOf(subject), address(0));
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertFalse(kyc.canDecrypt(address(0), uid), "a cleared delegate never matches the zero address");
    }

    function test_setDecryptDelegate_onlyAffectsTheCaller() public {
        bytes32 uid = _attest(subject);
        vm.prank(stranger);
        kyc.setDecryptDelegate(delegate);
        assertEq(kyc.decryptDelegateOf(subject), address(0));
        assertFalse(kyc.canDecrypt(delegate, uid));
    }

    function test_setDecryptDelegate_replacingRemovesThePreviousDelegate() public {
        bytes32 uid = _attest(subject);
        address next = makeAddr("nextDelegate");
        vm.startPrank(subject);
        kyc.setDecryptDelegate(delegate);
        kyc.setDecryptDelegate(next);
        vm.stopPrank();
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertTrue(kyc.canDecrypt(next, uid));
    }
}
