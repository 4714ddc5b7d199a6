// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
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
