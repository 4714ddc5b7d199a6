// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RevokeRoleTest is BaseTest {
    function test_revokeRole_clearsOnlyThatBit() public {
        vm.startPrank(orgOwner);
        projects.grantRole(projectA, readerA, ProjectRoles.SPONSOR_MANAGER);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, readerA, ProjectRoles.READER, false, ProjectRoles.SPONSOR_MANAGER);
        projects.revokeRole(projectA, readerA, ProjectRoles.READER);
        vm.stopPrank();

        assertEq(projects.rolesOf(projectA, readerA), ProjectRoles.SPONSOR_MANAGER);
        assertEq(projects.readerProjectsOf(readerA).length, 0, "reader list follows the reader role");
    }

    function test_revokeRole_ofRoleNotHeldIsANoOp() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectB, stranger, ProjectRoles.ADMIN, false, 0);
        vm.prank(orgAdmin);
        projects.revokeRole(projectB, stranger, ProjectRoles.ADMIN);
        assertEq(projects.rolesOf(projectB, stranger), 0);
    }

    function test_revokeRole_projectAdminCanRemoveItself() public {
        vm.prank(projectAdmin);
        projects.revokeRole(projectA, projectAdmin, ProjectRoles.ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, projectAdmin));
        vm.prank(projectAdmin);
        projects.grantRole(projectA, projectAdmin, ProjectRoles.ADMIN);
    }

    function test_revokeRole_keepsOtherReaderProjects() public {
        _grantReader(projectB, readerA);
        vm.prank(orgOwner);
        projects.revokeRole(projectA, readerA, ProjectRoles.READER);
        uint64[] memory ids = projects.readerProjectsOf(readerA);
        assertEq(ids.length, 1);
        assertEq(ids[0], projectB);
    }

    function test_revokeRole_withdrawsAPendingOffer() public {
        vm.prank(orgOwner);
        projects.grantRole(projectA, stranger, ProjectRoles.READER);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, stranger, ProjectRoles.READER, false, 0);
        vm.prank(projectAdmin);
        projects.revokeRole(projectA, stranger, ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(projectA, stranger), 0);
    }

    function test_revokeRole_reverts_whenRoleInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, uint8(6)));
        vm.prank(orgOwner);
        projects.revokeRole(projectA, readerA, 6);
    }

    function test_revokeRole_reverts_whenCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, readerA));
        vm.prank(readerA);
        projects.revokeRole(projectA, readerA, ProjectRoles.READER);
    }

    function test_revokeRole_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(0)));
        vm.prank(orgOwner);
        projects.revokeRole(0, readerA, ProjectRoles.READER);
    }
}
