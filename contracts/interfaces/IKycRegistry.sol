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
    /// @param issuer The issuer's address (the key that signs, or calls, its attestations).
    /// @param issuerId Its id, from 1 in order of first registration; a re-registered issuer
    /// keeps the id it had.
    event IssuerRegistered(address indexed issuer, uint32 indexed issuerId);

    /// @notice Governance removed an issuer: it can no longer attest. Its existing attestations
    /// stay until revoked (by the issuer or governance) or expired.
    /// @param issuer The removed issuer's address.
    /// @param issuerId Its id, kept for a later re-registration.
    event IssuerRemoved(address indexed issuer, uint32 indexed issuerId);

    /// @notice An attestation was created; it replaces the subject's previous one, if any.
    /// @param uid The new attestation's id (`subject << 96 | sequence`, see above).
    /// @param subject The verified account.
    /// @param issuer The issuer that attested: the signer for `attestBySig`, else the caller.
    /// @param level Verification level, 1..255 (meaning defined per issuer).
    /// @param issuedAt Block timestamp of the attestation (Unix seconds).
    /// @param expiresAt Unix time after which the attestation no longer passes any check.
    /// @param storageNetwork Where the ciphertext lives (`STORAGE_*` in KycRegistry).
    /// @param storageId The 32-byte id of the ciphertext on that network.
    /// @param ciphertextHash keccak256 of the complete ciphertext envelope.
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
    /// @param uid The revoked attestation (it was the subject's current one, and active).
    /// @param subject Its subject.
    /// @param revoker The caller: the attestation's issuer, or governance.
    /// @param revokedAt Block timestamp of the revocation (Unix seconds).
    event AttestationRevoked(bytes32 indexed uid, address indexed subject, address indexed revoker, uint40 revokedAt);

    /// @notice The subject erased its record: no decrypt condition on `uid` ever passes again,
    /// and every consent `subject` had granted is withdrawn (no `ConsentRevoked` is emitted for
    /// them: indexers treat this event as withdrawing all of the subject's consents).
    /// @param uid The erased attestation (the subject's current one, active or revoked).
    /// @param subject The caller, whose record it was.
    /// @param erasedAt Block timestamp of the erasure (Unix seconds).
    event RecordErased(bytes32 indexed uid, address indexed subject, uint40 erasedAt);

    /// @notice `subject` consented to `projectId` reading its records.
    /// @param projectId The project whose readers may now decrypt `subject`'s records (it was Active).
    /// @param subject The consenting account (the caller).
    event ConsentGranted(uint64 indexed projectId, address indexed subject);

    /// @notice `subject` withdrew its consent from `projectId`.
    /// @param projectId The project whose readers lose access.
    /// @param subject The account withdrawing its consent (the caller).
    event ConsentRevoked(uint64 indexed projectId, address indexed subject);

    /// @notice `subject` named `delegate` as the EOA that speaks for it when decrypting
    /// (Lit authenticates EOAs, so a smart account needs one). Zero clears it.
    /// @param subject The account delegating (the caller).
    /// @param delegate The EOA that now signs decrypt sessions for `subject`; zero when cleared.
    event DecryptDelegateSet(address indexed subject, address indexed delegate);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    // `grantConsent` also reverts with `ProjectNotActive(projectId)`, declared in OneKeyErrors.sol.

    /// @notice `issuer` is not a registered issuer, so it may not attest and cannot be removed;
    /// registering the zero address reverts with it too.
    /// @param issuer The issuer named (the signer, the caller, or the address to register or remove).
    error IssuerNotRegistered(address issuer);
    /// @notice `issuer` is already registered.
    /// @param issuer The address governance tried to register.
    error IssuerAlreadyRegistered(address issuer);
    /// @notice Every issuer id (1..2^32-1) is taken: no new issuer can be registered.
    error IssuersExhausted();
    /// @notice The request's subject is the zero address.
    /// @param subject The subject the request named.
    error SubjectInvalid(address subject);
    /// @notice The request's level is 0 (levels run 1..255).
    /// @param level The level the request named.
    error LevelInvalid(uint8 level);
    /// @notice The request expires at or before the current block time.
    /// @param expiresAt The requested expiry (Unix seconds).
    /// @param currentTime The block timestamp (Unix seconds).
    error ExpiryInvalid(uint40 expiresAt, uint256 currentTime);
    /// @notice The request names a storage network the registry does not know (`STORAGE_*`).
    /// @param storageNetwork The network id the request named.
    error StorageNetworkInvalid(uint8 storageNetwork);
    /// @notice The request's `storageId` is zero.
    error StorageIdInvalid();
    /// @notice The request's `ciphertextHash` is zero.
    error CiphertextHashInvalid();
    /// @notice The signature was not made by `issuer` over this request, nonce, deadline, chain
    /// and registry (covers tampered fields, other chains and wrong signers).
    /// @param issuer The issuer the signature was checked against (ECDSA, or ERC-1271 for a contract).
    error SignatureInvalid(address issuer);
    /// @notice The signature's deadline has passed.
    /// @param deadline The signed deadline (Unix seconds).
    /// @param currentTime The block timestamp (Unix seconds), after `deadline`.
    error SignatureExpired(uint256 deadline, uint256 currentTime);
    /// @notice The signed nonce is not the subject's current one (a replayed signature, or one
    /// made stale by a later attestation, revocation or erasure of the subject).
    /// @param subject The attestation's subject.
    /// @param expected The subject's current nonce (`nonceOf(subject)`).
    /// @param provided The nonce the signature was made over.
    error NonceInvalid(address subject, uint64 expected, uint64 provided);
    /// @notice `uid` names no attestation: its sequence is 0 or past the subject's latest.
    /// @param uid The attestation id given.
    error AttestationNotFound(bytes32 uid);
    /// @notice `uid` is not (or no longer) the subject's current attestation.
    /// @param uid The attestation id given.
    /// @param currentUid The subject's current attestation, which superseded `uid`.
    error AttestationNotCurrent(bytes32 uid, bytes32 currentUid);
    /// @notice The attestation was already revoked or erased.
    /// @param uid The attestation id given (the subject's current one).
    /// @param status Its status (`Revoked` or `Erased`).
    error AttestationNotActive(bytes32 uid, RecordStatus status);
    /// @notice `account` may not revoke `uid`: it is neither the attestation's issuer nor governance.
    /// @param uid The attestation.
    /// @param account The caller.
    error NotAttestationIssuer(bytes32 uid, address account);
    /// @notice A batch call was given no items.
    error BatchEmpty();
    /// @notice `subject` already consents to `projectId`.
    /// @param projectId The project.
    /// @param subject The caller.
    error ConsentAlreadyGranted(uint64 projectId, address subject);
    /// @notice `subject` does not consent to `projectId` (never granted, revoked, or withdrawn by
    /// an erasure).
    /// @param projectId The project.
    /// @param subject The caller.
    error ConsentNotGranted(uint64 projectId, address subject);
    /// @notice `subject` has no record to erase (never attested, or already erased).
    /// @param subject The caller.
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
    /// attestations, erasures and revocations. Each attestation (by signature or direct), each
    /// erasure and each revocation moves it on, so every signature over an older nonce is spent.
    /// It is not the sequence in the next uid (`nextUid`), which counts attestations only.
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
