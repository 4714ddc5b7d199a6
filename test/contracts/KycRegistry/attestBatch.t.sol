// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract AttestBatchTest is BaseTest {
    function _requests(uint256 n) internal view returns (IKycRegistry.AttestationRequest[] memory list) {
        list = new IKycRegistry.AttestationRequest[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = _request(address(uint160(0x1000 + i)));
        }
    }

    function test_attestBatch_createsOneAttestationPerRequest() public {
        IKycRegistry.AttestationRequest[] memory list = _requests(10);
        vm.expectEmit(address(kyc));
        emit IKycRegistry.AttestationCreated(
            _uid(list[9].subject, 1), list[9].subject, issuer, LEVEL, uint40(START_TIME), list[9].expiresAt, 1, STORAGE_ID, CIPHERTEXT_HASH
        );
        vm.prank(issuer);
        bytes32[] memory uids = kyc.attestBatch(list);

        assertEq(uids.length, 10);
        for (uint256 i; i < 10; ++i) {
            assertEq(uids[i], _uid(list[i].subject, 1));
            assertTrue(kyc.isVerified(list[i].subject, LEVEL));
        }
    }

    function test_attestBatch_sameSubjectTwiceKeepsTheLast() public {
        IKycRegistry.AttestationRequest[] memory list = new IKycRegistry.AttestationRequest[](2);
        list[0] = _request(subject);
        list[1] = _request(subject);
        list[1].level = 7;
        vm.prank(issuer);
        bytes32[] memory uids = kyc.attestBatch(list);

        assertEq(uids[0], _uid(subject, 1));
        assertEq(uids[1], _uid(subject, 2));
        assertEq(kyc.getAttestation(subject).uid, uids[1]);
        assertEq(kyc.getAttestation(subject).level, 7);
    }

    function test_attestBatch_reverts_whenEmpty() public {
        IKycRegistry.AttestationRequest[] memory list = new IKycRegistry.AttestationRequest[](0);
        vm.expectRevert(IKycRegistry.BatchEmpty.selector);
        vm.prank(issuer);
        kyc.attestBatch(list);
    }

    function test_attestBatch_reverts_whenCallerNotIssuer() public {
        IKycRegistry.AttestationRequest[] memory list = _requests(2);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, stranger));
        vm.prank(stranger);
        kyc.attestBatch(list);
    }

    function test_attestBatch_isAtomic_whenOneRequestInvalid() public {
        IKycRegistry.AttestationRequest[] memory list = _requests(3);
        list[2].storageId = bytes32(0);
        vm.expectRevert(IKycRegistry.StorageIdInvalid.selector);
        vm.prank(issuer);
        kyc.attestBatch(list);
        assertEq(kyc.nonceOf(list[0].subject), 0, "earlier entries are rolled back");
    }
}
