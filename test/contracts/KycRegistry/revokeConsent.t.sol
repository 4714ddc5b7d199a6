// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RevokeConsentTest is BaseTest {
    bytes32 internal uid;

    function setUp() public override {
        super.setUp();
        uid = _attest(subject);
        _consent(subject, projectA);
        _consent(subject, projectB);
    }

    function test_revokeConsent_withdrawsThatProjectOnly() public {
        vm.expectEmit(address(kyc));
        emit IKycRegistry.ConsentRevoked(projectA, subject);
        vm.prank(subject);
        kyc.revokeConsent(projectA);

        assertFalse(kyc.hasConsent(subject, projectA));
        assertTrue(kyc.hasConsent(subject, projectB));
        assertFalse(kyc.canDecrypt(readerA, uid));
        assertTrue(kyc.canDecrypt(readerB, uid));
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
    }

    function test_revokeConsent_allowedWhileProjectSuspended() public {
        _suspend(projectA);
        vm.prank(subject);
        kyc.revokeConsent(projectA);
        assertFalse(kyc.hasConsent(subject, projectA));
    }

    function test_revokeConsent_canBeGrantedAgain() public {
        vm.startPrank(subject);
        kyc.revokeConsent(projectA);
        kyc.grantConsent(projectA);
        vm.stopPrank();
        assertTrue(kyc.canDecrypt(readerA, uid));
    }

    function test_revokeConsent_reverts_whenNotGranted() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ConsentNotGranted.selector, projectA, stranger));
        vm.prank(stranger);
        kyc.revokeConsent(projectA);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ConsentNotGranted.selector, uint64(9), subject));
        vm.prank(subject);
        kyc.revokeConsent(9);
    }
}
