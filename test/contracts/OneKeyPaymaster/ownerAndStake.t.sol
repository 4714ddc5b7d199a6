// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {IStakeManager} from "@account-abstraction/contracts-v07/interfaces/IStakeManager.sol";
import {EntryPoint as EntryPointV08} from "@account-abstraction/contracts/core/EntryPoint.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";
import {PaymasterBase} from "./PaymasterBase.sol";

/// @notice Construction, views, the owner's reserve and the EntryPoint stake.
contract OwnerAndStakeTest is PaymasterBase {
    function test_version() public view {
        assertEq(paymaster.version(), "1.0.0");
    }

    function test_constructor_wiresEverything() public view {
        assertEq(paymaster.entryPoint(), address(entryPoint));
        assertEq(paymaster.projectRegistry(), address(projects));
        assertEq(paymaster.owner(), paymasterOwner);
        assertEq(paymaster.signer(), sponsorSigner);
        assertEq(paymaster.defaultMaxOpCost(), DEFAULT_MAX_OP_COST);
        assertGt(paymaster.postOpOverheadGas(), 0);
        assertEq(paymaster.getDeposit(), entryPoint.balanceOf(address(paymaster)));
    }

    function test_constructor_reverts_forSomethingThatIsNotAnEntryPoint() public {
        address[3] memory notEntryPoints = [stranger, address(projects), address(factory)];
        for (uint256 i; i < notEntryPoints.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IOneKeyPaymaster.EntryPointUnsupported.selector, notEntryPoints[i])
            );
            new OneKeyPaymaster(IEntryPoint(notEntryPoints[i]), projects, paymasterOwner, sponsorSigner, 1);
        }
    }

    function test_constructor_reverts_onZeroRegistryOrSigner() public {
        vm.expectRevert(ZeroAddress.selector);
        new OneKeyPaymaster(entryPoint, IProjectRegistry(address(0)), paymasterOwner, sponsorSigner, 1);
        vm.expectRevert(ZeroAddress.selector);
        new OneKeyPaymaster(entryPoint, projects, paymasterOwner, address(0), 1);
    }

    /// @dev A per-operation limit of zero would refuse every operation; above MAX_BALANCE it
    /// could never bind.
    function test_constructor_reverts_onAnUnusableDefaultMaxOpCost() public {
        vm.expectRevert(IOneKeyPaymaster.AmountZero.selector);
        new OneKeyPaymaster(entryPoint, projects, paymasterOwner, sponsorSigner, 0);
        uint256 tooLarge = paymaster.MAX_BALANCE() + 1;
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.AmountTooLarge.selector, tooLarge));
        new OneKeyPaymaster(entryPoint, projects, paymasterOwner, sponsorSigner, tooLarge);
    }

    /// @dev The EntryPoint's version decides the overhead constant (each measured by accounting.t.sol).
    function test_constructor_picksTheOverheadOfItsEntryPointVersion() public {
        EntryPointV08 v08 = new EntryPointV08();
        OneKeyPaymaster onV08 = _deployPaymaster(address(v08));
        assertNotEq(onV08.postOpOverheadGas(), paymaster.postOpOverheadGas());
    }

    /*//////////////////////////////////////////////////////////////
                                 RESERVE
    //////////////////////////////////////////////////////////////*/

    function test_reserve_anyoneDeposits_onlyTheOwnerWithdraws() public {
        uint256 depositBefore = paymaster.getDeposit();
        vm.deal(stranger, 2 ether);
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.ReserveDeposited(stranger, 2 ether, 2 ether);
        vm.prank(stranger);
        paymaster.depositReserve{value: 2 ether}();
        assertEq(paymaster.reserve(), 2 ether);
        assertEq(paymaster.getDeposit(), depositBefore + 2 ether);

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.withdrawReserve(payable(stranger), 1);

        address payable to = payable(makeAddr("ops"));
        vm.expectEmit(address(paymaster));
        emit IOneKeyPaymaster.ReserveWithdrawn(to, 1.5 ether, 0.5 ether);
        vm.prank(paymasterOwner);
        paymaster.withdrawReserve(to, 1.5 ether);
        assertEq(to.balance, 1.5 ether);
        assertEq(paymaster.reserve(), 0.5 ether);
        assertEq(_balance(projectA), BUDGET, "budgets untouched");
    }

    /// @dev The owner can never reach a project's budget through the reserve.
    function test_withdrawReserve_reverts_beyondTheReserve() public {
        vm.prank(paymasterOwner);
        vm.expectRevert(abi.encodeWithSelector(IOneKeyPaymaster.ReserveInsufficient.selector, 0, 1));
        paymaster.withdrawReserve(payable(paymasterOwner), 1);
    }

    function test_reserve_reverts_onZeroAmountOrRecipient() public {
        vm.expectRevert(IOneKeyPaymaster.AmountZero.selector);
        paymaster.depositReserve();
        vm.startPrank(paymasterOwner);
        vm.expectRevert(IOneKeyPaymaster.AmountZero.selector);
        paymaster.withdrawReserve(payable(paymasterOwner), 0);
        vm.expectRevert(ZeroAddress.selector);
        paymaster.withdrawReserve(payable(address(0)), 1);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                                  STAKE
    //////////////////////////////////////////////////////////////*/

    function test_stake_lifecycle_isOwnerOnly() public {
        IStakeManager.DepositInfo memory info = entryPoint.getDepositInfo(address(paymaster));
        assertTrue(info.staked);
        assertEq(info.stake, 1 ether);
        assertEq(info.unstakeDelaySec, 1 days);

        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.addStake(1 days);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.unlockStake();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        paymaster.withdrawStake(payable(stranger));
        vm.stopPrank();

        address payable to = payable(makeAddr("stakeRecipient"));
        vm.prank(paymasterOwner);
        paymaster.unlockStake();
        vm.warp(block.timestamp + 1 days);
        vm.prank(paymasterOwner);
        paymaster.withdrawStake(to);
        assertEq(to.balance, 1 ether);
        assertEq(_balance(projectA), BUDGET, "budgets untouched");
    }

    function test_withdrawStake_reverts_toZero() public {
        vm.prank(paymasterOwner);
        vm.expectRevert(ZeroAddress.selector);
        paymaster.withdrawStake(payable(address(0)));
    }

    function test_ownership_movesInTwoSteps() public {
        vm.prank(paymasterOwner);
        paymaster.transferOwnership(governance);
        assertEq(paymaster.owner(), paymasterOwner);
        vm.prank(governance);
        paymaster.acceptOwnership();
        assertEq(paymaster.owner(), governance);
    }
}
