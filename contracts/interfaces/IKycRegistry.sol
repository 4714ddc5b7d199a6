// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IKycRegistry
/// @notice KYC attestations and consent. A subject (wallet or smart account) holds at most one
/// current attestation: issued by a registered issuer, at a level, until an expiry, pointing to
/// AES-256-GCM ciphertext on permanent storage. Subjects grant consent per project so that
/// the project's readers may decrypt; they can erase their record, after which no decrypt
/// condition on it ever passes again (crypto-shredding: the ciphertext itself is permanent).
/// @dev No personal data is ever passed to or stored by this contract: only levels, times, a
/// storage pointer and the ciphertext hash.
///
/// Attestation ids (`uid`) are `bytes32(uint256(uint160(subject)) << 96 | sequence)`, where
/// `sequence` counts the subject's attestations from 1. The browser can therefore name the uid
/// of the attestation it is about to receive (`nextUid`) in the Lit condition it encrypts under,
/// and a superseded or erased uid can never become current again.
interface IKycRegistry {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice State of a subject's current attestation.
    enum RecordStatus {
        None,
        Active,
        Revoked,
        Erased
    }

    /// @notice What an issuer attests (signed as EIP-712 `Attestation` for the signature path).
    /// @param subject The verified account (the smart account or wallet that will use it).
    /// @param level Verification level, 1..255 (meaning defined per issuer, e.g. 1 = basic ID).
    /// @param expiresAt Unix time after which the attestation no longer passes any check.
    /// @param storageNetwork Where the ciphertext lives (see `STORAGE_*` in KycRegistry).
    /// @param storageId The 32-byte id of the ciphertext on that network.
    /// @param ciphertextHash keccak256 of the complete ciphertext envelope, checked on every read.
    struct AttestationRequest {
        address subject;
        uint8 level;
        uint40 expiresAt;
        uint8 storageNetwork;
        bytes32 storageId;
        bytes32 ciphertextHash;
    }

    /// @notice A subject's current attestation as stored.
    /// @dev Storage layout (keyed by subject), slot 0 holds everything `isVerified` reads, and
    /// the consent epoch that `hasConsent` and `canDecrypt` need beside it:
    ///  slot 0: issuedAt (40) | expiresAt (40) | level (8) | status (8) | storageNetwork (8)
    ///          | issuerId (32) | sequence (64) | consentEpoch (32) | revocations (24) = 256 bits
    ///  slot 1: storageId
    ///  slot 2: ciphertextHash
    /// `consentEpoch` counts the subject's erasures. Consents are stored per epoch, so `erase`
    /// withdraws every consent at once by moving to the next epoch (no loop over projects); a
    /// new attestation keeps the epoch, so consents granted after an erasure carry over to
    /// later attestations as usual. It cannot overflow in practice: each erasure needs an
    /// attestation first. `revocations` counts the subject's revoked attestations (each needs an
    /// attestation first too). The subject's signature nonce is
    /// `sequence + consentEpoch + revocations` (see `nonceOf`), so attesting, erasing and revoking
    /// all consume it: a signature an issuer made before revoking never attests afterwards.
    struct Record {
        uint40 issuedAt;
        uint40 expiresAt;
        uint8 level;
        RecordStatus status;
        uint8 storageNetwork;
        uint32 issuerId;
        uint64 sequence;
        uint32 consentEpoch;
        uint24 revocations;
        bytes32 storageId;
        bytes32 ciphertextHash;
    }

    /// @notice A subject's current attestation, decoded for callers.
    struct AttestationView {
        bytes32 uid;
        address subject;
        address issuer;
        uint8 level;
        RecordStatus status;
        uint40 issuedAt;
        uint40 expiresAt;
        uint8 storageNetwork;
        bytes32 storageId;
        bytes32 ciphertextHash;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Governance registered (or re-registered) an issuer.
    event IssuerRegistered(address indexed issuer, uint32 indexed issuerId);

    /// @notice Governance removed an issuer: it can no longer attest. Its existing attestations
    /// stay until revoked (by the issuer or governance) or expired.
    event IssuerRemoved(address indexed issuer, uint32 indexed issuerId);

