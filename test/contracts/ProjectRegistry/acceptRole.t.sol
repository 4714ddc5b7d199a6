// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract AcceptRoleTest is BaseTest {
    function _offer(uint64 projectId, address account) internal {
        vm.prank(orgOwner);
        projects.grantRole(projectId, account, ProjectRoles.READER);
    }

    function test_acceptRole_grantsTheOfferedRoleAndTakesASlot() public {
        _offer(projectA, stranger);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, stranger, ProjectRoles.READER, true, ProjectRoles.READER);
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);

        assertTrue(projects.hasRole(projectA, stranger, ProjectRoles.READER));
        assertEq(projects.offeredRolesOf(projectA, stranger), 0, "the offer is used up");
        uint64[] memory ids = projects.readerProjectsOf(stranger);
        assertEq(ids.length, 1);
        assertEq(ids[0], projectA);
    }

    function test_acceptRole_keepsTheAccountsOtherRoles() public {
        vm.prank(orgOwner);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);
        _offer(projectA, stranger);
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
        assertEq(projects.rolesOf(projectA, stranger), ProjectRoles.READER | ProjectRoles.SPONSOR_MANAGER);
    }

    function test_acceptRole_reverts_whenNothingWasOffered() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
    }

    function test_acceptRole_reverts_whenTheOfferWasForAnotherProject() public {
        _offer(projectB, stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
    }

    function test_acceptRole_reverts_whenAcceptedTwice() public {
        _offer(projectA, stranger);
        vm.startPrank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        projects.acceptRole(projectA, ProjectRoles.READER);
        vm.stopPrank();
    }

    function test_acceptRole_reverts_whenTheOfferWasWithdrawn() public {
        _offer(projectA, stranger);
        vm.prank(projectAdmin);
        projects.revokeRole(projectA, stranger, ProjectRoles.READER);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
    }

    function test_acceptRole_reverts_whenTheOfferFellWithTheOrganizationRoles() public {
        _offer(projectA, stranger);
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(orgId, stranger);
        assertEq(projects.offeredRolesOf(projectA, stranger), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
    }

    function test_acceptRole_reverts_whenRoleInvalid() public {
        _offer(projectA, stranger);
        // READER | ADMIN overlaps the offer but is not one role.
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, uint8(3)));
        vm.prank(stranger);
        projects.acceptRole(projectA, 3);
    }

    function test_acceptRole_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(9)));
        vm.prank(stranger);
        projects.acceptRole(9, ProjectRoles.READER);
    }

    function test_acceptRole_reverts_whenReaderOfTooManyProjects() public {
        uint256 max = projects.MAX_READER_PROJECTS();
        // readerA already reads for project A; fill the rest of its allowance.
        for (uint256 i = 1; i < max; ++i) {
            vm.prank(orgOwner);
            uint64 id = projects.createProject(orgId, string.concat("reader-", vm.toString(i)), _settings(1, new address[](0)));
            _grantReader(id, readerA);
        }
        assertEq(projects.readerProjectsOf(readerA).length, max);

        vm.prank(orgOwner);
        uint64 oneTooMany = projects.createProject(orgId, "one-too-many", _settings(1, new address[](0)));
        _offer(oneTooMany, readerA);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ReaderProjectsTooMany.selector, readerA, max));
        vm.prank(readerA);
        projects.acceptRole(oneTooMany, ProjectRoles.READER);

        // The offer stays open: once a slot is free, the reader accepts it.
        assertEq(projects.offeredRolesOf(oneTooMany, readerA), ProjectRoles.READER);
        vm.startPrank(readerA);
        projects.renounceRole(projectA, ProjectRoles.READER);
        projects.acceptRole(oneTooMany, ProjectRoles.READER);
        vm.stopPrank();
        assertEq(projects.readerProjectsOf(readerA).length, max);
        assertTrue(projects.hasRole(oneTooMany, readerA, ProjectRoles.READER));
    }

    /// @dev Slots of reader roles revoked organization-wide are freed when the reader next
    /// needs one, without a loop at revocation time.
    function test_acceptRole_reusesSlotsOfRolesRevokedWithTheirOrganization() public {
        uint256 max = projects.MAX_READER_PROJECTS();
        for (uint256 i = 1; i < max; ++i) {
            vm.prank(orgOwner);
            uint64 id = projects.createProject(orgId, string.concat("reader-", vm.toString(i)), _settings(1, new address[](0)));
            _grantReader(id, readerA);
        }
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(orgId, readerA);
        assertEq(projects.readerProjectsOf(readerA).length, 0, "revoked reader roles are never listed");

        // A second organization makes readerA a reader: the revoked entries make room.
        address otherOwner = makeAddr("otherOwner");
        vm.startPrank(otherOwner);
        uint64 otherOrg = projects.createOrganization(otherOwner, "");
        uint64 other = projects.createProject(otherOrg, "other", _settings(1, new address[](0)));
        projects.grantRole(other, readerA, ProjectRoles.READER);
        vm.stopPrank();
        vm.prank(readerA);
        projects.acceptRole(other, ProjectRoles.READER);

        uint64[] memory ids = projects.readerProjectsOf(readerA);
        assertEq(ids.length, 1);
        assertEq(ids[0], other);

        // And the first organization may make it a reader again, on a project it read before.
        _grantReader(projectA, readerA);
        assertEq(projects.readerProjectsOf(readerA).length, 2);
        assertTrue(projects.hasRole(projectA, readerA, ProjectRoles.READER));
    }
}
