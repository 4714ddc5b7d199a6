// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract IsVerifiedTest is BaseTest {
    function test_isVerified_falseWithoutAttestation() public view {
        assertFalse(kyc.isVerified(subject, 0));
        assertFalse(kyc.isVerified(subject, 1));
    }

    function test_isVerified_respectsTheLevel() public {
        _attest(subject); // LEVEL = 2
        assertTrue(kyc.isVerified(subject, 0));
        assertTrue(kyc.isVerified(subject, 1));
        assertTrue(kyc.isVerified(subject, 2));
        assertFalse(kyc.isVerified(subject, 3));
        assertFalse(kyc.isVerified(subject, 255));
    }

    function test_isVerified_falseFromTheExpirySecond() public {
        _attest(subject);
        uint40 expiresAt = kyc.getRecord(subject).expiresAt;
        vm.warp(expiresAt - 1);
        assertTrue(kyc.isVerified(subject, 1));
        vm.warp(expiresAt);
        assertFalse(kyc.isVerified(subject, 1));
    }

    function test_isVerifiedFor_needsConsentToThatProject() public {
        _attest(subject);
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
        _consent(subject, projectA);
        assertTrue(kyc.isVerifiedFor(subject, 1, projectA));
        assertFalse(kyc.isVerifiedFor(subject, 1, projectB));
        assertFalse(kyc.isVerifiedFor(subject, 3, projectA), "level still applies");
    }

    function test_isVerifiedFor_falseWhenRevoked() public {
        bytes32 uid = _attest(subject);
        _consent(subject, projectA);
        vm.prank(issuer);
        kyc.revoke(uid);
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
    }

    function testFuzz_isVerified_matchesLevelAndTime(uint8 level, uint8 minLevel, uint32 ttl, uint32 elapsed) public {
        level = uint8(bound(level, 1, 255));
        ttl = uint32(bound(ttl, 1, type(uint32).max));
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = level;
        r.expiresAt = uint40(block.timestamp) + ttl;
        _attest(r);
        vm.warp(block.timestamp + elapsed);
        assertEq(kyc.isVerified(subject, minLevel), level >= minLevel && elapsed < ttl);
    }
}
