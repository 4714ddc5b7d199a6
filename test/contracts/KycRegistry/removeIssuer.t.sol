// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RemoveIssuerTest is BaseTest {
    function test_removeIssuer_stopsNewAttestations() public {
        vm.expectEmit(address(kyc));
        emit IKycRegistry.IssuerRemoved(issuer, 1);
        vm.prank(governance);
        kyc.removeIssuer(issuer);

        assertFalse(kyc.isIssuer(issuer));
        assertEq(kyc.issuerOf(1), issuer, "the id keeps naming the issuer for old records");

        IKycRegistry.AttestationRequest memory request = _request(subject);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, issuer));
        vm.prank(issuer);
        kyc.attest(request);
    }

    function test_removeIssuer_keepsExistingAttestationsLive() public {
        bytes32 uid = _attest(subject);
        vm.prank(governance);
        kyc.removeIssuer(issuer);

        assertTrue(kyc.isVerified(subject, LEVEL));
        assertEq(kyc.getAttestation(subject).issuer, issuer);
        // The removed issuer may still revoke what it issued.
        vm.prank(issuer);
        kyc.revoke(uid);
        assertFalse(kyc.isVerified(subject, 1));
    }

    function test_removeIssuer_reverts_whenNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, otherSigner));
        vm.prank(governance);
        kyc.removeIssuer(otherSigner);
    }

    function test_removeIssuer_reverts_whenRemovedTwice() public {
        vm.startPrank(governance);
        kyc.removeIssuer(issuer);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, issuer));
        kyc.removeIssuer(issuer);
        vm.stopPrank();
    }

    function test_removeIssuer_reverts_whenCallerNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, issuer));
        vm.prank(issuer);
        kyc.removeIssuer(issuer);
    }
}
