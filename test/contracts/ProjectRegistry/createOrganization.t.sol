// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract CreateOrganizationTest is BaseTest {
    function test_createOrganization_storesOwnerAndMetadata() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationCreated(2, stranger, "ipfs://new");
        vm.prank(stranger);
        uint64 id = projects.createOrganization(stranger, "ipfs://new");

        assertEq(id, 2);
        assertEq(projects.organizationCount(), 2);
        IProjectRegistry.Organization memory org = projects.getOrganization(id);
        assertEq(org.owner, stranger);
        assertEq(org.pendingOwner, address(0));
        assertEq(org.metadataURI, "ipfs://new");
    }

    function test_createOrganization_letsAnyoneCreateForAnotherOwner() public {
        vm.prank(stranger);
        uint64 id = projects.createOrganization(orgOwner, "");
        assertEq(projects.getOrganization(id).owner, orgOwner);
        assertTrue(projects.isOrganizationAdmin(id, orgOwner));
        assertFalse(projects.isOrganizationAdmin(id, stranger));
    }

    function test_createOrganization_reverts_whenOwnerZero() public {
        vm.expectRevert(ZeroAddress.selector);
        projects.createOrganization(address(0), "ipfs://org");
    }

    function testFuzz_createOrganization_assignsSequentialIds(uint8 count) public {
        count = uint8(bound(count, 1, 20));
        for (uint64 i = 1; i <= count; ++i) {
            assertEq(projects.createOrganization(stranger, ""), 1 + i);
        }
        assertEq(projects.organizationCount(), 1 + uint64(count));
    }
}
