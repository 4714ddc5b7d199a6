// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract SetOrganizationMetadataTest is BaseTest {
    function test_setOrganizationMetadata_byOwner() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.OrganizationMetadataUpdated(orgId, "ipfs://v2");
        vm.prank(orgOwner);
        projects.setOrganizationMetadata(orgId, "ipfs://v2");
        assertEq(projects.getOrganization(orgId).metadataURI, "ipfs://v2");
    }

    function test_setOrganizationMetadata_byOrgAdmin() public {
        vm.prank(orgAdmin);
        projects.setOrganizationMetadata(orgId, "ipfs://v3");
        assertEq(projects.getOrganization(orgId).metadataURI, "ipfs://v3");
    }

    function test_setOrganizationMetadata_reverts_whenCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationAdmin.selector, orgId, projectAdmin));
        vm.prank(projectAdmin);
        projects.setOrganizationMetadata(orgId, "ipfs://x");
    }

    function test_setOrganizationMetadata_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(9)));
        vm.prank(orgOwner);
        projects.setOrganizationMetadata(9, "ipfs://x");
    }
}
