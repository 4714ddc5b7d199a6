// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {VerifiedVault} from "../../../contracts/examples/VerifiedVault.sol";
import {VaultBase} from "../utils/VaultBase.sol";

contract DepositTest is VaultBase {
    function test_constructor_storesItsPolicy() public view {
        assertEq(address(vault.registry()), address(kyc));
        assertEq(vault.projectId(), projectA);
        assertEq(vault.minLevel(), LEVEL);
    }

    function test_deposit_creditsAVerifiedConsentingAccount() public {
        vm.expectEmit(address(vault));
        emit VerifiedVault.Deposited(subject, 1 ether);
        vm.prank(subject);
        vault.deposit{value: 1 ether}();

        assertEq(vault.balanceOf(subject), 1 ether);
        assertEq(address(vault).balance, 1 ether);
    }

    function test_deposit_reverts_whenNotVerified() public {
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, stranger, LEVEL, projectA));
        vm.prank(stranger);
        vault.deposit{value: 1 ether}();
    }

    function test_deposit_reverts_whenConsentOnlyToAnotherProject() public {
        vm.startPrank(subject);
        kyc.revokeConsent(projectA);
        kyc.grantConsent(projectB);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vault.deposit{value: 1 ether}();
        vm.stopPrank();
    }

    function test_deposit_reverts_whenLevelTooLow() public {
        VerifiedVault strict = new VerifiedVault(kyc, projectA, LEVEL + 1);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL + 1, projectA));
        vm.prank(subject);
        strict.deposit{value: 1 ether}();
    }

    function test_deposit_reverts_whenRevokedOrExpired() public {
        vm.warp(START_TIME + VALIDITY);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vm.prank(subject);
        vault.deposit{value: 1 ether}();

        vm.warp(START_TIME);
        vm.prank(issuer);
        kyc.revoke(uid);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, projectA));
        vm.prank(subject);
        vault.deposit{value: 1 ether}();
    }

    function test_deposit_reverts_whenAmountZero() public {
        vm.expectRevert(VerifiedVault.AmountZero.selector);
        vm.prank(subject);
        vault.deposit();
    }

    function testFuzz_deposit_accumulates(uint96 a, uint96 b) public {
        vm.assume(a > 0 && b > 0);
        vm.deal(subject, uint256(a) + b);
        vm.startPrank(subject);
        vault.deposit{value: a}();
        vault.deposit{value: b}();
        vm.stopPrank();
        assertEq(vault.balanceOf(subject), uint256(a) + b);
    }
}
