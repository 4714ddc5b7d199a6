// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRegistry} from "../../../contracts/ProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract ProjectRegistryViewsTest is BaseTest {
    function test_version() public view {
        assertEq(projects.version(), "1.0.0");
    }

    function test_constructor_setsGovernanceAndEmptyCounters() public {
        ProjectRegistry fresh = new ProjectRegistry(governance);
        assertEq(fresh.owner(), governance);
        assertEq(fresh.organizationCount(), 0);
        assertEq(fresh.projectCount(), 0);
        assertEq(fresh.MAX_ACCEPTED_ISSUERS(), 16);
        assertEq(fresh.MAX_READER_PROJECTS(), 32);
    }

    function test_getProject_reverts_whenMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(3)));
        projects.getProject(3);
    }

    function test_projectStatus_isNoneForMissingProject() public view {
        assertEq(uint8(projects.projectStatus(0)), uint8(IProjectRegistry.ProjectStatus.None));
        assertEq(uint8(projects.projectStatus(type(uint64).max)), uint8(IProjectRegistry.ProjectStatus.None));
    }

    function test_projectIdOfSlug_isZeroForUnknownSlug() public view {
        assertEq(projects.projectIdOfSlug("alpha"), projectA);
        assertEq(projects.projectIdOfSlug("beta"), projectB);
        assertEq(projects.projectIdOfSlug("gamma"), 0);
    }

    function test_hasRole_isFalseForRoleZeroAndUndefinedBits() public view {
        assertFalse(projects.hasRole(projectA, readerA, 0));
        assertFalse(projects.hasRole(projectA, readerA, 8));
        assertFalse(projects.hasRole(projectA, readerA, ProjectRoles.READER | ProjectRoles.ADMIN));
        assertTrue(projects.hasRole(projectA, readerA, ProjectRoles.READER));
    }

    function test_readerProjectsOf_isEmptyForStranger() public view {
        assertEq(projects.readerProjectsOf(stranger).length, 0);
    }

    function test_rolesAndOffers_areNoneOnAMissingProject() public view {
        assertEq(projects.rolesOf(99, readerA), 0);
        assertEq(projects.offeredRolesOf(99, readerA), 0);
        assertFalse(projects.hasRole(99, readerA, ProjectRoles.READER));
    }

    /// @dev Governance is Ownable2Step: a transfer completes only when accepted.
    function test_governance_transferIsTwoStep() public {
        address next = makeAddr("nextGovernance");
        vm.prank(governance);
        projects.transferOwnership(next);
        assertEq(projects.owner(), governance);
        assertEq(projects.pendingOwner(), next);
        vm.prank(next);
        projects.acceptOwnership();
        assertEq(projects.owner(), next);

        // The new governance may change any project's status; the old one may not.
        vm.prank(next);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Suspended);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotAllowedToChangeStatus.selector, projectA, governance));
        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Active);
    }
}
