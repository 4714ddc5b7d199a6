// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotActive} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract GrantConsentTest is BaseTest {
    function test_grantConsent_recordsConsentForThatProjectOnly() public {
        vm.expectEmit(address(kyc));
        emit IKycRegistry.ConsentGranted(projectA, subject);
        _consent(subject, projectA);

        assertTrue(kyc.hasConsent(subject, projectA));
        assertFalse(kyc.hasConsent(subject, projectB));
        assertFalse(kyc.hasConsent(stranger, projectA));
    }

    function test_grantConsent_worksWithoutAnAttestation() public {
        _consent(subject, projectB);
        assertTrue(kyc.hasConsent(subject, projectB));
        assertFalse(kyc.isVerifiedFor(subject, 1, projectB));
    }

    function test_grantConsent_afterErase_isAFreshGrant() public {
        _attest(subject);
        _consent(subject, projectA);
        vm.prank(subject);
        kyc.erase();
        assertFalse(kyc.hasConsent(subject, projectA));

        // Not ConsentAlreadyGranted: the earlier grant was withdrawn by the erasure.
        vm.expectEmit(address(kyc));
        emit IKycRegistry.ConsentGranted(projectA, subject);
        _consent(subject, projectA);
        assertTrue(kyc.hasConsent(subject, projectA));
        assertFalse(kyc.hasConsent(subject, projectB));
        assertFalse(kyc.hasConsent(stranger, projectA));
    }

    function test_grantConsent_reverts_whenAlreadyGranted() public {
        _consent(subject, projectA);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ConsentAlreadyGranted.selector, projectA, subject));
        vm.prank(subject);
        kyc.grantConsent(projectA);
    }

    function test_grantConsent_reverts_whenProjectSuspended() public {
        _suspend(projectA);
        vm.expectRevert(abi.encodeWithSelector(ProjectNotActive.selector, projectA));
        vm.prank(subject);
        kyc.grantConsent(projectA);
    }

    function test_grantConsent_reverts_whenProjectMissing() public {
        uint64[3] memory missing = [uint64(0), 3, type(uint64).max];
        for (uint256 i; i < missing.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ProjectNotActive.selector, missing[i]));
            vm.prank(subject);
            kyc.grantConsent(missing[i]);
        }
    }

    /// @dev Bitmap edges with real projects: id 255 is the last bit of word 0, 256 the first of
    /// word 1. Neither may alias the other or the low ids.
    function test_grantConsent_bitmapWordBoundaryWithRealProjects() public {
        vm.startPrank(orgOwner);
        for (uint256 i = projects.projectCount() + 1; i <= 257; ++i) {
            projects.createProject(orgId, string.concat("p-", vm.toString(i)), _settings(1, new address[](0)));
        }
        vm.stopPrank();
        assertEq(projects.projectCount(), 257);

        _consent(subject, 255);
        assertTrue(kyc.hasConsent(subject, 255));
        // No other id of the same word, nor the same bit of the next word, reads as consented.
        for (uint64 id = 0; id < 512; ++id) {
            if (id != 255) assertFalse(kyc.hasConsent(subject, id));
        }

        _consent(subject, 256);
        assertTrue(kyc.hasConsent(subject, 256));
        assertFalse(kyc.hasConsent(subject, 0));
        assertFalse(kyc.hasConsent(subject, 257));

        // Revoking one side of the boundary leaves the other.
        vm.prank(subject);
        kyc.revokeConsent(255);
        assertFalse(kyc.hasConsent(subject, 255));
        assertTrue(kyc.hasConsent(subject, 256));
    }

    /// @dev Ids far beyond any real count: the project registry is mocked to report them active.
    function test_grantConsent_largeProjectIdsUseTheirOwnBits() public {
        uint64[4] memory ids = [uint64(1) << 32, (uint64(1) << 40) + 255, type(uint64).max - 255, type(uint64).max];
        for (uint256 i; i < ids.length; ++i) {
            _mockActive(ids[i]);
            _consent(subject, ids[i]);
        }
        for (uint256 i; i < ids.length; ++i) {
            assertTrue(kyc.hasConsent(subject, ids[i]));
        }
        assertFalse(kyc.hasConsent(subject, type(uint64).max - 1));
        assertFalse(kyc.hasConsent(subject, type(uint64).max - 256));
        assertFalse(kyc.hasConsent(subject, uint64(1) << 33));
        assertFalse(kyc.hasConsent(subject, 0));
        assertFalse(kyc.hasConsent(subject, 255));
    }

    function testFuzz_grantConsent_setsExactlyOneBit(uint64 id, uint64 other) public {
        vm.assume(id != other);
        _mockActive(id);
        _consent(subject, id);
        assertTrue(kyc.hasConsent(subject, id));
        assertFalse(kyc.hasConsent(subject, other));
        assertFalse(kyc.hasConsent(stranger, id));
        // Every other id that shares the bitmap word stays unconsented.
        uint64 wordStart = id & ~uint64(0xff);
        for (uint256 bit; bit < 256; ++bit) {
            uint64 neighbour = wordStart | uint64(bit);
            if (neighbour != id) assertFalse(kyc.hasConsent(subject, neighbour));
        }
    }

    function _mockActive(uint64 id) internal {
        vm.mockCall(
            address(projects),
            abi.encodeCall(IProjectRegistry.projectStatus, (id)),
            abi.encode(IProjectRegistry.ProjectStatus.Active)
        );
    }
}
