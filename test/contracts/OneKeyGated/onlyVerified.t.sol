// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {GatedBase} from "./GatedBase.sol";

contract OnlyVerifiedTest is GatedBase {
    function test_onlyVerified_admitsAVerifiedCaller_withoutConsent() public {
        vm.prank(subject);
        probe.verified(LEVEL);
        vm.prank(subject);
        probe.verified(LEVEL - 1);
        assertEq(probe.calls(), 2);
    }

    function test_onlyVerified_reverts_whenCallerNeverAttested() public {
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, stranger, LEVEL));
        vm.prank(stranger);
        probe.verified(LEVEL);
        assertEq(probe.calls(), 0);
    }

    function test_onlyVerified_reverts_whenLevelTooLow() public {
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, subject, LEVEL + 1));
        vm.prank(subject);
        probe.verified(LEVEL + 1);
    }

    function test_onlyVerified_reverts_whenExpiredRevokedOrErased() public {
        vm.warp(START_TIME + VALIDITY);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, subject, LEVEL));
        vm.prank(subject);
        probe.verified(LEVEL);

        vm.warp(START_TIME);
        vm.prank(issuer);
        kyc.revoke(uid);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, subject, LEVEL));
        vm.prank(subject);
        probe.verified(LEVEL);

        _attest(subject);
        vm.prank(subject);
        probe.verified(LEVEL);
        vm.prank(subject);
        kyc.erase();
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, subject, LEVEL));
        vm.prank(subject);
        probe.verified(LEVEL);
        assertEq(probe.calls(), 1);
    }

    function test_requireVerified_checksTheGivenAccount_notTheCaller() public {
        vm.prank(stranger);
        probe.requireVerified(subject, LEVEL);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerified.selector, stranger, LEVEL));
        vm.prank(subject);
        probe.requireVerified(stranger, LEVEL);
    }
}
