// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound, ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {EthRejecter} from "../utils/TestWallets.sol";
import {PaymasterBase} from "./PaymasterBase.sol";

/// @notice fundProject, withdrawBudget and syncProjectStatus.
contract BudgetsTest is PaymasterBase {
    /*//////////////////////////////////////////////////////////////
                                 FUNDING
    //////////////////////////////////////////////////////////////*/

    function testFuzz_fundProject_anyoneFunds_andTheDepositGrowsAlike(uint96 amount) public {
        amount = uint96(bound(amount, 1, 1_000 ether));
        uint256 depositBefore = entryPoint.balanceOf(address(paymaster));
        vm.deal(stranger, amount);
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.ProjectFunded(projectA, stranger, amount, BUDGET + amount);
        vm.prank(stranger);
        paymaster.fundProject{value: amount}(projectA);
        assertEq(_balance(projectA), BUDGET + amount);
        assertEq(entryPoint.balanceOf(address(paymaster)), depositBefore + amount);
        assertEq(address(paymaster).balance, 0, "nothing stays in the paymaster itself");
    }

    function test_fundProject_mirrorsTheRegistryStatus() public {
        assertFalse(paymaster.projectBudget(projectB).active);
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.ProjectStatusSynced(projectB, true);
        _fund(projectB, 1 ether);
        assertTrue(paymaster.projectBudget(projectB).active);
    }

    function test_fundProject_acceptsASuspendedProject_thatStaysInactive() public {
        _suspend(projectB);
        _fund(projectB, 1 ether);
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectB);
        assertEq(budget.balance, 1 ether);
        assertFalse(budget.active);
    }

    function test_fundProject_reverts_forAnUnknownProject() public {
        vm.deal(funder, 1 ether);
        vm.prank(funder);
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(99)));
        paymaster.fundProject{value: 1 ether}(99);
    }

    function test_fundProject_reverts_withoutValue() public {
        vm.expectRevert(IOneKeyPaymaster.AmountZero.selector);
        paymaster.fundProject(projectA);
    }

    function test_fundProject_reverts_pastMaxBalance() public {
        uint256 amount = paymaster.MAX_BALANCE() - BUDGET + 1;
        vm.deal(funder, amount);
        vm.prank(funder);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.AmountTooLarge.selector, amount));
        paymaster.fundProject{value: amount}(projectA);
    }

    /*//////////////////////////////////////////////////////////////
                               WITHDRAWING
    //////////////////////////////////////////////////////////////*/

    function testFuzz_withdrawBudget_sponsorManagerWithdraws(uint96 amount) public {
        amount = uint96(bound(amount, 1, BUDGET));
        address payable to = payable(makeAddr("treasury"));
        uint256 depositBefore = entryPoint.balanceOf(address(paymaster));
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.BudgetWithdrawn(projectA, sponsorManager, to, amount, BUDGET - amount);
        vm.prank(sponsorManager);
        paymaster.withdrawBudget(projectA, to, amount);
        assertEq(_balance(projectA), BUDGET - amount);
        assertEq(to.balance, amount);
        assertEq(entryPoint.balanceOf(address(paymaster)), depositBefore - amount);
    }

    function test_withdrawBudget_reverts_forANonManager() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.NotSponsorManager.selector, projectA, stranger));
        paymaster.withdrawBudget(projectA, payable(stranger), 1);
    }

    /// @dev Other roles on the project, the org owner, the funder and the paymaster owner are not
    /// sponsor managers either.
    function test_withdrawBudget_reverts_forEveryOtherRole() public {
        address[5] memory others = [projectAdmin, readerA, orgOwner, funder, paymasterOwner];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.NotSponsorManager.selector, projectA, others[i]));
            paymaster.withdrawBudget(projectA, payable(others[i]), 1);
        }
    }

    function test_withdrawBudget_reverts_forTheManagerOfAnotherProject() public {
        vm.prank(orgOwner);
        projects.grantRole(projectB, stranger, ProjectRoles.SPONSOR_MANAGER);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.NotSponsorManager.selector, projectA, stranger));
        paymaster.withdrawBudget(projectA, payable(stranger), 1);
    }

    function test_withdrawBudget_reverts_afterTheRoleIsRevoked() public {
        vm.prank(orgOwner);
        projects.revokeRole(projectA, sponsorManager, ProjectRoles.SPONSOR_MANAGER);
        vm.prank(sponsorManager);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.NotSponsorManager.selector, projectA, sponsorManager));
        paymaster.withdrawBudget(projectA, payable(sponsorManager), 1);
    }

    function test_withdrawBudget_worksForASuspendedProject() public {
        _suspend(projectA);
        vm.prank(sponsorManager);
        paymaster.withdrawBudget(projectA, payable(sponsorManager), BUDGET);
        assertEq(_balance(projectA), 0);
        assertEq(sponsorManager.balance, BUDGET);
    }

    function test_withdrawBudget_reverts_beyondTheBalance() public {
        vm.prank(sponsorManager);
        vm.expectRevert(
            abi.encodeWithSelector(IOneKeyPaymaster.ProjectBudgetInsufficient.selector, projectA, BUDGET, BUDGET + 1)
        );
        paymaster.withdrawBudget(projectA, payable(sponsorManager), BUDGET + 1);
    }

    function test_withdrawBudget_reverts_onZeroAmountOrRecipient() public {
        vm.startPrank(sponsorManager);
        vm.expectRevert(IOneKeyPaymaster.AmountZero.selector);
        paymaster.withdrawBudget(projectA, payable(sponsorManager), 0);
        vm.expectRevert(ZeroAddress.selector);
        paymaster.withdrawBudget(projectA, payable(address(0)), 1);
        vm.stopPrank();
    }

    function test_withdrawBudget_revertsWholly_whenTheRecipientRejectsEth() public {
        address rejecter = address(new EthRejecter());
        vm.prank(sponsorManager);
        vm.expectRevert();
        paymaster.withdrawBudget(projectA, payable(rejecter), 1 ether);
        assertEq(_balance(projectA), BUDGET, "balance restored");
    }

    /*//////////////////////////////////////////////////////////////
                                 SYNCING
    //////////////////////////////////////////////////////////////*/

    function test_syncProjectStatus_followsSuspensionAndReactivation() public {
        _suspend(projectA);
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.ProjectStatusSynced(projectA, false);
        vm.prank(stranger);
        assertFalse(paymaster.syncProjectStatus(projectA));
        assertFalse(paymaster.projectBudget(projectA).active);

        vm.prank(governance);
        projects.setProjectStatus(projectA, IProjectRegistry.ProjectStatus.Active);
        assertTrue(paymaster.syncProjectStatus(projectA));
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectA);
        assertTrue(budget.active);
        assertEq(budget.balance, BUDGET, "balance untouched");
    }

    function test_syncProjectStatus_emitsNothing_whenUnchanged() public {
        vm.recordLogs();
        assertTrue(paymaster.syncProjectStatus(projectA));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 0);
    }

    function test_syncProjectStatus_unknownProjectStaysInactive() public {
        assertFalse(paymaster.syncProjectStatus(42));
        assertFalse(paymaster.projectBudget(42).active);
    }
}
