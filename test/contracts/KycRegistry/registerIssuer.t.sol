// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RegisterIssuerTest is BaseTest {
    /// @dev Storage slot of `issuerCount` (after Ownable, Ownable2Step and EIP712's two fallback
    /// strings). The test reads it back through the getter, so a layout change fails loudly.
    uint256 internal constant ISSUER_COUNT_SLOT = 4;

    function test_registerIssuer_assignsSequentialIds() public {
        vm.expectEmit(address(kyc));
        emit IKycRegistry.IssuerRegistered(otherSigner, 2);
        vm.prank(governance);
        uint32 id = kyc.registerIssuer(otherSigner);

        assertEq(id, 2);
        assertEq(kyc.issuerCount(), 2);
        assertTrue(kyc.isIssuer(otherSigner));
        assertEq(kyc.issuerOf(2), otherSigner);
        assertEq(kyc.issuerOf(1), issuer);
    }

    function test_registerIssuer_reRegistrationKeepsTheSameId() public {
        vm.startPrank(governance);
        kyc.removeIssuer(issuer);
        vm.expectEmit(address(kyc));
        emit IKycRegistry.IssuerRegistered(issuer, 1);
        uint32 id = kyc.registerIssuer(issuer);
        vm.stopPrank();

        assertEq(id, 1);
        assertEq(kyc.issuerCount(), 1, "no new id is spent");
        assertTrue(kyc.isIssuer(issuer));
    }

    function test_registerIssuer_reverts_whenAlreadyRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerAlreadyRegistered.selector, issuer));
        vm.prank(governance);
        kyc.registerIssuer(issuer);
    }

    function test_registerIssuer_reverts_whenZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, address(0)));
        vm.prank(governance);
        kyc.registerIssuer(address(0));
    }

    function test_registerIssuer_reverts_whenCallerNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, issuer));
        vm.prank(issuer);
        kyc.registerIssuer(otherSigner);
    }

    function test_registerIssuer_reverts_whenIdsExhausted() public {
        vm.store(address(kyc), bytes32(ISSUER_COUNT_SLOT), bytes32(uint256(type(uint32).max)));
        assertEq(kyc.issuerCount(), type(uint32).max, "slot of issuerCount moved");

        vm.expectRevert(IKycRegistry.IssuersExhausted.selector);
        vm.prank(governance);
        kyc.registerIssuer(otherSigner);

        // A known issuer keeps its id and can still come back.
        vm.startPrank(governance);
        kyc.removeIssuer(issuer);
        assertEq(kyc.registerIssuer(issuer), 1);
        vm.stopPrank();
    }
}
