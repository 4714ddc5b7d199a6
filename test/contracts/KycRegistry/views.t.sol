// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {KycRegistry} from "../../../contracts/KycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract KycRegistryViewsTest is BaseTest {
    function test_version() public view {
        assertEq(kyc.version(), "1.0.0");
    }

    function test_constructor_wiresGovernanceAndProjects() public {
        KycRegistry fresh = new KycRegistry(governance, projects);
        assertEq(fresh.owner(), governance);
        assertEq(address(fresh.projects()), address(projects));
        assertEq(fresh.issuerCount(), 0);
        assertEq(fresh.STORAGE_ARWEAVE(), 1);
        assertEq(fresh.STORAGE_IRYS(), 2);
    }

    function test_getAttestation_emptyWithoutRecord() public view {
        IKycRegistry.AttestationView memory a = kyc.getAttestation(subject);
        assertEq(a.uid, bytes32(0));
        assertEq(a.subject, address(0));
        assertEq(a.issuer, address(0));
        assertEq(uint8(a.status), uint8(IKycRegistry.RecordStatus.None));
    }

    function test_getRecord_rawFields() public {
        _attest(subject);
        IKycRegistry.Record memory rec = kyc.getRecord(subject);
        assertEq(rec.issuedAt, START_TIME);
        assertEq(rec.expiresAt, START_TIME + VALIDITY);
        assertEq(rec.level, LEVEL);
        assertEq(uint8(rec.status), uint8(IKycRegistry.RecordStatus.Active));
        assertEq(rec.storageNetwork, 1);
        assertEq(rec.issuerId, 1);
        assertEq(rec.sequence, 1);
        assertEq(rec.consentEpoch, 0);
        assertEq(rec.storageId, STORAGE_ID);
        assertEq(rec.ciphertextHash, CIPHERTEXT_HASH);
    }

    /// @dev The hot fields share one slot, as the storage layout in the interface says.
    function test_record_slotZeroPacksTheHotFields() public {
        _attest(subject);
        // _records is the first mapping after issuerCount (slot 4): slot 5.
        bytes32 base = keccak256(abi.encode(subject, uint256(5)));
        uint256 word = uint256(vm.load(address(kyc), base));
        assertEq(uint40(word), START_TIME, "issuedAt");
        assertEq(uint40(word >> 40), START_TIME + VALIDITY, "expiresAt");
        assertEq(uint8(word >> 80), LEVEL, "level");
        assertEq(uint8(word >> 88), uint8(IKycRegistry.RecordStatus.Active), "status");
        assertEq(uint8(word >> 96), 1, "storageNetwork");
        assertEq(uint32(word >> 104), 1, "issuerId");
        assertEq(uint64(word >> 136), 1, "sequence");
        assertEq(uint32(word >> 200), 0, "consentEpoch");
        assertEq(word >> 232, 0, "nothing beyond 232 bits");
        assertEq(vm.load(address(kyc), bytes32(uint256(base) + 1)), STORAGE_ID);
        assertEq(vm.load(address(kyc), bytes32(uint256(base) + 2)), CIPHERTEXT_HASH);
    }

    /// @dev The consent epoch shares slot 0 and survives a new attestation; erase bumps it.
    function test_record_slotZeroHoldsTheConsentEpoch() public {
        _attest(subject);
        vm.prank(subject);
        kyc.erase();
        _attest(subject);
        bytes32 base = keccak256(abi.encode(subject, uint256(5)));
        uint256 word = uint256(vm.load(address(kyc), base));
        assertEq(uint64(word >> 136), 2, "sequence");
        assertEq(uint32(word >> 200), 1, "consentEpoch");
        assertEq(word >> 232, 0, "nothing beyond 232 bits");
    }

    function test_nonceAndNextUid_advanceWithEachAttestation() public {
        assertEq(kyc.nonceOf(subject), 0);
        assertEq(kyc.nextUid(subject), _uid(subject, 1));
        _attest(subject);
        _attest(subject);
        assertEq(kyc.nonceOf(subject), 2);
        assertEq(kyc.nextUid(subject), _uid(subject, 3));
        assertEq(kyc.getAttestation(subject).uid, _uid(subject, 2));
    }

    function testFuzz_uid_encodesSubjectAndSequence(address who, uint8 count) public {
        vm.assume(who != address(0));
        count = uint8(bound(count, 1, 5));
        bytes32 uid;
        for (uint256 i; i < count; ++i) {
            uid = _attest(who);
        }
        assertEq(address(uint160(uint256(uid) >> 96)), who);
        assertEq(uint64(uint256(uid)), count);
        assertEq(uint32(uint256(uid) >> 64), 0, "bits 64..95 are zero");
    }
}