    /// @notice An attestation was created; it replaces the subject's previous one, if any.
    event AttestationCreated(
        bytes32 indexed uid,
        address indexed subject,
        address indexed issuer,
        uint8 level,
        uint40 issuedAt,
        uint40 expiresAt,
        uint8 storageNetwork,
        bytes32 storageId,
        bytes32 ciphertextHash
    );

    /// @notice An attestation was revoked by `revoker` (its issuer, or governance).
    event AttestationRevoked(bytes32 indexed uid, address indexed subject, address indexed revoker, uint40 revokedAt);

    /// @notice The subject erased its record: no decrypt condition on `uid` ever passes again,
    /// and every consent `subject` had granted is withdrawn (no `ConsentRevoked` is emitted for
    /// them: indexers treat this event as withdrawing all of the subject's consents).
    event RecordErased(bytes32 indexed uid, address indexed subject, uint40 erasedAt);

    /// @notice `subject` consented to `projectId` reading its records.
    event ConsentGranted(uint64 indexed projectId, address indexed subject);

    /// @notice `subject` withdrew its consent from `projectId`.
    event ConsentRevoked(uint64 indexed projectId, address indexed subject);

    /// @notice `subject` named `delegate` as the EOA that speaks for it when decrypting
    /// (Lit authenticates EOAs, so a smart account needs one). Zero clears it.
    event DecryptDelegateSet(address indexed subject, address indexed delegate);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error IssuerNotRegistered(address issuer);
    error IssuerAlreadyRegistered(address issuer);
    error IssuersExhausted();
    error SubjectInvalid(address subject);
    error LevelInvalid(uint8 level);
    error ExpiryInvalid(uint40 expiresAt, uint256 currentTime);
    error StorageNetworkInvalid(uint8 storageNetwork);
    error StorageIdInvalid();
    error CiphertextHashInvalid();
    /// @notice The signature was not made by `issuer` over this request, nonce, deadline, chain
    /// and registry (covers tampered fields, other chains and wrong signers).
    error SignatureInvalid(address issuer);
    error SignatureExpired(uint256 deadline, uint256 currentTime);
    /// @notice The signed nonce is not the subject's current one (a replayed signature, or one
    /// made stale by a later attestation or an erasure of the subject).
    /// @param subject The attestation's subject.
    /// @param expected The subject's current nonce (`nonceOf(subject)`).
    /// @param provided The nonce the signature was made over.
    error NonceInvalid(address subject, uint64 expected, uint64 provided);
    error AttestationNotFound(bytes32 uid);
    /// @notice `uid` is not (or no longer) the subject's current attestation.
    error AttestationNotCurrent(bytes32 uid, bytes32 currentUid);
    error AttestationNotActive(bytes32 uid, RecordStatus status);
    error NotAttestationIssuer(bytes32 uid, address account);
    error BatchEmpty();
    error ProjectNotActive(uint64 projectId);
    error ConsentAlreadyGranted(uint64 projectId, address subject);
    error ConsentNotGranted(uint64 projectId, address subject);
    error NothingToErase(address subject);

    /*//////////////////////////////////////////////////////////////
                                ISSUERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers `issuer` as a KYC attester. Governance only.
    function registerIssuer(address issuer) external returns (uint32 issuerId);

    /// @notice Removes `issuer`: its new attestations are refused. Governance only.
    function removeIssuer(address issuer) external;

    /// @notice Whether `account` is currently a registered issuer.
    function isIssuer(address account) external view returns (bool);

    /// @notice The issuer address behind an issuer id (zero when unknown).
    function issuerOf(uint32 issuerId) external view returns (address);

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates an attestation signed by `issuer` (EIP-712 `Attestation`), submitted by
    /// anyone: the subject's smart account or a relayer, gas sponsored.
    /// @param nonce The subject's current nonce (`nonceOf(subject)`), so each signature is used once.
    /// @param deadline Unix time after which the signature is refused.
    /// @param signature 65-byte ECDSA signature, or an ERC-1271 signature when `issuer` is a contract.
    function attestBySig(
        AttestationRequest calldata request,
        address issuer,
        uint64 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 uid);

    /// @notice Creates an attestation; the caller is the issuer.
    function attest(AttestationRequest calldata request) external returns (bytes32 uid);

    /// @notice Creates many attestations; the caller is the issuer.
    function attestBatch(AttestationRequest[] calldata requests) external returns (bytes32[] memory uids);

    /// @notice Revokes a current, active attestation. Its issuer or governance.
    function revoke(bytes32 uid) external;

    /// @notice Revokes many attestations. Each must be revocable by the caller.
    function revokeBatch(bytes32[] calldata uids) external;

    /*//////////////////////////////////////////////////////////////
                           CONSENT AND ERASURE
    //////////////////////////////////////////////////////////////*/

