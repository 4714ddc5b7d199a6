// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
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
        vm.expectRevert(IProjectRegistry.ZeroAddress.selector);
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, address(0), true);
    }

    function test_setOrganizationAdmin_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(3)));
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(3, stranger, true);
    }
}
