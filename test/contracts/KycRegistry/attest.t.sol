// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract AttestTest is BaseTest {
    function test_attest_storesRecordAndEmitsEveryField() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes32 expectedUid = _uid(subject, 1);
        assertEq(kyc.nextUid(subject), expectedUid);

        vm.expectEmit(address(kyc));
        emit IKycRegistry.AttestationCreated(
            expectedUid, subject, issuer, LEVEL, uint40(START_TIME), r.expiresAt, 1, STORAGE_ID, CIPHERTEXT_HASH
        );
        vm.prank(issuer);
        bytes32 uid = kyc.attest(r);

        assertEq(uid, expectedUid);
        IKycRegistry.AttestationView memory a = kyc.getAttestation(subject);
        assertEq(a.uid, uid);
        assertEq(a.subject, subject);
        assertEq(a.issuer, issuer);
        assertEq(a.level, LEVEL);
        assertEq(uint8(a.status), uint8(IKycRegistry.RecordStatus.Active));
        assertEq(a.issuedAt, START_TIME);
        assertEq(a.expiresAt, r.expiresAt);
        assertEq(a.storageNetwork, 1);
        assertEq(a.storageId, STORAGE_ID);
        assertEq(a.ciphertextHash, CIPHERTEXT_HASH);
        assertEq(kyc.nonceOf(subject), 1);
        assertTrue(kyc.isVerified(subject, LEVEL));
    }

    function test_attest_replacesPreviousAttestation() public {
        bytes32 first = _attest(subject);
        vm.warp(START_TIME + 10);
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = 5;
        r.storageNetwork = 2; // Irys
        r.storageId = keccak256("second");
        bytes32 second = _attest(r);

        assertEq(second, _uid(subject, 2));
        assertTrue(first != second);
        IKycRegistry.Record memory rec = kyc.getRecord(subject);
        assertEq(rec.sequence, 2);
        assertEq(rec.level, 5);
        assertEq(rec.storageNetwork, 2);
        assertEq(rec.storageId, keccak256("second"));
        assertEq(rec.issuedAt, START_TIME + 10);
        assertEq(rec.issuerId, 1);
        // The superseded uid can no longer be used.
        assertFalse(kyc.canDecrypt(subject, first));
        assertTrue(kyc.canDecrypt(subject, second));
    }

    function test_attest_reactivatesAfterRevocationWithANewUid() public {
        bytes32 first = _attest(subject);
        vm.prank(issuer);
        kyc.revoke(first);
        bytes32 second = _attest(subject);
        assertEq(second, _uid(subject, 2));
        assertTrue(kyc.isVerified(subject, LEVEL));
    }

    function test_attest_reverts_whenCallerNotIssuer() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, stranger));
        vm.prank(stranger);
        kyc.attest(r);
    }

    function test_attest_reverts_whenSubjectZero() public {
        IKycRegistry.AttestationRequest memory r = _request(address(0));
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SubjectInvalid.selector, address(0)));
        vm.prank(issuer);
        kyc.attest(r);
    }

    function test_attest_reverts_whenLevelZero() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = 0;
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.LevelInvalid.selector, uint8(0)));
        vm.prank(issuer);
        kyc.attest(r);
    }

    function test_attest_reverts_whenExpiryNotInFuture() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.expiresAt = uint40(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ExpiryInvalid.selector, r.expiresAt, block.timestamp));
        vm.prank(issuer);
        kyc.attest(r);

        r.expiresAt = 0;
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.ExpiryInvalid.selector, uint40(0), block.timestamp));
        vm.prank(issuer);
        kyc.attest(r);
    }

    function test_attest_reverts_whenStorageNetworkUnknown() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        uint8[3] memory bad = [uint8(0), 3, 255];
        for (uint256 i; i < bad.length; ++i) {
            r.storageNetwork = bad[i];
            vm.expectRevert(abi.encodeWithSelector(IKycRegistry.StorageNetworkInvalid.selector, bad[i]));
            vm.prank(issuer);
            kyc.attest(r);
        }
    }

    function test_attest_reverts_whenStorageIdZero() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.storageId = bytes32(0);
        vm.expectRevert(IKycRegistry.StorageIdInvalid.selector);
        vm.prank(issuer);
        kyc.attest(r);
    }

    function test_attest_reverts_whenCiphertextHashZero() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.ciphertextHash = bytes32(0);
        vm.expectRevert(IKycRegistry.CiphertextHashInvalid.selector);
        vm.prank(issuer);
        kyc.attest(r);
    }

    function testFuzz_attest_roundTripsEveryField(
        address subject_,
        uint8 level,
        uint40 ttl,
        bool irys,
        bytes32 storageId,
        bytes32 ciphertextHash
    ) public {
        vm.assume(subject_ != address(0) && level != 0 && storageId != 0 && ciphertextHash != 0);
        ttl = uint40(bound(ttl, 1, type(uint40).max - block.timestamp));
        IKycRegistry.AttestationRequest memory r = IKycRegistry.AttestationRequest({
            subject: subject_,
            level: level,
            expiresAt: uint40(block.timestamp) + ttl,
            storageNetwork: irys ? 2 : 1,
            storageId: storageId,
            ciphertextHash: ciphertextHash
        });
        bytes32 uid = _attest(r);

        IKycRegistry.AttestationView memory a = kyc.getAttestation(subject_);
        assertEq(uid, _uid(subject_, 1));
        assertEq(a.uid, uid);
        assertEq(a.level, level);
        assertEq(a.expiresAt, r.expiresAt);
        assertEq(a.storageNetwork, r.storageNetwork);
        assertEq(a.storageId, storageId);
        assertEq(a.ciphertextHash, ciphertextHash);
        assertTrue(kyc.isVerified(subject_, level));
        assertEq(kyc.isVerified(subject_, level == 255 ? 255 : level + 1), level == 255);
    }
}
