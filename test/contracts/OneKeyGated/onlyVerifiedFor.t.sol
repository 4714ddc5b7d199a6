// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {GatedBase} from "./GatedBase.sol";

contract OnlyVerifiedForTest is GatedBase {
    function test_onlyVerifiedFor_admitsAVerifiedCallerThatConsents() public {
        _consent(subject, projectA);
        vm.prank(subject);
        probe.verifiedFor(LEVEL);
        assertEq(probe.calls(), 1);
    }

    function test_onlyVerifiedFor_reverts_withoutConsent() public {
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vm.prank(subject);
        probe.verifiedFor(LEVEL);
    }

    function test_onlyVerifiedFor_reverts_whenConsentOnlyToAnotherProject() public {
        _consent(subject, projectB);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vm.prank(subject);
        probe.verifiedFor(LEVEL);
    }

    function test_onlyVerifiedFor_reverts_whenLevelTooLowOrConsentRevoked() public {
        _consent(subject, projectA);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL + 1, projectA));
        vm.prank(subject);
        probe.verifiedFor(LEVEL + 1);

        vm.prank(subject);
        kyc.revokeConsent(projectA);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vm.prank(subject);
        probe.verifiedFor(LEVEL);
        assertEq(probe.calls(), 0);
    }

    function test_onlyVerifiedFor_reverts_whenStrangerConsentsWithoutAttestation() public {
        _consent(stranger, projectA);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, stranger, 1, projectA));
        vm.prank(stranger);
        probe.verifiedFor(1);
    }

    function test_requireVerifiedFor_checksTheGivenAccount() public {
        _consent(subject, projectA);
        vm.prank(stranger);
        probe.requireVerifiedFor(subject, LEVEL);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, stranger, LEVEL, projectA));
        vm.prank(subject);
        probe.requireVerifiedFor(stranger, LEVEL);
    }
}
