// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound, ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract GrantRoleTest is BaseTest {
    function test_grantRole_setsBitAndEmitsFullBitmap() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(
            projectA, stranger, ProjectRoles.SPONSOR_MANAGER, true, ProjectRoles.SPONSOR_MANAGER
        );
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(
            projectA, stranger, ProjectRoles.ADMIN, true, ProjectRoles.ADMIN | ProjectRoles.SPONSOR_MANAGER
        );
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.ADMIN);

        assertEq(projects.rolesOf(projectA, stranger), ProjectRoles.ADMIN | ProjectRoles.SPONSOR_MANAGER);
        assertTrue(projects.hasRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER));
        assertTrue(projects.hasRole(projectA, stranger, ProjectRoles.ADMIN));
        assertFalse(projects.hasRole(projectA, stranger, ProjectRoles.READER));
        assertFalse(projects.hasRole(projectB, stranger, ProjectRoles.ADMIN), "roles are per project");
    }

    function test_grantRole_readerForAnotherAccountIsOnlyAnOffer() public {
        vm.recordLogs();
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.READER);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "no ProjectRolesChanged: nothing was granted yet");
        assertEq(logs[0].emitter, address(projects));
        assertEq(logs[0].topics[0], IProjectRegistry.ProjectRoleOffered.selector);
        assertEq(logs[0].topics[1], bytes32(uint256(projectA)));
        assertEq(logs[0].topics[2], bytes32(uint256(uint160(stranger))));
        assertEq(logs[0].data, abi.encode(ProjectRoles.READER));

        assertFalse(projects.hasRole(projectA, stranger, ProjectRoles.READER));
        assertEq(projects.rolesOf(projectA, stranger), 0);
        assertEq(projects.readerProjectsOf(stranger).length, 0, "an offer takes no reader slot");
        assertEq(projects.offeredRolesOf(projectA, stranger), ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(projectB, stranger), 0, "offers are per project");
    }

    function test_grantRole_readerToOneselfIsImmediate() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(
            projectA, projectAdmin, ProjectRoles.READER, true, ProjectRoles.ADMIN | ProjectRoles.READER
        );
        vm.prank(projectAdmin);
        projects.grantRole(projectA, projectAdmin, ProjectRoles.READER);

        assertTrue(projects.hasRole(projectA, projectAdmin, ProjectRoles.READER));
        uint64[] memory ids = projects.readerProjectsOf(projectAdmin);
        assertEq(ids.length, 1);
        assertEq(ids[0], projectA);
    }

    function test_grantRole_toOneselfClosesAPendingOffer() public {
        vm.prank(orgOwner);
        projects.grantRole(projectA, projectAdmin, ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(projectA, projectAdmin), ProjectRoles.READER);

        vm.prank(projectAdmin);
        projects.grantRole(projectA, projectAdmin, ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(projectA, projectAdmin), 0);
        assertTrue(projects.hasRole(projectA, projectAdmin, ProjectRoles.READER));
    }

    function test_grantRole_readerIsListedOnceEvenWhenGrantedTwice() public {
        _grantReader(projectB, readerA);
        // Granting a role the account already holds is a plain re-grant, not a new offer.
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectB, readerA, ProjectRoles.READER, true, ProjectRoles.READER);
        vm.prank(orgOwner);
        projects.grantRole(projectB, readerA, ProjectRoles.READER);

        assertEq(projects.offeredRolesOf(projectB, readerA), 0);
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
        projects.grantRole(projectA, makeAddr("third"), ProjectRoles.SPONSOR_MANAGER);
        assertTrue(projects.hasRole(projectA, makeAddr("third"), ProjectRoles.SPONSOR_MANAGER));
    }

    /// attack: fill a victim's reader slots from throwaway organizations.
    /// Anyone may create organizations and projects. The attacker creates MAX_READER_PROJECTS of
    /// them and grants the victim (a tenant's reader key) the reader role on each, so that the
    /// victim's real employer can no longer make it a reader (`ReaderProjectsTooMany`) and every
    /// `canDecrypt` of the victim walks the attacker's projects. Now each grant is only an
    /// offer: the victim's slots stay empty and its employer's offer is accepted as usual.
    function test_grantRole_attack_strangerCannotFillReaderSlots() public {
        address attacker = makeAddr("attacker");
        uint256 max = projects.MAX_READER_PROJECTS();
        vm.startPrank(attacker);
        for (uint256 i; i <= max; ++i) {
            uint64 throwawayOrg = projects.createOrganization(attacker, "");
            uint64 throwaway =
                projects.createProject(throwawayOrg, string.concat("junk-", vm.toString(i)), _settings(1, new address[](0)));
            projects.grantRole(throwaway, readerB, ProjectRoles.READER);
            assertEq(projects.offeredRolesOf(throwaway, readerB), ProjectRoles.READER);
        }
        vm.stopPrank();

        uint64[] memory ids = projects.readerProjectsOf(readerB);
        assertEq(ids.length, 1, "only the project the victim accepted");
        assertEq(ids[0], projectB);

        // The victim's employer still makes it a reader of another project.
        _grantReader(projectA, readerB);
        assertTrue(projects.hasRole(projectA, readerB, ProjectRoles.READER));
        assertEq(projects.readerProjectsOf(readerB).length, 2);
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
        vm.expectRevert(ZeroAddress.selector);
        vm.prank(orgOwner);
        projects.grantRole(projectA, address(0), ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectB, projectAdmin));
        vm.prank(projectAdmin);
        projects.grantRole(projectB, stranger, ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(77)));
        vm.prank(orgOwner);
        projects.grantRole(77, stranger, ProjectRoles.READER);
    }

    function test_grantRole_reverts_whenGrantingOneselfAReaderSlotTooMany() public {
        uint256 max = projects.MAX_READER_PROJECTS();
        vm.startPrank(orgOwner);
        for (uint256 i; i < max; ++i) {
            uint64 id = projects.createProject(orgId, string.concat("own-", vm.toString(i)), _settings(1, new address[](0)));
            projects.grantRole(id, orgOwner, ProjectRoles.READER);
        }
        uint64 oneTooMany = projects.createProject(orgId, "one-too-many", _settings(1, new address[](0)));
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ReaderProjectsTooMany.selector, orgOwner, max));
        projects.grantRole(oneTooMany, orgOwner, ProjectRoles.READER);
        vm.stopPrank();
        assertEq(projects.readerProjectsOf(orgOwner).length, max);
    }

    function testFuzz_grantRole_onlySingleDefinedBitsAreRoles(uint8 role) public {
        bool single = role == ProjectRoles.ADMIN || role == ProjectRoles.READER || role == ProjectRoles.SPONSOR_MANAGER;
        vm.prank(orgOwner);
        if (!single) vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, role));
        projects.grantRole(projectB, stranger, role);
        // The reader role is offered; the others are granted at once.
        assertEq(projects.rolesOf(projectB, stranger), single && role != ProjectRoles.READER ? role : 0);
        assertEq(projects.offeredRolesOf(projectB, stranger), role == ProjectRoles.READER ? role : 0);
    }
}
