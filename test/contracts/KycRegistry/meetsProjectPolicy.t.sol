// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract MeetsProjectPolicyTest is BaseTest {
    address internal secondIssuer;
    uint64 internal strict;

    function setUp() public override {
        super.setUp();
        secondIssuer = otherSigner;
        vm.prank(governance);
        kyc.registerIssuer(secondIssuer);
        // Project "strict": level 3, only `issuer` accepted.
        strict = _createProject("strict", 3, _one(issuer));
    }

    function _attestBy(address by, uint8 level) internal returns (bytes32 uid) {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = level;
        vm.prank(by);
        uid = kyc.attest(r);
    }

    function test_meetsProjectPolicy_anyRegisteredIssuerWhenListEmpty() public {
        _attestBy(secondIssuer, 1);
        _consent(subject, projectA);
        assertTrue(kyc.meetsProjectPolicy(subject, projectA));
    }

    function test_meetsProjectPolicy_acceptedIssuerAtRequiredLevel() public {
        _attestBy(issuer, 3);
        _consent(subject, strict);
        assertTrue(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_whenIssuerNotAccepted() public {
        _attestBy(secondIssuer, 5);
        _consent(subject, strict);
        assertFalse(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_acceptedIssuerLaterInTheList() public {
        address[] memory list = new address[](3);
        list[0] = makeAddr("x");
        list[1] = makeAddr("y");
        list[2] = secondIssuer;
        vm.prank(orgOwner);
        projects.updateProjectSettings(strict, _settings(3, list));
        _attestBy(secondIssuer, 3);
        _consent(subject, strict);
        assertTrue(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_whenLevelTooLow() public {
        _attestBy(issuer, 2);
        _consent(subject, strict);
        assertFalse(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_withoutConsent() public {
        _attestBy(issuer, 3);
        assertFalse(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_whenProjectSuspended() public {
        _attestBy(issuer, 3);
        _consent(subject, strict);
        _suspend(strict);
        assertFalse(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_whenExpiredOrRevoked() public {
        bytes32 uid = _attestBy(issuer, 3);
        _consent(subject, strict);
        vm.warp(block.timestamp + VALIDITY);
        assertFalse(kyc.meetsProjectPolicy(subject, strict), "expired");
        vm.warp(START_TIME);
        vm.prank(issuer);
        kyc.revoke(uid);
        assertFalse(kyc.meetsProjectPolicy(subject, strict), "revoked");
    }

    function test_meetsProjectPolicy_followsSettingsChanges() public {
        _attestBy(secondIssuer, 3);
        _consent(subject, strict);
        assertFalse(kyc.meetsProjectPolicy(subject, strict));
        vm.prank(orgAdmin);
        projects.updateProjectSettings(strict, _settings(3, new address[](0)));
        assertTrue(kyc.meetsProjectPolicy(subject, strict));
    }

    function test_meetsProjectPolicy_false_forMissingProject() public {
        _attestBy(issuer, 3);
        assertFalse(kyc.meetsProjectPolicy(subject, 99));
    }
}
