// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {KycRegistry} from "../../../contracts/KycRegistry.sol";
import {ProjectRegistry} from "../../../contracts/ProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";

/// @notice Shared fixture: both registries, one organization with two projects (A, B), one
/// registered issuer, readers on each project, and helpers to attest and sign.
abstract contract BaseTest is Test {
    ProjectRegistry internal projects;
    KycRegistry internal kyc;

    address internal governance = makeAddr("governance");
    address internal orgOwner = makeAddr("orgOwner");
    address internal orgAdmin = makeAddr("orgAdmin");
    address internal projectAdmin = makeAddr("projectAdmin");
    address internal readerA = makeAddr("readerA");
    address internal readerB = makeAddr("readerB");
    address internal subject = makeAddr("subject");
    address internal stranger = makeAddr("stranger");
    address internal issuer;
    uint256 internal issuerKey;
    address internal otherSigner;
    uint256 internal otherSignerKey;

    uint64 internal orgId;
    uint64 internal projectA;
    uint64 internal projectB;

    /// @dev A fixed, realistic clock so expiry arithmetic never starts at zero.
    uint256 internal constant START_TIME = 1_750_000_000;
    uint40 internal constant VALIDITY = 365 days;
    uint8 internal constant LEVEL = 2;
    bytes32 internal constant STORAGE_ID = keccak256("arweave-tx-id");
    bytes32 internal constant CIPHERTEXT_HASH = keccak256("ciphertext-envelope");

    bytes32 internal constant EIP712_DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// @dev Written out independently of the contract's constant so a drift in either fails.
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address subject,uint8 level,uint40 expiresAt,uint8 storageNetwork,bytes32 storageId,bytes32 ciphertextHash,uint64 nonce,uint256 deadline)"
    );

    function setUp() public virtual {
        vm.warp(START_TIME);
        (issuer, issuerKey) = makeAddrAndKey("issuer");
        (otherSigner, otherSignerKey) = makeAddrAndKey("otherSigner");

        projects = new ProjectRegistry(governance);
        kyc = new KycRegistry(governance, projects);

        vm.prank(governance);
        kyc.registerIssuer(issuer);

        orgId = projects.createOrganization(orgOwner, "ipfs://org");
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgAdmin, true);

        projectA = _createProject("alpha", 1, new address[](0));
        projectB = _createProject("beta", 1, new address[](0));

        vm.prank(orgOwner);
        projects.grantRole(projectA, projectAdmin, ProjectRoles.ADMIN);
        _grantReader(projectA, readerA);
        _grantReader(projectB, readerB);
    }

    /*//////////////////////////////////////////////////////////////
                                PROJECTS
    //////////////////////////////////////////////////////////////*/

    function _settings(uint8 level, address[] memory accepted)
        internal
        pure
        returns (IProjectRegistry.ProjectSettings memory)
    {
        return IProjectRegistry.ProjectSettings({
            requiredLevel: level,
            acceptedIssuers: accepted,
            metadataURI: "ipfs://project"
        });
    }

    function _createProject(string memory slug, uint8 level, address[] memory accepted) internal returns (uint64 id) {
        vm.prank(orgOwner);
        id = projects.createProject(orgId, slug, _settings(level, accepted));
    }

    /// @dev The org owner offers the reader role and `reader` accepts it (rule 1 of IProjectRegistry).
    function _grantReader(uint64 projectId, address reader) internal {
        vm.prank(orgOwner);
        projects.grantRole(projectId, reader, ProjectRoles.READER);
        vm.prank(reader);
        projects.acceptRole(projectId, ProjectRoles.READER);
    }

    function _suspend(uint64 projectId) internal {
        vm.prank(governance);
        projects.setProjectStatus(projectId, IProjectRegistry.ProjectStatus.Suspended);
    }

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    function _request(address subject_) internal view returns (IKycRegistry.AttestationRequest memory) {
        return IKycRegistry.AttestationRequest({
            subject: subject_,
            level: LEVEL,
            expiresAt: uint40(block.timestamp) + VALIDITY,
            storageNetwork: 1, // STORAGE_ARWEAVE
            storageId: STORAGE_ID,
            ciphertextHash: CIPHERTEXT_HASH
        });
    }

    /// @dev The issuer attests directly; returns the new uid.
    function _attest(address subject_) internal returns (bytes32 uid) {
        vm.prank(issuer);
        uid = kyc.attest(_request(subject_));
    }

    function _attest(IKycRegistry.AttestationRequest memory request) internal returns (bytes32 uid) {
        vm.prank(issuer);
        uid = kyc.attest(request);
    }

    function _consent(address subject_, uint64 projectId) internal {
        vm.prank(subject_);
        kyc.grantConsent(projectId);
    }

    /// @dev The uid layout of the spec, computed independently of the contract.
    function _uid(address subject_, uint64 sequence) internal pure returns (bytes32) {
        return bytes32((uint256(uint160(subject_)) << 96) | sequence);
    }

    /*//////////////////////////////////////////////////////////////
                               SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function _domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                EIP712_DOMAIN_TYPEHASH,
                keccak256("OneKey KycRegistry"),
                keccak256("1"),
                block.chainid,
                address(kyc)
            )
        );
    }

    /// @dev The EIP-712 digest an issuer signs, built from the spec rather than the contract.
    function _digest(IKycRegistry.AttestationRequest memory r, uint64 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                ATTESTATION_TYPEHASH,
                r.subject,
                r.level,
                r.expiresAt,
                r.storageNetwork,
                r.storageId,
                r.ciphertextHash,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function _signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _sign(uint256 key, IKycRegistry.AttestationRequest memory r, uint64 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return _signDigest(key, _digest(r, nonce, deadline));
    }
}
