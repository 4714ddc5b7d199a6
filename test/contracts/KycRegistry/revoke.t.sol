// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RevokeTest is BaseTest {
    bytes32 internal uid;

    function setUp() public override {
        super.setUp();
        uid = _attest(subject);
        _consent(subject, projectA);
    }

    function test_revoke_byIssuer() public {
        vm.warp(START_TIME + 100);
        vm.expectEmit(address(kyc));
        emit IKycRegistry.AttestationRevoked(uid, subject, issuer, uint40(START_TIME + 100));
        vm.prank(issuer);
        kyc.revoke(uid);

        assertEq(uint8(kyc.getRecord(subject).status), uint8(IKycRegistry.RecordStatus.Revoked));
        assertFalse(kyc.isVerified(subject, 1));
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
        assertFalse(kyc.meetsProjectPolicy(subject, projectA));
        assertEq(kyc.getRecord(subject).storageId, STORAGE_ID, "revocation keeps the pointer");
    }

    /// @dev attack: the subject keeps an unused issuer signature (made for its current nonce),
    /// the issuer revokes the subject's attestation (say, fraud found), and the subject submits
    /// the kept signature to be verified again. Revocation consumes the nonce, so it is refused.
    function test_revoke_attack_reverts_whenSignatureFromBeforeRevocationIsSubmitted() public {
        uint64 nonceBefore = kyc.nonceOf(subject);
        uint256 deadline = block.timestamp + 1 days;
        IKycRegistry.AttestationRequest memory renewal = _request(subject);
        bytes memory kept = _sign(issuerKey, renewal, nonceBefore, deadline);

        vm.prank(issuer);
        kyc.revoke(uid);
        assertEq(kyc.nonceOf(subject), nonceBefore + 1, "revocation consumes the nonce");
        assertEq(kyc.getRecord(subject).revocations, 1);

        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.NonceInvalid.selector, subject, nonceBefore + 1, nonceBefore)
        );
        vm.prank(subject);
        kyc.attestBySig(renewal, issuer, nonceBefore, deadline, kept);
        assertFalse(kyc.isVerified(subject, 1));

        // A signature the issuer makes after revoking, over the new nonce, still attests.
        uint64 nonce = kyc.nonceOf(subject);
        kyc.attestBySig(renewal, issuer, nonce, deadline, _sign(issuerKey, renewal, nonce, deadline));
        assertTrue(kyc.isVerified(subject, 1));
    }

    function test_revoke_byGovernance() public {
        vm.expectEmit(address(kyc));
        emit IKycRegistry.AttestationRevoked(uid, subject, governance, uint40(START_TIME));
        vm.prank(governance);
        kyc.revoke(uid);
        assertFalse(kyc.isVerified(subject, 1));
    }

    function test_revoke_reverts_whenCallerIsAnotherIssuer() public {
        vm.prank(governance);
        kyc.registerIssuer(otherSigner);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NotAttestationIssuer.selector, uid, otherSigner));
        vm.prank(otherSigner);
        kyc.revoke(uid);
    }

    function test_revoke_reverts_whenCallerIsSubject() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NotAttestationIssuer.selector, uid, subject));
        vm.prank(subject);
        kyc.revoke(uid);
    }

    function test_revoke_reverts_whenAlreadyRevoked() public {
        vm.startPrank(issuer);
        kyc.revoke(uid);
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.AttestationNotActive.selector, uid, IKycRegistry.RecordStatus.Revoked)
        );
        kyc.revoke(uid);
        vm.stopPrank();
    }

    function test_revoke_reverts_whenErased() public {
        vm.prank(subject);
        kyc.erase();
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.AttestationNotActive.selector, uid, IKycRegistry.RecordStatus.Erased)
        );
        vm.prank(issuer);
        kyc.revoke(uid);
    }

    function test_revoke_reverts_whenSuperseded() public {
        bytes32 second = _attest(subject);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.AttestationNotCurrent.selector, uid, second));
        vm.prank(issuer);
        kyc.revoke(uid);
    }

    function test_revoke_reverts_whenUidUnknown() public {
        bytes32[4] memory unknown = [
            _uid(subject, 2), // not issued yet
            _uid(subject, 0), // sequence zero never exists
            _uid(stranger, 1), // subject without attestations
            bytes32(0)
        ];
        vm.startPrank(issuer);
        for (uint256 i; i < unknown.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IKycRegistry.AttestationNotFound.selector, unknown[i]));
            kyc.revoke(unknown[i]);
        }
        vm.stopPrank();
    }

    function test_revoke_reverts_whenUidHasGarbageInTheReservedBits() public {
        bytes32 garbage = uid | bytes32(uint256(1) << 64);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.AttestationNotCurrent.selector, garbage, uid));
        vm.prank(issuer);
        kyc.revoke(garbage);
    }

    function test_revoke_expiredAttestationCanStillBeRevoked() public {
        vm.warp(START_TIME + VALIDITY + 1);
        vm.prank(issuer);
        kyc.revoke(uid);
        assertEq(uint8(kyc.getRecord(subject).status), uint8(IKycRegistry.RecordStatus.Revoked));
    }
}
