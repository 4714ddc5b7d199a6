// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract SetOrganizationAdminTest is BaseTest {
    function test_setOrganizationAdmin_enablesAndDisables() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationAdminSet(orgId, stranger, true);
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, stranger, true);
        assertTrue(projects.isOrganizationAdmin(orgId, stranger));

        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationAdminSet(orgId, stranger, false);
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, stranger, false);
        assertFalse(projects.isOrganizationAdmin(orgId, stranger));
    }

    /// attack: a removed org admin keeps the project roles it granted itself.
    /// While an org admin, the attacker makes itself admin and sponsor manager of project A and
    /// reader of project B (granting oneself is immediate). The owner then removes it as org
    /// admin. Before, those project roles stayed: it could still manage A, withdraw A's budget
    /// (the paymaster checks `hasRole(SPONSOR_MANAGER)`) and decrypt B's consenting users. Now
    /// the removal revokes every role it holds in the organization, in the same call.
    function test_setOrganizationAdmin_attack_removedAdminKeepsNoProjectRoles() public {
        bytes32 uid = _attest(subject);
        _consent(subject, projectB);
        vm.startPrank(orgAdmin);
        projects.grantRole(projectA, orgAdmin, ProjectRoles.ADMIN);
        projects.grantRole(projectA, orgAdmin, ProjectRoles.SPONSOR_MANAGER);
        projects.grantRole(projectB, orgAdmin, ProjectRoles.READER);
        vm.stopPrank();
        assertTrue(kyc.canDecrypt(orgAdmin, uid));

        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgAdmin, false);

        assertFalse(projects.isOrganizationAdmin(orgId, orgAdmin));
        assertEq(projects.rolesOf(projectA, orgAdmin), 0);
        assertEq(projects.rolesOf(projectB, orgAdmin), 0);
        assertFalse(projects.hasRole(projectA, orgAdmin, ProjectRoles.SPONSOR_MANAGER), "no budget withdrawals");
        assertEq(projects.readerProjectsOf(orgAdmin).length, 0);
        assertFalse(kyc.canDecrypt(orgAdmin, uid), "no decryption");
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, orgAdmin));
        vm.prank(orgAdmin);
        projects.grantRole(projectA, orgAdmin, ProjectRoles.READER);
    }

    function test_setOrganizationAdmin_disablingAnAdminEmitsTheRevocation() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationAdminSet(orgId, orgAdmin, false);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationRolesRevoked(orgId, orgAdmin);
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgAdmin, false);
    }

    function test_setOrganizationAdmin_disablingANonAdminRevokesNothing() public {
        vm.recordLogs();
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, projectAdmin, false);
        assertEq(vm.getRecordedLogs().length, 1, "only OrganizationAdminSet");
        assertTrue(projects.hasRole(projectA, projectAdmin, ProjectRoles.ADMIN));
    }

    function test_setOrganizationAdmin_reEnabledAdminDoesNotGetOldRolesBack() public {
        vm.prank(orgAdmin);
        projects.grantRole(projectA, orgAdmin, ProjectRoles.SPONSOR_MANAGER);
        vm.startPrank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgAdmin, false);
        projects.setOrganizationAdmin(orgId, orgAdmin, true);
        vm.stopPrank();
        assertTrue(projects.isOrganizationAdmin(orgId, orgAdmin));
        assertEq(projects.rolesOf(projectA, orgAdmin), 0);
    }

    function test_setOrganizationAdmin_adminsAreScopedToTheirOrganization() public {
        uint64 otherOrg = projects.createOrganization(stranger, "");
        assertTrue(projects.isOrganizationAdmin(orgId, orgAdmin));
        assertFalse(projects.isOrganizationAdmin(otherOrg, orgAdmin));
    }

    function test_setOrganizationAdmin_reverts_whenCallerIsAdminNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationOwner.selector, orgId, orgAdmin));
        vm.prank(orgAdmin);
        projects.setOrganizationAdmin(orgId, stranger, true);
    }

    function test_setOrganizationAdmin_reverts_whenAccountZero() public {
        vm.expectRevert(ZeroAddress.selector);
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, address(0), true);
    }

    function test_setOrganizationAdmin_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(3)));
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(3, stranger, true);
    }
}
