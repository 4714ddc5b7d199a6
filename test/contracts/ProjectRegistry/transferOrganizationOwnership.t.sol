// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract TransferOrganizationOwnershipTest is BaseTest {
    address internal newOwner = makeAddr("newOwner");

    function test_transferOrganizationOwnership_setsPendingOwnerOnly() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationOwnershipTransferStarted(orgId, orgOwner, newOwner);
        vm.prank(orgOwner);
        projects.transferOrganizationOwnership(orgId, newOwner);

        IProjectRegistry.Organization memory org = projects.getOrganization(orgId);
        assertEq(org.owner, orgOwner, "owner unchanged until accepted");
        assertEq(org.pendingOwner, newOwner);
        assertFalse(projects.isOrganizationAdmin(orgId, newOwner));
    }

    function test_transferOrganizationOwnership_zeroCancelsPendingTransfer() public {
        vm.startPrank(orgOwner);
        projects.transferOrganizationOwnership(orgId, newOwner);
        projects.transferOrganizationOwnership(orgId, address(0));
        vm.stopPrank();

        assertEq(projects.getOrganization(orgId).pendingOwner, address(0));
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.NotPendingOrganizationOwner.selector, orgId, newOwner)
        );
        vm.prank(newOwner);
        projects.acceptOrganizationOwnership(orgId);
    }

    function test_transferOrganizationOwnership_reverts_whenCallerIsOrgAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationOwner.selector, orgId, orgAdmin));
        vm.prank(orgAdmin);
        projects.transferOrganizationOwnership(orgId, orgAdmin);
    }

    function test_transferOrganizationOwnership_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(0)));
        vm.prank(orgOwner);
        projects.transferOrganizationOwnership(0, newOwner);
    }
}
