// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract CanDecryptTest is BaseTest {
    address internal delegate = makeAddr("delegate");
    bytes32 internal uid;

    function setUp() public override {
        super.setUp();
        uid = _attest(subject);
        _consent(subject, projectA);
        vm.prank(subject);
        kyc.setDecryptDelegate(delegate);
    }

    function test_canDecrypt_subject() public view {
        assertTrue(kyc.canDecrypt(subject, uid));
    }

    function test_canDecrypt_delegate() public view {
        assertTrue(kyc.canDecrypt(delegate, uid));
    }

    function test_canDecrypt_readerOfConsentedProject() public view {
        assertTrue(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_forReaderWithoutConsent() public {
        vm.prank(subject);
        kyc.revokeConsent(projectA);
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_forReaderOfAnotherProject() public view {
        // readerB reads for project B; the subject consented to A only.
        assertFalse(kyc.canDecrypt(readerB, uid));
    }

    function test_canDecrypt_false_forOtherRolesOfTheConsentedProject() public {
        // Admins and sponsor managers of A are not readers.
        vm.prank(orgOwner);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);
        assertFalse(kyc.canDecrypt(stranger, uid));
        assertFalse(kyc.canDecrypt(projectAdmin, uid));
        assertFalse(kyc.canDecrypt(orgOwner, uid), "owning the organization does not grant reading");
        assertFalse(kyc.canDecrypt(issuer, uid), "nor does issuing the attestation");
        assertFalse(kyc.canDecrypt(governance, uid));
        assertFalse(kyc.canDecrypt(address(0), uid));
    }

    function test_canDecrypt_readerOfSeveralProjectsFindsTheConsentedOne() public {
        vm.prank(orgOwner);
        uint64 c = projects.createProject(orgId, "gamma", _settings(1, new address[](0)));
        _grantReader(projectB, readerA);
        _grantReader(c, readerA);
        vm.startPrank(subject);
        kyc.revokeConsent(projectA);
        kyc.grantConsent(c);
        vm.stopPrank();

        assertTrue(kyc.canDecrypt(readerA, uid), "through project C");
        assertFalse(kyc.canDecrypt(readerB, uid));
    }

    function test_canDecrypt_false_whenProjectSuspended_untilReactivated() public {
        _suspend(projectA);
        assertFalse(kyc.canDecrypt(readerA, uid));
        assertTrue(kyc.canDecrypt(subject, uid), "the subject is never locked out by a project");

        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Active);
        assertTrue(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_whenReaderRoleRevoked() public {
        vm.prank(projectAdmin);
        projects.revokeRole(projectA, readerA, ProjectRoles.READER);
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_whenRevoked() public {
        vm.prank(issuer);
        kyc.revoke(uid);
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_whenExpired() public {
        uint40 expiresAt = kyc.getRecord(subject).expiresAt;
        vm.warp(expiresAt - 1);
        assertTrue(kyc.canDecrypt(readerA, uid));
        vm.warp(expiresAt);
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_whenErased() public {
        vm.prank(subject);
        kyc.erase();
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_canDecrypt_false_forReaderAfterEraseAndReattest_untilConsentGrantedAgain() public {
        vm.prank(subject);
        kyc.erase();
        bytes32 fresh = _attest(subject);
        assertFalse(kyc.canDecrypt(readerA, fresh), "the old consent was withdrawn by erasure");
        assertTrue(kyc.canDecrypt(subject, fresh));

        _consent(subject, projectA);
        assertTrue(kyc.canDecrypt(readerA, fresh));
        assertFalse(kyc.canDecrypt(readerA, uid), "the erased uid stays dead");
    }

    function test_canDecrypt_false_forSupersededUid() public {
        bytes32 second = _attest(subject);
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
        assertTrue(kyc.canDecrypt(readerA, second));
    }

    function test_canDecrypt_false_forUidNotYetIssued() public view {
        assertFalse(kyc.canDecrypt(subject, kyc.nextUid(subject)));
        assertFalse(kyc.canDecrypt(stranger, _uid(stranger, 1)));
        assertFalse(kyc.canDecrypt(address(0), bytes32(0)));
    }

    function test_canDecrypt_false_forGarbageInTheReservedBits() public view {
        for (uint256 bit = 64; bit < 96; ++bit) {
            assertFalse(kyc.canDecrypt(subject, uid | bytes32(uint256(1) << bit)));
        }
    }

    function testFuzz_canDecrypt_onlyTheExactCurrentUidPasses(bytes32 anyUid) public view {
        vm.assume(anyUid != uid);
        assertFalse(kyc.canDecrypt(subject, anyUid));
        assertFalse(kyc.canDecrypt(readerA, anyUid));
    }

    function testFuzz_canDecrypt_strangersNeverPass(address requester) public view {
        vm.assume(requester != subject && requester != delegate && requester != readerA);
        assertFalse(kyc.canDecrypt(requester, uid));
    }
}
