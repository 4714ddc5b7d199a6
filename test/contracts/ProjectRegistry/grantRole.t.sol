// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract GrantRoleTest is BaseTest {
    function test_grantRole_setsBitAndEmitsFullBitmap() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, stranger, ProjectRoles.READER, true, ProjectRoles.READER);
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.READER);

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(
            projectA, stranger, ProjectRoles.SPONSOR_MANAGER, true, ProjectRoles.READER | ProjectRoles.SPONSOR_MANAGER
        );
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);

        assertEq(projects.rolesOf(projectA, stranger), ProjectRoles.READER | ProjectRoles.SPONSOR_MANAGER);
        assertTrue(projects.hasRole(projectA, stranger, ProjectRoles.READER));
        assertTrue(projects.hasRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER));
        assertFalse(projects.hasRole(projectA, stranger, ProjectRoles.ADMIN));
        assertFalse(projects.hasRole(projectB, stranger, ProjectRoles.READER), "roles are per project");
    }

    function test_grantRole_readerIsListedOnceEvenWhenGrantedTwice() public {
        vm.startPrank(orgOwner);
        projects.grantRole(projectB, readerA, ProjectRoles.READER);
        projects.grantRole(projectB, readerA, ProjectRoles.READER);
        vm.stopPrank();
        uint64[] memory ids = projects.readerProjectsOf(readerA);
        assertEq(ids.length, 2);
        assertEq(ids[0], projectA);
        assertEq(ids[1], projectB);
    }

    function test_grantRole_nonReaderRolesDoNotListReaderProjects() public {
        vm.prank(orgOwner);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);
        assertEq(projects.readerProjectsOf(stranger).length, 0);
    }

    function test_grantRole_projectAdminMayGrantAdmin() public {
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.ADMIN);
        // The new admin can now manage the project.
        vm.prank(stranger);
        projects.grantRole(projectA, makeAddr("third"), ProjectRoles.READER);
        assertTrue(projects.hasRole(projectA, makeAddr("third"), ProjectRoles.READER));
    }

    function test_grantRole_reverts_whenRoleInvalid() public {
        uint8[5] memory bad = [uint8(0), 3, 8, 0x80, 0xff];
        vm.startPrank(orgOwner);
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, bad[i]));
            projects.grantRole(projectA, stranger, bad[i]);
        }
        vm.stopPrank();
    }

    function test_grantRole_reverts_whenAccountZero() public {
        vm.expectRevert(IProjectRegistry.ZeroAddress.selector);
        vm.prank(orgOwner);
        projects.grantRole(projectA, address(0), ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectB, projectAdmin));
        vm.prank(projectAdmin);
        projects.grantRole(projectB, stranger, ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectNotFound.selector, uint64(77)));
        vm.prank(orgOwner);
        projects.grantRole(77, stranger, ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenReaderOfTooManyProjects() public {
        uint256 max = projects.MAX_READER_PROJECTS();
        vm.startPrank(orgOwner);
        // readerA already reads for project A; fill the rest of the allowance.
        for (uint256 i = 1; i < max; ++i) {
            uint64 id = projects.createProject(orgId, string.concat("reader-", vm.toString(i)), _settings(1, new address[](0)));
            projects.grantRole(id, readerA, ProjectRoles.READER);
        }
        assertEq(projects.readerProjectsOf(readerA).length, max);

        uint64 oneTooMany = projects.createProject(orgId, "one-too-many", _settings(1, new address[](0)));
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ReaderProjectsTooMany.selector, readerA, max));
        projects.grantRole(oneTooMany, readerA, ProjectRoles.READER);

        // Other roles are not capped, and re-granting an existing reader role is fine.
        projects.grantRole(oneTooMany, readerA, ProjectRoles.SPONSOR_MANAGER);
        projects.grantRole(projectA, readerA, ProjectRoles.READER);
        vm.stopPrank();
        assertEq(projects.readerProjectsOf(readerA).length, max);
        assertFalse(projects.hasRole(oneTooMany, readerA, ProjectRoles.READER));
    }

    function testFuzz_grantRole_onlySingleDefinedBitsAreRoles(uint8 role) public {
        bool single = role == ProjectRoles.ADMIN || role == ProjectRoles.READER || role == ProjectRoles.SPONSOR_MANAGER;
        vm.prank(orgOwner);
        if (!single) vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, role));
        projects.grantRole(projectB, stranger, role);
        assertEq(projects.rolesOf(projectB, stranger), single ? role : 0);
    }
}
