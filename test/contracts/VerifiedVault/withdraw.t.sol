// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VerifiedVault} from "../../../contracts/examples/VerifiedVault.sol";
import {EthRejecter} from "../utils/TestWallets.sol";
import {VaultBase} from "../utils/VaultBase.sol";

contract WithdrawTest is VaultBase {
    function setUp() public override {
        super.setUp();
        vm.prank(subject);
        vault.deposit{value: 3 ether}();
    }

    function test_withdraw_paysOut() public {
        uint256 before = subject.balance;
        vm.expectEmit(address(vault));
        emit VerifiedVault.Withdrawn(subject, 1 ether);
        vm.prank(subject);
        vault.withdraw(1 ether);

        assertEq(vault.balanceOf(subject), 2 ether);
        assertEq(subject.balance, before + 1 ether);
    }

    function test_withdraw_isNeverGatedOnKyc() public {
        vm.prank(subject);
        kyc.erase();
        vm.prank(subject);
        vault.withdraw(3 ether);
        assertEq(vault.balanceOf(subject), 0);
    }

    function test_withdraw_reverts_whenAmountZero() public {
        vm.expectRevert(VerifiedVault.AmountZero.selector);
        vm.prank(subject);
        vault.withdraw(0);
    }

    function test_withdraw_reverts_whenBalanceTooLow() public {
        vm.expectRevert(abi.encodeWithSelector(VerifiedVault.BalanceTooLow.selector, subject, 3 ether, 4 ether));
        vm.prank(subject);
        vault.withdraw(4 ether);

        vm.expectRevert(abi.encodeWithSelector(VerifiedVault.BalanceTooLow.selector, stranger, 0, 1));
        vm.prank(stranger);
        vault.withdraw(1);
    }

    function test_withdraw_reverts_whenRecipientRejectsEth() public {
        EthRejecter rejecter = new EthRejecter();
        _attest(address(rejecter));
        vm.prank(address(rejecter));
        kyc.grantConsent(projectA);
        rejecter.forward{value: 1 ether}(address(vault), abi.encodeCall(VerifiedVault.deposit, ()));

        vm.expectRevert(abi.encodeWithSelector(VerifiedVault.TransferFailed.selector, address(rejecter), 1 ether));
        rejecter.forward(address(vault), abi.encodeCall(VerifiedVault.withdraw, (1 ether)));
        assertEq(vault.balanceOf(address(rejecter)), 1 ether, "balance restored");
    }
}
