// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract EraseTest is BaseTest {
    address internal delegate = makeAddr("delegate");
    bytes32 internal uid;

    function setUp() public override {
        super.setUp();
        uid = _attest(subject);
        _consent(subject, projectA);
        vm.prank(subject);
        kyc.setDecryptDelegate(delegate);
    }

    function test_erase_shredsTheRecordForEveryone() public {
        vm.warp(START_TIME + 5);
        vm.expectEmit(address(kyc));
        emit IKycRegistry.RecordErased(uid, subject, uint40(START_TIME + 5));
        vm.prank(subject);
        kyc.erase();

        IKycRegistry.Record memory rec = kyc.getRecord(subject);
        assertEq(uint8(rec.status), uint8(IKycRegistry.RecordStatus.Erased));
        assertEq(rec.storageId, bytes32(0));
        assertEq(rec.ciphertextHash, bytes32(0));
        assertEq(rec.sequence, 1, "the sequence is kept so the uid is never reissued");

        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(delegate, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
        assertFalse(kyc.isVerified(subject, 1));
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
        assertFalse(kyc.meetsProjectPolicy(subject, projectA));
    }

    function test_erase_afterRevocation() public {
        vm.prank(issuer);
        kyc.revoke(uid);
        vm.prank(subject);
        kyc.erase();
        assertEq(uint8(kyc.getRecord(subject).status), uint8(IKycRegistry.RecordStatus.Erased));
    }

    function test_erase_newAttestationGetsANewUidAndTheOldOneStaysDead() public {
        vm.prank(subject);
        kyc.erase();
        bytes32 fresh = _attest(subject);

        assertEq(fresh, _uid(subject, 2));
        assertTrue(kyc.canDecrypt(subject, fresh));
        assertFalse(kyc.canDecrypt(subject, uid));
        assertFalse(kyc.canDecrypt(readerA, uid));
    }

    function test_erase_withdrawsEveryConsent() public {
        // Many projects across two bitmap words, plus project B: erase must not loop over them.
        vm.startPrank(orgOwner);
        for (uint256 i = projects.projectCount() + 1; i <= 260; ++i) {
            projects.createProject(orgId, string.concat("p-", vm.toString(i)), _settings(1, new address[](0)));
        }
        vm.stopPrank();
        uint64[5] memory consented = [projectB, uint64(100), 255, 256, 260];
        for (uint256 i; i < consented.length; ++i) {
            _consent(subject, consented[i]);
        }
        assertTrue(kyc.hasConsent(subject, projectA));

        vm.recordLogs();
        vm.prank(subject);
        kyc.erase();
        assertEq(vm.getRecordedLogs().length, 1, "only RecordErased: no ConsentRevoked per project");

        assertFalse(kyc.hasConsent(subject, projectA), "project A");
        for (uint256 i; i < consented.length; ++i) {
            assertFalse(kyc.hasConsent(subject, consented[i]));
        }
        assertEq(kyc.getRecord(subject).consentEpoch, 1);
    }

    function testFuzz_erase_noConsentSurvives(uint64 projectId) public {
        vm.prank(subject);
        kyc.erase();
        assertFalse(kyc.hasConsent(subject, projectId));
    }

    function test_erase_consentsDoNotComeBackWithANewAttestation() public {
        _consent(subject, projectB);
        vm.prank(subject);
        kyc.erase();
        bytes32 fresh = _attest(subject);

        assertFalse(kyc.hasConsent(subject, projectA));
        assertFalse(kyc.hasConsent(subject, projectB));
        assertFalse(kyc.canDecrypt(readerA, fresh), "no consent to A in the new epoch");
        assertFalse(kyc.canDecrypt(readerB, fresh), "no consent to B in the new epoch");
        assertFalse(kyc.isVerifiedFor(subject, 1, projectA));
        assertFalse(kyc.meetsProjectPolicy(subject, projectA));
        assertTrue(kyc.canDecrypt(subject, fresh), "the subject itself still reads");
        assertTrue(kyc.canDecrypt(delegate, fresh), "the delegate is not a consent and survives");

        _consent(subject, projectA);
        assertTrue(kyc.hasConsent(subject, projectA));
        assertTrue(kyc.canDecrypt(readerA, fresh), "granted again");
        assertFalse(kyc.canDecrypt(readerB, fresh), "B still needs its own grant");
        assertTrue(kyc.isVerifiedFor(subject, 1, projectA));
    }

    function test_erase_consentsGrantedAfterwardsCarryOverToLaterAttestations() public {
        vm.prank(subject);
        kyc.erase();
        _consent(subject, projectA);
        bytes32 second = _attest(subject);
        assertTrue(kyc.canDecrypt(readerA, second));
        bytes32 third = _attest(subject);
        assertTrue(kyc.canDecrypt(readerA, third), "replacing an attestation keeps the epoch");
        assertEq(kyc.getRecord(subject).consentEpoch, 1);

        vm.prank(subject);
        kyc.erase();
        assertEq(kyc.getRecord(subject).consentEpoch, 2);
        assertFalse(kyc.hasConsent(subject, projectA), "a second erasure withdraws again");
    }

    function test_erase_revokeConsentAfterwardsRevertsAsIfNeverGranted() public {
        vm.prank(subject);
        kyc.erase();
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ConsentNotGranted.selector, projectA, subject));
        vm.prank(subject);
        kyc.revokeConsent(projectA);
    }

    /// attack: re-activate an erased record with an issuer signature obtained before the erasure.
    /// The attacker (or the subject's own compromised relayer) holds a valid, unused issuer
    /// signature over the subject's nonce, e.g. a renewal that was never submitted. The subject
    /// erases its record; the attacker then submits the old signature to bring a live record
    /// back under the subject's name. Now erase consumes the nonce, so the signature is stale:
    /// `NonceInvalid`, and the subject stays erased.
    function test_erase_attack_reverts_whenSignatureFromBeforeErasureIsSubmitted() public {
        uint64 nonceBefore = kyc.nonceOf(subject);
        uint256 deadline = block.timestamp + 1 days;
        IKycRegistry.AttestationRequest memory renewal = _request(subject);
        bytes memory unused = _sign(issuerKey, renewal, nonceBefore, deadline);

        vm.prank(subject);
        kyc.erase();
        assertEq(kyc.nonceOf(subject), nonceBefore + 1, "erase consumes the nonce");

        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.NonceInvalid.selector, subject, nonceBefore + 1, nonceBefore)
        );
        vm.prank(stranger);
        kyc.attestBySig(renewal, issuer, nonceBefore, deadline, unused);

        assertEq(uint8(kyc.getRecord(subject).status), uint8(IKycRegistry.RecordStatus.Erased));
        assertFalse(kyc.isVerified(subject, 1));
    }

    function test_erase_aSignatureOverTheNewNonceStillAttests() public {
        vm.prank(subject);
        kyc.erase();
        uint64 nonce = kyc.nonceOf(subject);
        uint256 deadline = block.timestamp + 1 days;
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes32 fresh = kyc.attestBySig(r, issuer, nonce, deadline, _sign(issuerKey, r, nonce, deadline));

        assertEq(fresh, _uid(subject, 2), "the uid still counts attestations only");
        assertEq(kyc.nextUid(subject), _uid(subject, 3));
        assertEq(kyc.nonceOf(subject), nonce + 1);
        assertTrue(kyc.isVerified(subject, LEVEL));
    }

    function test_erase_reverts_whenNothingRecorded() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NothingToErase.selector, stranger));
        vm.prank(stranger);
        kyc.erase();
    }

    function test_erase_reverts_whenAlreadyErased() public {
        vm.startPrank(subject);
        kyc.erase();
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NothingToErase.selector, subject));
        kyc.erase();
        vm.stopPrank();
    }
}
