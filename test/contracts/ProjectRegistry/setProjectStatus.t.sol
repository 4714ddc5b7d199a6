// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract SetProjectStatusTest is BaseTest {
    function test_setProjectStatus_governanceSuspendsAndReactivates() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectStatusChanged(projectA, IProjectRegistry.ProjectStatus.Suspended, governance);
        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Suspended);
        assertEq(uint8(projects.projectStatus(projectA)), uint8(IProjectRegistry.ProjectStatus.Suspended));

        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Active);
        assertEq(uint8(projects.projectStatus(projectA)), uint8(IProjectRegistry.ProjectStatus.Active));
    }

    function test_setProjectStatus_orgOwnerAndOrgAdminMayChangeIt() public {
        vm.prank(orgOwner);
        projects.setProjectStatus(projectB, IProjectRegistry.ProjectStatus.Suspended);

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectStatusChanged(projectB, IProjectRegistry.ProjectStatus.Active, orgAdmin);
        vm.prank(orgAdmin);
        projects.setProjectStatus(projectB, IProjectRegistry.ProjectStatus.Active);
        assertEq(uint8(projects.getProject(projectB).status), uint8(IProjectRegistry.ProjectStatus.Active));
    }

    function test_setProjectStatus_reverts_whenCallerIsProjectAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.NotAllowedToChangeStatus.selector, projectA, projectAdmin)
        );
        vm.prank(projectAdmin);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Suspended);
    }

    function test_setProjectStatus_reverts_whenCallerIsAdminOfAnotherOrganization() public {
        uint64 otherOrg = projects.createOrganization(stranger, "");
        assertTrue(projects.isOrganizationAdmin(otherOrg, stranger));
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotAllowedToChangeStatus.selector, projectA, stranger));
        vm.prank(stranger);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Suspended);
    }

    function test_setProjectStatus_reverts_whenUnchanged() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProjectRegistry.ProjectStatusUnchanged.selector, projectA, IProjectRegistry.ProjectStatus.Active
            )
        );
        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Active);
    }

    function test_setProjectStatus_reverts_whenStatusNone() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProjectRegistry.ProjectStatusUnchanged.selector, projectA, IProjectRegistry.ProjectStatus.None
            )
        );
        vm.prank(orgOwner);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.None);
    }

    function test_setProjectStatus_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectNotFound.selector, uint64(3)));
        vm.prank(governance);
        projects.setProjectStatus(3, IProjectRegistry.ProjectStatus.Suspended);
    }
}
