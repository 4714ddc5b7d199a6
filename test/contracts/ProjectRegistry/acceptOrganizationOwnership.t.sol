// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract AcceptOrganizationOwnershipTest is BaseTest {
    address internal newOwner = makeAddr("newOwner");

    function setUp() public override {
        super.setUp();
        vm.prank(orgOwner);
        projects.transferOrganizationOwnership(orgId, newOwner);
    }

    function test_acceptOrganizationOwnership_movesOwnershipAndClearsPending() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationOwnershipTransferred(orgId, orgOwner, newOwner);
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(orgId);

        IProjectRegistry.Organization memory org = projects.getOrganization(orgId);
        assertEq(org.owner, newOwner);
        assertEq(org.pendingOwner, address(0));
        assertTrue(projects.isOrganizationAdmin(orgId, newOwner));
        assertFalse(projects.isOrganizationAdmin(orgId, orgOwner), "previous owner loses control");
    }

    function test_acceptOrganizationOwnership_previousOwnerCanNoLongerManage() public {
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(orgId);

        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationOwner.selector, orgId, orgOwner));
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, stranger, true);
    }

    function _ownerTakesProjectRoles() internal {
        vm.startPrank(orgOwner);
        projects.grantRole(projectA, orgOwner, ProjectRoles.SPONSOR_MANAGER);
        projects.grantRole(projectB, orgOwner, ProjectRoles.READER);
        vm.stopPrank();
    }

    function test_acceptOrganizationOwnership_previousOwnerLosesItsProjectRoles() public {
        _ownerTakesProjectRoles();
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationRolesRevoked(orgId, orgOwner);
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(orgId);

        assertEq(projects.rolesOf(projectA, orgOwner), 0);
        assertEq(projects.rolesOf(projectB, orgOwner), 0);
        assertEq(projects.readerProjectsOf(orgOwner).length, 0);
    }

    function test_acceptOrganizationOwnership_previousOwnerThatStaysAdminKeepsItsRoles() public {
        _ownerTakesProjectRoles();
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgOwner, true);
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(orgId);

        assertTrue(projects.isOrganizationAdmin(orgId, orgOwner));
        assertEq(projects.rolesOf(projectA, orgOwner), ProjectRoles.SPONSOR_MANAGER);
        assertTrue(projects.hasRole(projectB, orgOwner, ProjectRoles.READER));
    }

    function test_acceptOrganizationOwnership_toTheOwnerItselfKeepsItsRoles() public {
        _ownerTakesProjectRoles();
        vm.startPrank(orgOwner);
        projects.transferOrganizationOwnership(orgId, orgOwner);
        vm.recordLogs();
        projects.acceptOrganizationOwnership(orgId);
        vm.stopPrank();
        assertEq(vm.getRecordedLogs().length, 1, "only OrganizationOwnershipTransferred");
        assertEq(projects.rolesOf(projectA, orgOwner), ProjectRoles.SPONSOR_MANAGER);
    }

    function test_acceptOrganizationOwnership_reverts_whenCallerNotPending() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.NotPendingOrganizationOwner.selector, orgId, stranger)
        );
        vm.prank(stranger);
        projects.acceptOrganizationOwnership(orgId);
    }

    function test_acceptOrganizationOwnership_reverts_whenAcceptedTwice() public {
        vm.startPrank(newOwner);
        projects.acceptOrganizationOwnership(orgId);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.NotPendingOrganizationOwner.selector, orgId, newOwner)
        );
        projects.acceptOrganizationOwnership(orgId);
        vm.stopPrank();
    }

    function test_acceptOrganizationOwnership_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(7)));
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(7);
    }
}
