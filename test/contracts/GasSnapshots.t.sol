// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice Gas of the hot paths, written to snapshots/KycRegistry.json by `npm run gas:snapshot`
/// and checked by `npm run test:sol` (CI fails when a figure drifts).
/// @dev Every test runs isolated: each top-level call is its own transaction, so storage starts
/// cold and a state-changing call's figure is what its transaction costs (21,000 base and
/// calldata included), as a user or relayer would pay. View figures are the call alone.
contract GasSnapshotsTest is BaseTest {
    string internal constant GROUP = "KycRegistry";
    address internal relayer = makeAddr("relayer");

    /// hardhat-config: isolate = true
    function test_gas_attestBySig_freshSubject() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.prank(relayer);
        kyc.attestBySig(r, issuer, 0, deadline, sig);
        vm.snapshotGasLastCall(GROUP, "attestBySig_freshSubject");
        assertTrue(kyc.isVerified(subject, LEVEL));
    }

    /// hardhat-config: isolate = true
    function test_gas_attest_freshSubject() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        vm.prank(issuer);
        kyc.attest(r);
        vm.snapshotGasLastCall(GROUP, "attest_freshSubject");
        assertTrue(kyc.isVerified(subject, LEVEL));
    }

    /// hardhat-config: isolate = true
    function test_gas_attest_replacesPrevious() public {
        _attest(subject);
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.storageId = keccak256("renewed");
        vm.prank(issuer);
        kyc.attest(r);
        vm.snapshotGasLastCall(GROUP, "attest_replacesPrevious");
        assertEq(kyc.nonceOf(subject), 2);
    }

    /// hardhat-config: isolate = true
    function test_gas_attestBatch_10() public {
        IKycRegistry.AttestationRequest[] memory list = new IKycRegistry.AttestationRequest[](10);
        for (uint256 i; i < 10; ++i) {
            list[i] = _request(address(uint160(0x5000 + i)));
        }
        vm.prank(issuer);
        kyc.attestBatch(list);
        uint256 gasUsed = vm.snapshotGasLastCall(GROUP, "attestBatch_10");
        vm.snapshotValue(GROUP, "attestBatch_10_perAttestation", gasUsed / 10);
        assertTrue(kyc.isVerified(address(0x5009), LEVEL));
    }

    /// hardhat-config: isolate = true
    function test_gas_revoke() public {
        bytes32 uid = _attest(subject);
        vm.prank(issuer);
        kyc.revoke(uid);
        vm.snapshotGasLastCall(GROUP, "revoke");
        assertFalse(kyc.isVerified(subject, 1));
    }

    /// hardhat-config: isolate = true
    function test_gas_grantConsent_firstAndSecond() public {
        vm.prank(subject);
        kyc.grantConsent(projectA);
        vm.snapshotGasLastCall(GROUP, "grantConsent_first");
        // Projects 1..255 share the subject's first bitmap word: the second write is warm-ish.
        vm.prank(subject);
        kyc.grantConsent(projectB);
        vm.snapshotGasLastCall(GROUP, "grantConsent_second");
        assertTrue(kyc.hasConsent(subject, projectA) && kyc.hasConsent(subject, projectB));
    }

    /// hardhat-config: isolate = true
    function test_gas_revokeConsent() public {
        _consent(subject, projectA);
        vm.prank(subject);
        kyc.revokeConsent(projectA);
        vm.snapshotGasLastCall(GROUP, "revokeConsent");
        assertFalse(kyc.hasConsent(subject, projectA));
    }

    /// hardhat-config: isolate = true
    function test_gas_erase() public {
        _attest(subject);
        vm.prank(subject);
        kyc.erase();
        vm.snapshotGasLastCall(GROUP, "erase");
        assertFalse(kyc.isVerified(subject, 1));
    }

    /// hardhat-config: isolate = true
    function test_gas_views() public {
        bytes32 uid = _attest(subject);
        _consent(subject, projectA);

        assertTrue(kyc.isVerified(subject, LEVEL));
        vm.snapshotGasLastCall(GROUP, "isVerified");

        assertTrue(kyc.isVerifiedFor(subject, LEVEL, projectA));
        vm.snapshotGasLastCall(GROUP, "isVerifiedFor");

        assertTrue(kyc.canDecrypt(subject, uid));
        vm.snapshotGasLastCall(GROUP, "canDecrypt_subject");

        assertTrue(kyc.canDecrypt(readerA, uid));
        vm.snapshotGasLastCall(GROUP, "canDecrypt_reader");

        assertFalse(kyc.canDecrypt(readerB, uid));
        vm.snapshotGasLastCall(GROUP, "canDecrypt_readerWithoutConsent");
    }
}
