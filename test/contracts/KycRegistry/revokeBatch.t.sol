// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RevokeBatchTest is BaseTest {
    bytes32[] internal uids;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 3; ++i) {
            uids.push(_attest(address(uint160(0x2000 + i))));
        }
    }

    function test_revokeBatch_revokesEach() public {
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(address(kyc));
            emit IKycRegistry.AttestationRevoked(uids[i], address(uint160(0x2000 + i)), issuer, uint40(START_TIME));
        }
        vm.prank(issuer);
        kyc.revokeBatch(uids);
        for (uint256 i; i < 3; ++i) {
            assertFalse(kyc.isVerified(address(uint160(0x2000 + i)), 1));
        }
    }

    function test_revokeBatch_reverts_whenEmpty() public {
        vm.expectRevert(IKycRegistry.BatchEmpty.selector);
        vm.prank(issuer);
        kyc.revokeBatch(new bytes32[](0));
    }

    function test_revokeBatch_isAtomic_whenOneEntryFails() public {
        uids.push(uids[0]); // revoking the same uid twice fails on the second
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.AttestationNotActive.selector, uids[0], IKycRegistry.RecordStatus.Revoked)
        );
        vm.prank(issuer);
        kyc.revokeBatch(uids);
        assertTrue(kyc.isVerified(address(0x2000), 1), "the whole batch rolled back");
    }

    function test_revokeBatch_reverts_whenCallerMayNotRevokeOne() public {
        vm.prank(governance);
        kyc.registerIssuer(otherSigner);
        address other = makeAddr("otherSubject");
        vm.prank(otherSigner);
        bytes32 foreign = kyc.attest(_request(other));
        uids.push(foreign);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NotAttestationIssuer.selector, foreign, issuer));
        vm.prank(issuer);
        kyc.revokeBatch(uids);
    }
}
