// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RevokeOrganizationRolesTest is BaseTest {
    address internal member = makeAddr("member");
    uint64 internal otherOrg;
    uint64 internal otherProject;

    function setUp() public override {
        super.setUp();
        // `member` holds every kind of role and an offer across the organization's projects...
        vm.startPrank(orgOwner);
        projects.grantRole(projectA, member, ProjectRoles.ADMIN);
        projects.grantRole(projectA, member, ProjectRoles.SPONSOR_MANAGER);
        vm.stopPrank();
        _grantReader(projectB, member);
        vm.prank(orgOwner);
        uint64 gamma = projects.createProject(orgId, "gamma", _settings(1, new address[](0)));
        vm.prank(orgOwner);
        projects.grantRole(gamma, member, ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(gamma, member), ProjectRoles.READER);

        // ...and reads for a project of another organization.
        address otherOwner = makeAddr("otherOwner");
        vm.startPrank(otherOwner);
        otherOrg = projects.createOrganization(otherOwner, "");
        otherProject = projects.createProject(otherOrg, "other", _settings(1, new address[](0)));
        projects.grantRole(otherProject, member, ProjectRoles.READER);
        vm.stopPrank();
        vm.prank(member);
        projects.acceptRole(otherProject, ProjectRoles.READER);
    }

    function test_revokeOrganizationRoles_revokesEveryRoleAndOfferInTheOrganization() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationRolesRevoked(orgId, member);
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(orgId, member);

        for (uint64 id = 1; id <= 3; ++id) {
            assertEq(projects.rolesOf(id, member), 0);
            assertEq(projects.offeredRolesOf(id, member), 0);
        }
        assertFalse(projects.hasRole(projectA, member, ProjectRoles.SPONSOR_MANAGER), "no budget withdrawals");
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, member));
        vm.prank(member);
        projects.grantRole(projectA, member, ProjectRoles.READER);

        // Other organizations' roles are untouched.
        uint64[] memory ids = projects.readerProjectsOf(member);
        assertEq(ids.length, 1);
        assertEq(ids[0], otherProject);
        assertTrue(projects.hasRole(otherProject, member, ProjectRoles.READER));
    }

    function test_revokeOrganizationRoles_stopsDecryption() public {
        bytes32 uid = _attest(subject);
        _consent(subject, projectB);
        assertTrue(kyc.canDecrypt(member, uid));
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(orgId, member);
        assertFalse(kyc.canDecrypt(member, uid));
    }

    function test_revokeOrganizationRoles_costsTheSameWhateverTheRolesHeld() public {
        address many = makeAddr("many");
        address few = makeAddr("few");
        vm.startPrank(orgOwner);
        for (uint256 i; i < 20; ++i) {
            uint64 id = projects.createProject(orgId, string.concat("p-", vm.toString(i)), _settings(1, new address[](0)));
            projects.grantRole(id, many, ProjectRoles.ADMIN);
            projects.grantRole(id, many, ProjectRoles.SPONSOR_MANAGER);
        }
        projects.grantRole(projectA, few, ProjectRoles.SPONSOR_MANAGER);

        uint256 before = gasleft();
        projects.revokeOrganizationRoles(orgId, many);
        uint256 manyGas = before - gasleft();
        before = gasleft();
        projects.revokeOrganizationRoles(orgId, few);
        uint256 fewGas = before - gasleft();
        vm.stopPrank();

        // A loop would cost thousands of gas per role (40 roles here); the two differ by a few units.
        assertApproxEqAbs(manyGas, fewGas, 50, "no loop over the account's roles");
        assertEq(projects.rolesOf(projects.projectCount(), many), 0);
    }

    function test_revokeOrganizationRoles_revokedRolesNeverComeBack() public {
        vm.startPrank(orgOwner);
        projects.revokeOrganizationRoles(orgId, member);
        // Granted again afterwards: only the new grant counts, not the old ADMIN on A.
        projects.grantRole(projectA, member, ProjectRoles.SPONSOR_MANAGER);
        vm.stopPrank();
        assertEq(projects.rolesOf(projectA, member), ProjectRoles.SPONSOR_MANAGER);

        // Reading for B again lists B once, beside the other organization's project.
        _grantReader(projectB, member);
        uint64[] memory ids = projects.readerProjectsOf(member);
        assertEq(ids.length, 2);
        assertEq(ids[0], otherProject);
        assertEq(ids[1], projectB);

        // Renouncing the new reader role works on the live entry, not the revoked one.
        vm.prank(member);
        projects.renounceRole(projectB, ProjectRoles.READER);
        assertEq(projects.readerProjectsOf(member).length, 1);
    }

    function test_revokeOrganizationRoles_ofAnAccountWithoutRolesOnlyEmits() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationRolesRevoked(orgId, stranger);
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(orgId, stranger);
        assertEq(projects.rolesOf(projectA, stranger), 0);
    }

    function test_revokeOrganizationRoles_reverts_whenCallerIsAdminNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationOwner.selector, orgId, orgAdmin));
        vm.prank(orgAdmin);
        projects.revokeOrganizationRoles(orgId, member);
    }

    function test_revokeOrganizationRoles_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(9)));
        vm.prank(orgOwner);
        projects.revokeOrganizationRoles(9, member);
    }
}
