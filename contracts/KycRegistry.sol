// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IKycRegistry} from "./interfaces/IKycRegistry.sol";
import {IProjectRegistry} from "./interfaces/IProjectRegistry.sol";
import {ProjectNotActive} from "./interfaces/OneKeyErrors.sol";

/// @title KycRegistry
/// @notice OneKey's KYC attestations, consent and erasure. See `IKycRegistry` for the spec.
/// @dev The contract owner is protocol governance: it registers and removes issuers and may
/// revoke any attestation (for a compromised issuer key).
contract KycRegistry is IKycRegistry, Ownable2Step, EIP712 {
    /// @notice Ciphertext on Arweave (uploaded through ArDrive Turbo; arlocal in local mode).
    uint8 public constant STORAGE_ARWEAVE = 1;
    /// @notice Ciphertext on the Irys datachain.
    uint8 public constant STORAGE_IRYS = 2;

    /// @notice EIP-712 type an issuer signs for `attestBySig`.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address subject,uint8 level,uint40 expiresAt,uint8 storageNetwork,bytes32 storageId,bytes32 ciphertextHash,uint64 nonce,uint256 deadline)"
    );

    /// @notice Where project status and roles live.
    IProjectRegistry public immutable projects;

    /// @notice Issuer ids run from 1; id 0 means "not an issuer".
    uint32 public issuerCount;

    mapping(address subject => Record) internal _records;
    /// @dev issuer => id (low 32 bits) | active flag (bit 32). Kept after removal so a
    /// re-registered issuer keeps its id and old records keep naming it.
    mapping(address issuer => uint256) internal _issuerSlots;
    mapping(uint32 issuerId => address issuer) internal _issuerById;
    /// @dev Consents as bitmaps: bit (projectId & 255) of word (projectId >> 8), in the subject's
    /// current consent epoch: key = consentEpoch << 64 | word (a word fits in 56 bits). A
    /// subject's first 256 projects share one slot, so a second consent costs a warm write;
    /// `erase` bumps the epoch, leaving every earlier word unreachable.
    mapping(address subject => mapping(uint256 key => uint256 bits)) internal _consents;
    mapping(address subject => address delegate) internal _decryptDelegates;

    uint256 private constant _ISSUER_ACTIVE = 1 << 32;

    constructor(address governance, IProjectRegistry projectRegistry)
        Ownable(governance)
        EIP712("OneKey KycRegistry", "1")
    {
        projects = projectRegistry;
    }

    /*//////////////////////////////////////////////////////////////
                                ISSUERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IKycRegistry
    function registerIssuer(address issuer) external onlyOwner returns (uint32 issuerId) {
        if (issuer == address(0)) revert IssuerNotRegistered(issuer);
        uint256 slot = _issuerSlots[issuer];
        if (slot & _ISSUER_ACTIVE != 0) revert IssuerAlreadyRegistered(issuer);
        issuerId = uint32(slot);
        if (issuerId == 0) {
            if (issuerCount == type(uint32).max) revert IssuersExhausted();
            issuerId = ++issuerCount;
            _issuerById[issuerId] = issuer;
        }
        _issuerSlots[issuer] = _ISSUER_ACTIVE | issuerId;
        emit IssuerRegistered(issuer, issuerId);
    }

    /// @inheritdoc IKycRegistry
    function removeIssuer(address issuer) external onlyOwner {
        uint256 slot = _issuerSlots[issuer];
        if (slot & _ISSUER_ACTIVE == 0) revert IssuerNotRegistered(issuer);
        _issuerSlots[issuer] = uint32(slot);
        emit IssuerRemoved(issuer, uint32(slot));
    }

    /// @inheritdoc IKycRegistry
    function isIssuer(address account) external view returns (bool) {
        return _issuerSlots[account] & _ISSUER_ACTIVE != 0;
    }

    /// @inheritdoc IKycRegistry
    function issuerOf(uint32 issuerId) external view returns (address) {
        return _issuerById[issuerId];
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IKycRegistry
    function attestBySig(
        AttestationRequest calldata request,
        address issuer,
        uint64 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 uid) {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        uint32 issuerId = _activeIssuerId(issuer);
        if (!SignatureChecker.isValidSignatureNow(issuer, _hashAttestation(request, nonce, deadline), signature)) {
            revert SignatureInvalid(issuer);
        }
        uint64 expected = _nonce(_records[request.subject]);
        if (nonce != expected) revert NonceInvalid(request.subject, expected, nonce);
        return _attest(request, issuer, issuerId);
    }

    /// @inheritdoc IKycRegistry
    function attest(AttestationRequest calldata request) external returns (bytes32 uid) {
        return _attest(request, msg.sender, _activeIssuerId(msg.sender));
    }

    /// @inheritdoc IKycRegistry
    function attestBatch(AttestationRequest[] calldata requests) external returns (bytes32[] memory uids) {
        uint256 n = requests.length;
        if (n == 0) revert BatchEmpty();
        uint32 issuerId = _activeIssuerId(msg.sender);
        uids = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            uids[i] = _attest(requests[i], msg.sender, issuerId);
        }
    }

    /// @inheritdoc IKycRegistry
    function revoke(bytes32 uid) external {
        _revoke(uid);
    }

    /// @inheritdoc IKycRegistry
    function revokeBatch(bytes32[] calldata uids) external {
        uint256 n = uids.length;
        if (n == 0) revert BatchEmpty();
        for (uint256 i; i < n; ++i) {
            _revoke(uids[i]);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           CONSENT AND ERASURE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IKycRegistry
    function grantConsent(uint64 projectId) external {
        if (projects.projectStatus(projectId) != IProjectRegistry.ProjectStatus.Active) {
            revert ProjectNotActive(projectId);
        }
        (uint256 key, uint256 bit) = _consentPosition(_records[msg.sender].consentEpoch, projectId);
        uint256 bits = _consents[msg.sender][key];
        if (bits & bit != 0) revert ConsentAlreadyGranted(projectId, msg.sender);
        _consents[msg.sender][key] = bits | bit;
        emit ConsentGranted(projectId, msg.sender);
    }

    /// @inheritdoc IKycRegistry
    function revokeConsent(uint64 projectId) external {
        (uint256 key, uint256 bit) = _consentPosition(_records[msg.sender].consentEpoch, projectId);
        uint256 bits = _consents[msg.sender][key];
        if (bits & bit == 0) revert ConsentNotGranted(projectId, msg.sender);
        _consents[msg.sender][key] = bits & ~bit;
        emit ConsentRevoked(projectId, msg.sender);
    }

    /// @inheritdoc IKycRegistry
    function erase() external {
        Record storage record = _records[msg.sender];
        RecordStatus status = record.status;
        if (status == RecordStatus.None || status == RecordStatus.Erased) revert NothingToErase(msg.sender);
        record.status = RecordStatus.Erased;
        // Withdraw every consent at once: consents live per epoch (same slot as status, one write).
        // The epoch is also part of the nonce, so this consumes every unused issuer signature.
        ++record.consentEpoch;
        // The pointer is not personal data, but nothing needs it any more: clear it (and refund gas).
        delete record.storageId;
        delete record.ciphertextHash;
        emit RecordErased(_uid(msg.sender, record.sequence), msg.sender, uint40(block.timestamp));
    }

    /// @inheritdoc IKycRegistry
    function setDecryptDelegate(address delegate) external {
        _decryptDelegates[msg.sender] = delegate;
        emit DecryptDelegateSet(msg.sender, delegate);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IKycRegistry
    function isVerified(address subject, uint8 minLevel) public view returns (bool) {
        Record storage record = _records[subject];
        return record.status == RecordStatus.Active && record.level >= minLevel
            && record.expiresAt > block.timestamp;
    }

    /// @inheritdoc IKycRegistry
    function isVerifiedFor(address subject, uint8 minLevel, uint64 projectId) external view returns (bool) {
        return isVerified(subject, minLevel) && hasConsent(subject, projectId);
    }

    /// @inheritdoc IKycRegistry
    function meetsProjectPolicy(address subject, uint64 projectId) external view returns (bool) {
        if (!hasConsent(subject, projectId)) return false;
        if (projects.projectStatus(projectId) != IProjectRegistry.ProjectStatus.Active) return false;
        IProjectRegistry.ProjectSettings memory settings = projects.getProject(projectId).settings;
        if (!isVerified(subject, settings.requiredLevel)) return false;
        uint256 n = settings.acceptedIssuers.length;
        if (n == 0) return true;
        address issuer = _issuerById[_records[subject].issuerId];
        for (uint256 i; i < n; ++i) {
            if (settings.acceptedIssuers[i] == issuer) return true;
        }
        return false;
    }

    /// @inheritdoc IKycRegistry
    function canDecrypt(address requester, bytes32 uid) external view returns (bool) {
        address subject = address(uint160(uint256(uid) >> 96));
        Record storage record = _records[subject];
        if (record.sequence == 0 || uid != _uid(subject, record.sequence)) return false;
        if (record.status != RecordStatus.Active || record.expiresAt <= block.timestamp) return false;
        if (requester == subject || (requester != address(0) && requester == _decryptDelegates[subject])) {
            return true;
        }
        // A reader decrypts through a project it reads for, that the subject consents to, and
        // that is active. Roles on other projects never help.
        uint32 epoch = record.consentEpoch;
        uint64[] memory readFor = projects.readerProjectsOf(requester);
        for (uint256 i; i < readFor.length; ++i) {
            uint64 projectId = readFor[i];
            if (
                _hasConsent(subject, epoch, projectId)
                    && projects.projectStatus(projectId) == IProjectRegistry.ProjectStatus.Active
            ) return true;
        }
        return false;
    }

    /// @inheritdoc IKycRegistry
    function hasConsent(address subject, uint64 projectId) public view returns (bool) {
        return _hasConsent(subject, _records[subject].consentEpoch, projectId);
    }

    /// @inheritdoc IKycRegistry
    function getAttestation(address subject) external view returns (AttestationView memory view_) {
        Record storage record = _records[subject];
        if (record.sequence == 0) return view_;
        view_ = AttestationView({
            uid: _uid(subject, record.sequence),
            subject: subject,
            issuer: _issuerById[record.issuerId],
            level: record.level,
            status: record.status,
            issuedAt: record.issuedAt,
            expiresAt: record.expiresAt,
            storageNetwork: record.storageNetwork,
            storageId: record.storageId,
            ciphertextHash: record.ciphertextHash
        });
    }

    /// @inheritdoc IKycRegistry
    function getRecord(address subject) external view returns (Record memory) {
        return _records[subject];
    }

    /// @inheritdoc IKycRegistry
    function nonceOf(address subject) external view returns (uint64) {
        return _nonce(_records[subject]);
    }

    /// @inheritdoc IKycRegistry
    function nextUid(address subject) external view returns (bytes32) {
        return _uid(subject, _records[subject].sequence + 1);
    }

    /// @inheritdoc IKycRegistry
    function decryptDelegateOf(address subject) external view returns (address) {
        return _decryptDelegates[subject];
    }

    /// @inheritdoc IKycRegistry
    function hashAttestation(AttestationRequest calldata request, uint64 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashAttestation(request, nonce, deadline);
    }

    /// @notice The EIP-712 domain separator (chain id and this registry's address are in it).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IKycRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _attest(AttestationRequest calldata request, address issuer, uint32 issuerId)
        internal
        returns (bytes32 uid)
    {
        address subject = request.subject;
        if (subject == address(0)) revert SubjectInvalid(subject);
        if (request.level == 0) revert LevelInvalid(request.level);
        if (request.expiresAt <= block.timestamp) revert ExpiryInvalid(request.expiresAt, block.timestamp);
        if (request.storageNetwork != STORAGE_ARWEAVE && request.storageNetwork != STORAGE_IRYS) {
            revert StorageNetworkInvalid(request.storageNetwork);
        }
        if (request.storageId == bytes32(0)) revert StorageIdInvalid();
        if (request.ciphertextHash == bytes32(0)) revert CiphertextHashInvalid();

        Record storage record = _records[subject];
        uint64 sequence = record.sequence + 1;
        uint40 issuedAt = uint40(block.timestamp);
        // One write for slot 0 (the struct literal packs it), then the two pointer slots.
        _records[subject] = Record({
            issuedAt: issuedAt,
            expiresAt: request.expiresAt,
            level: request.level,
            status: RecordStatus.Active,
            storageNetwork: request.storageNetwork,
            issuerId: issuerId,
            sequence: sequence,
            consentEpoch: record.consentEpoch,
            revocations: record.revocations,
            storageId: request.storageId,
            ciphertextHash: request.ciphertextHash
        });
        uid = _uid(subject, sequence);
        emit AttestationCreated(
            uid,
            subject,
            issuer,
            request.level,
            issuedAt,
            request.expiresAt,
            request.storageNetwork,
            request.storageId,
            request.ciphertextHash
        );
    }

    function _revoke(bytes32 uid) internal {
        address subject = address(uint160(uint256(uid) >> 96));
        uint64 sequence = uint64(uint256(uid));
        Record storage record = _records[subject];
        uint64 current = record.sequence;
        if (sequence == 0 || current == 0 || sequence > current) revert AttestationNotFound(uid);
        if (uid != _uid(subject, current)) {
            revert AttestationNotCurrent(uid, _uid(subject, current));
        }
        if (record.status != RecordStatus.Active) revert AttestationNotActive(uid, record.status);
        if (msg.sender != _issuerById[record.issuerId] && msg.sender != owner()) {
            revert NotAttestationIssuer(uid, msg.sender);
        }
        record.status = RecordStatus.Revoked;
        // Same slot as the status: consumes the subject's signature nonce at no extra write.
        unchecked {
            ++record.revocations;
        }
        emit AttestationRevoked(uid, subject, msg.sender, uint40(block.timestamp));
    }

    function _activeIssuerId(address issuer) internal view returns (uint32) {
        uint256 slot = _issuerSlots[issuer];
        if (slot & _ISSUER_ACTIVE == 0) revert IssuerNotRegistered(issuer);
        return uint32(slot);
    }

    function _hashAttestation(AttestationRequest calldata request, uint64 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ATTESTATION_TYPEHASH,
                    request.subject,
                    request.level,
                    request.expiresAt,
                    request.storageNetwork,
                    request.storageId,
                    request.ciphertextHash,
                    nonce,
                    deadline
                )
            )
        );
    }

    /// @dev attestations + erasures: both only ever grow, so a nonce is never current twice, and
    /// it lives in slot 0 beside the status (no extra storage read or write).
    function _nonce(Record storage record) internal view returns (uint64) {
        return record.sequence + record.consentEpoch + record.revocations;
    }

    /// @dev uid = subject (160 bits) << 96 | sequence (64 bits); bits 64..95 are zero.
    function _uid(address subject, uint64 sequence) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(subject)) << 96 | sequence);
    }

    function _hasConsent(address subject, uint32 epoch, uint64 projectId) internal view returns (bool) {
        (uint256 key, uint256 bit) = _consentPosition(epoch, projectId);
        return _consents[subject][key] & bit != 0;
    }

    /// @dev key = epoch << 64 | word, with word = projectId >> 8 (at most 56 bits, so no overlap).
    function _consentPosition(uint32 epoch, uint64 projectId) internal pure returns (uint256 key, uint256 bit) {
        return (uint256(epoch) << 64 | projectId >> 8, 1 << (projectId & 0xff));
    }
}