    /// @notice The caller consents to `projectId`'s readers decrypting its records. The project
    /// must be active.
    function grantConsent(uint64 projectId) external;

    /// @notice The caller withdraws consent from `projectId`. Reverts with `ConsentNotGranted`
    /// when it does not consent (including a consent already withdrawn by `erase`).
    function revokeConsent(uint64 projectId) external;

    /// @notice The caller erases its current record; decrypt conditions on it fail for good.
    /// Erasure also withdraws every consent the caller has granted, to every project (right to
    /// be forgotten): after a new attestation, each project needs a fresh `grantConsent`.
    /// Emits only `RecordErased`, not a `ConsentRevoked` per project.
    /// Erasure consumes the caller's nonce (`nonceOf` moves on by one): an issuer signature made
    /// before it and never submitted can no longer bring a record back (`NonceInvalid`); the
    /// subject needs a signature over its new nonce to be attested again.
    function erase() external;

    /// @notice The caller names the EOA that speaks for it in Lit sessions (zero clears it).
    function setDecryptDelegate(address delegate) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The one call for consumer contracts: whether `subject` holds an active,
    /// unexpired attestation at `minLevel` or above. One storage read.
    function isVerified(address subject, uint8 minLevel) external view returns (bool);

    /// @notice As `isVerified`, and the subject consents to `projectId`.
    function isVerifiedFor(address subject, uint8 minLevel, uint64 projectId) external view returns (bool);

    /// @notice Whether `subject` meets `projectId`'s own policy: the project is active, the
    /// subject consents to it, and holds a live attestation at the project's required level
    /// from one of its accepted issuers.
    function meetsProjectPolicy(address subject, uint64 projectId) external view returns (bool);

    /// @notice The decrypt condition Lit evaluates: may `requester` decrypt the record behind
    /// `uid`? True only while `uid` is its subject's current attestation, active, unexpired and
    /// not erased, and `requester` is the subject, the subject's decrypt delegate, or a reader of
    /// an active project the subject consents to.
    function canDecrypt(address requester, bytes32 uid) external view returns (bool);

    /// @notice Whether `subject` consents to `projectId`: granted, not revoked, and not
    /// withdrawn by an erasure since.
    function hasConsent(address subject, uint64 projectId) external view returns (bool);

    /// @notice The subject's current attestation (uid zero when it has none).
    function getAttestation(address subject) external view returns (AttestationView memory);

    /// @notice The raw stored record of `subject`.
    function getRecord(address subject) external view returns (Record memory);

    /// @notice The nonce the next signed attestation for `subject` must carry: the number of its
    /// attestations plus the number of its erasures. Each attestation (by signature or direct)
    /// and each erasure moves it on, so every signature over an older nonce is spent. It is not
    /// the sequence in the next uid (`nextUid`), which counts attestations only.
    function nonceOf(address subject) external view returns (uint64);

    /// @notice The uid the next attestation for `subject` will get.
    function nextUid(address subject) external view returns (bytes32);

    /// @notice The EOA that speaks for `subject` in decrypt sessions (zero when none).
    function decryptDelegateOf(address subject) external view returns (address);

    /// @notice The EIP-712 digest an issuer signs for `attestBySig`.
    function hashAttestation(AttestationRequest calldata request, uint64 nonce, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice Semantic version of this deployment.
    function version() external pure returns (string memory);
}
