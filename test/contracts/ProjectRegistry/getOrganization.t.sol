// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract GetOrganizationTest is BaseTest {
    function test_getOrganization_returnsStoredFields() public view {
        IProjectRegistry.Organization memory org = projects.getOrganization(orgId);
        assertEq(org.owner, orgOwner);
        assertEq(org.pendingOwner, address(0));
        assertEq(org.metadataURI, "ipfs://org");
    }

    function test_getOrganization_reverts_whenMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(2)));
        projects.getOrganization(2);
    }

    function test_isOrganizationAdmin_falseForUnknownOrganization() public view {
        assertFalse(projects.isOrganizationAdmin(42, orgOwner));
        assertFalse(projects.isOrganizationAdmin(42, address(0)), "zero is never the owner of a missing org");
    }
}
