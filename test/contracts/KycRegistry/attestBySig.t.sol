// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {KycRegistry} from "../../../contracts/KycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {TestERC1271Wallet} from "../utils/TestWallets.sol";

contract AttestBySigTest is BaseTest {
    address internal relayer = makeAddr("relayer");
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        deadline = block.timestamp + 1 hours;
    }

    function _submit(IKycRegistry.AttestationRequest memory r, address issuer_, uint64 nonce, bytes memory sig)
        internal
        returns (bytes32)
    {
        vm.prank(relayer);
        return kyc.attestBySig(r, issuer_, nonce, deadline, sig);
    }

    function test_attestBySig_createsAttestationSubmittedByRelayer() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);

        vm.expectEmit(address(kyc));
        emit IKycRegistry.AttestationCreated(
            _uid(subject, 1), subject, issuer, LEVEL, uint40(START_TIME), r.expiresAt, 1, STORAGE_ID, CIPHERTEXT_HASH
        );
        bytes32 uid = _submit(r, issuer, 0, sig);

        assertEq(uid, _uid(subject, 1));
        assertEq(kyc.getAttestation(subject).issuer, issuer, "issuer is the signer, not the relayer");
        assertEq(kyc.nonceOf(subject), 1);
    }

    function test_attestBySig_digestMatchesTheSpec() public view {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        assertEq(kyc.hashAttestation(r, 3, deadline), _digest(r, 3, deadline));
        assertEq(kyc.DOMAIN_SEPARATOR(), _domainSeparator());
        assertEq(kyc.ATTESTATION_TYPEHASH(), ATTESTATION_TYPEHASH);
    }

    function test_attestBySig_acceptsSignatureExactlyAtDeadline() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.warp(deadline);
        // The request's expiry is still in the future at the deadline.
        _submit(r, issuer, 0, sig);
        assertEq(kyc.nonceOf(subject), 1);
    }

    function test_attestBySig_secondAttestationUsesTheNextNonce() public {
        _submit(_request(subject), issuer, 0, _sign(issuerKey, _request(subject), 0, deadline));
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = 3;
        bytes32 uid = _submit(r, issuer, 1, _sign(issuerKey, r, 1, deadline));
        assertEq(uid, _uid(subject, 2));
        assertEq(kyc.getAttestation(subject).level, 3);
    }

    function test_attestBySig_reverts_whenNonceReplayed() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        _submit(r, issuer, 0, sig);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NonceInvalid.selector, subject, uint64(1), uint64(0)));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenNonceFromTheFuture() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 5, deadline);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NonceInvalid.selector, subject, uint64(0), uint64(5)));
        _submit(r, issuer, 5, sig);
    }

    function test_attestBySig_reverts_whenSignatureStaleAfterDirectAttest() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        _attest(subject); // moves the subject's nonce on

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.NonceInvalid.selector, subject, uint64(1), uint64(0)));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenChainIdChangedAfterSigning() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.chainId(8453);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenSubmittedToAnotherRegistry() public {
        KycRegistry other = new KycRegistry(governance, projects);
        vm.prank(governance);
        other.registerIssuer(issuer);
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline); // signed for `kyc`

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        other.attestBySig(r, issuer, 0, deadline, sig);
    }

    function test_attestBySig_reverts_whenDeadlinePassed() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.warp(deadline + 1);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureExpired.selector, deadline, deadline + 1));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenSignedByAnotherKey() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(otherSignerKey, r, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenSignerIsUnregistered() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(otherSignerKey, r, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, otherSigner));
        _submit(r, otherSigner, 0, sig);
    }

    function test_attestBySig_reverts_whenIssuerWasRemoved() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.prank(governance);
        kyc.removeIssuer(issuer);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.IssuerNotRegistered.selector, issuer));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_reverts_whenAnySignedFieldTampered() public {
        IKycRegistry.AttestationRequest memory signed = _request(subject);
        bytes memory sig = _sign(issuerKey, signed, 0, deadline);

        for (uint256 field; field < 6; ++field) {
            IKycRegistry.AttestationRequest memory r = _request(subject);
            if (field == 0) r.subject = stranger;
            if (field == 1) r.level = LEVEL + 1;
            if (field == 2) r.expiresAt += 1;
            if (field == 3) r.storageNetwork = 2;
            if (field == 4) r.storageId = keccak256("other");
            if (field == 5) r.ciphertextHash = keccak256("other");
            vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
            _submit(r, issuer, 0, sig);
        }

        // The deadline is signed too.
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        kyc.attestBySig(signed, issuer, 0, deadline + 1, sig);
    }

    function test_attestBySig_reverts_whenSignatureMalformed() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(issuerKey, r, 0, deadline);

        bytes memory short = new bytes(64);
        for (uint256 i; i < 64; ++i) {
            short[i] = sig[i];
        }
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        _submit(r, issuer, 0, short);

        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        _submit(r, issuer, 0, "");

        bytes memory badV = bytes.concat(sig);
        badV[64] = bytes1(uint8(29));
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        _submit(r, issuer, 0, badV);
    }

    function test_attestBySig_stillValidatesTheRequest() public {
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.level = 0;
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.LevelInvalid.selector, uint8(0)));
        _submit(r, issuer, 0, sig);
    }

    function test_attestBySig_acceptsERC1271ContractIssuer() public {
        TestERC1271Wallet wallet = new TestERC1271Wallet(otherSigner);
        vm.prank(governance);
        kyc.registerIssuer(address(wallet));

        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes32 uid = _submit(r, address(wallet), 0, _sign(otherSignerKey, r, 0, deadline));
        assertEq(uid, _uid(subject, 1));
        assertEq(kyc.getAttestation(subject).issuer, address(wallet));
    }

    function test_attestBySig_reverts_whenERC1271IssuerRejects() public {
        TestERC1271Wallet wallet = new TestERC1271Wallet(otherSigner);
        vm.prank(governance);
        kyc.registerIssuer(address(wallet));

        IKycRegistry.AttestationRequest memory r = _request(subject);
        // Signed by a key the wallet does not recognise.
        bytes memory sig = _sign(issuerKey, r, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, address(wallet)));
        _submit(r, address(wallet), 0, sig);
    }

    function testFuzz_attestBySig_onlyTheIssuerKeyIsAccepted(uint256 key) public {
        key = bound(key, 1, SECP256K1_ORDER - 1);
        IKycRegistry.AttestationRequest memory r = _request(subject);
        bytes memory sig = _sign(key, r, 0, deadline);
        if (key != issuerKey) {
            vm.expectRevert(abi.encodeWithSelector(IKycRegistry.SignatureInvalid.selector, issuer));
        }
        _submit(r, issuer, 0, sig);
    }

    function testFuzz_attestBySig_reverts_afterAnyDeadline(uint256 signedDeadline, uint256 late) public {
        signedDeadline = bound(signedDeadline, block.timestamp, block.timestamp + 30 days);
        late = bound(late, 1, 365 days);
        IKycRegistry.AttestationRequest memory r = _request(subject);
        r.expiresAt = uint40(block.timestamp + 1000 days);
        bytes memory sig = _sign(issuerKey, r, 0, signedDeadline);
        vm.warp(signedDeadline + late);
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.SignatureExpired.selector, signedDeadline, signedDeadline + late)
        );
        kyc.attestBySig(r, issuer, 0, signedDeadline, sig);
    }
}
