// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract SetProjectStatusTest is BaseTest {
    IProjectRegistry.ProjectStatus internal constant ACTIVE = IProjectRegistry.ProjectStatus.Active;
    IProjectRegistry.ProjectStatus internal constant SUSPENDED = IProjectRegistry.ProjectStatus.Suspended;

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
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(3)));
        vm.prank(governance);
        projects.setProjectStatus(3, IProjectRegistry.ProjectStatus.Suspended);
    }

    /*//////////////////////////////////////////////////////////////
                        GOVERNANCE SUSPENSION HOLD
    //////////////////////////////////////////////////////////////*/

    function test_setProjectStatus_governanceSuspensionIsHeld() public {
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectStatusChanged(projectA, SUSPENDED, governance);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectGovernanceSuspensionSet(projectA, true);
        vm.prank(governance);
        projects.setProjectStatus(projectA, SUSPENDED);
        assertTrue(projects.isSuspendedByGovernance(projectA));
        assertFalse(projects.isSuspendedByGovernance(projectB));
    }

    function test_setProjectStatus_reverts_whenOrgAdminOrOwnerLiftsGovernanceSuspension() public {
        _suspend(projectA);
        address[2] memory orgSide = [orgAdmin, orgOwner];
        for (uint256 i; i < orgSide.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.SuspendedByGovernance.selector, projectA));
            vm.prank(orgSide[i]);
            projects.setProjectStatus(projectA, ACTIVE);
            // Re-suspending is refused too: the org cannot take the suspension back as its own.
            vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.SuspendedByGovernance.selector, projectA));
            vm.prank(orgSide[i]);
            projects.setProjectStatus(projectA, SUSPENDED);
        }
        assertEq(uint8(projects.projectStatus(projectA)), uint8(SUSPENDED));
        assertTrue(projects.isSuspendedByGovernance(projectA));
    }

    function test_setProjectStatus_governanceReactivationReleasesHold() public {
        _suspend(projectA);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectStatusChanged(projectA, ACTIVE, governance);
        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectGovernanceSuspensionSet(projectA, false);
        vm.prank(governance);
        projects.setProjectStatus(projectA, ACTIVE);
        assertFalse(projects.isSuspendedByGovernance(projectA));

        // The org is back in charge of its own suspensions.
        vm.prank(orgAdmin);
        projects.setProjectStatus(projectA, SUSPENDED);
        assertFalse(projects.isSuspendedByGovernance(projectA));
        vm.prank(orgAdmin);
        projects.setProjectStatus(projectA, ACTIVE);
        assertEq(uint8(projects.projectStatus(projectA)), uint8(ACTIVE));
    }

    function test_setProjectStatus_governanceTakesOverOrgSuspension() public {
        vm.prank(orgAdmin);
        projects.setProjectStatus(projectA, SUSPENDED);
        assertFalse(projects.isSuspendedByGovernance(projectA));

        // The status stays Suspended, so the hold is the only event.
        vm.recordLogs();
        vm.prank(governance);
        projects.setProjectStatus(projectA, SUSPENDED);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1);
        assertEq(logs[0].emitter, address(projects));
        assertEq(logs[0].topics[0], IProjectRegistry.ProjectGovernanceSuspensionSet.selector);
        assertEq(logs[0].topics[1], bytes32(uint256(projectA)));
        assertEq(abi.decode(logs[0].data, (bool)), true);
        assertTrue(projects.isSuspendedByGovernance(projectA));

        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.SuspendedByGovernance.selector, projectA));
        vm.prank(orgAdmin);
        projects.setProjectStatus(projectA, ACTIVE);
        assertEq(uint8(projects.projectStatus(projectA)), uint8(SUSPENDED));
    }

    function test_setProjectStatus_governanceLiftsOrgSuspensionWithoutHold() public {
        vm.prank(orgOwner);
        projects.setProjectStatus(projectA, SUSPENDED);

        vm.recordLogs();
        vm.prank(governance);
        projects.setProjectStatus(projectA, ACTIVE);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1);
        assertEq(logs[0].topics[0], IProjectRegistry.ProjectStatusChanged.selector);
        assertEq(uint8(projects.projectStatus(projectA)), uint8(ACTIVE));
        assertFalse(projects.isSuspendedByGovernance(projectA));
    }

    function test_setProjectStatus_reverts_whenGovernanceAlreadyHoldsSuspension() public {
        _suspend(projectA);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectStatusUnchanged.selector, projectA, SUSPENDED));
        vm.prank(governance);
        projects.setProjectStatus(projectA, SUSPENDED);
    }

    /// @dev Any sequence of calls by governance, the org owner and an org admin follows the rule:
    /// while governance holds a suspension, only governance changes the status; governance holds
    /// exactly the suspensions it made (including taking over the org's); re-activating releases it.
    function testFuzz_setProjectStatus_onlyGovernanceLiftsItsSuspension(uint256 seed) public {
        address[3] memory callers = [governance, orgOwner, orgAdmin];
        IProjectRegistry.ProjectStatus status = ACTIVE;
        bool held;
        for (uint256 i; i < 16; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address caller = callers[r % 3];
            IProjectRegistry.ProjectStatus target = (r >> 8) % 2 == 0 ? ACTIVE : SUSPENDED;
            bool byGovernance = caller == governance;

            bytes memory expectedError;
            if (held && !byGovernance) {
                expectedError = abi.encodeWithSelector(IProjectRegistry.SuspendedByGovernance.selector, projectA);
            } else if (target == status && !(byGovernance && target == SUSPENDED && !held)) {
                expectedError =
                    abi.encodeWithSelector(IProjectRegistry.ProjectStatusUnchanged.selector, projectA, target);
            }
            if (expectedError.length != 0) vm.expectRevert(expectedError);
            vm.prank(caller);
            projects.setProjectStatus(projectA, target);
            if (expectedError.length == 0) {
                status = target;
                held = byGovernance && target == SUSPENDED;
            }

            assertEq(uint8(projects.projectStatus(projectA)), uint8(status));
            assertEq(projects.isSuspendedByGovernance(projectA), held);
            // A hold only ever sits on a suspended project.
            assertTrue(!held || status == SUSPENDED);
        }
    }
}
