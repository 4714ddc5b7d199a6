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
