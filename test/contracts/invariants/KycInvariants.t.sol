// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {KycRegistry} from "../../../contracts/KycRegistry.sol";
import {ProjectRegistry} from "../../../contracts/ProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

// The handler lives in this file so that running this file alone still gives the fuzzer its
// artifact (Hardhat writes artifacts for root files only).

/// @notice Drives the registries through random but valid sequences of user, issuer and
/// governance actions, and keeps a ghost model of what the spec says must hold.
/// @dev Every action checks its own preconditions, so a revert is a finding (the invariant
/// tests run with failOnRevert).
contract KycHandler is CommonBase, StdUtils {
    KycRegistry public immutable kyc;
    ProjectRegistry public immutable projects;
    address public immutable issuer;
    uint256 internal immutable _issuerKey;
    address public immutable governance;
    address public immutable orgOwner;
    /// @dev An account whose reader role on A and B the fuzzer grants and revokes.
    address public immutable floater;
    uint64 public immutable projectA;
    uint64 public immutable projectB;

    address[] internal _subjects;
    address[] internal _delegates;

    /// @dev Every uid ever issued, and whether it was superseded, revoked or erased.
    bytes32[] public allUids;
    mapping(bytes32 uid => bool) public dead;
    bytes32[] public erasedUids;

    /// @dev Ghost copy of each subject's state.
    mapping(address subject => uint64) public ghostSequence;
    mapping(address subject => uint64) public ghostErasures;
    mapping(address subject => uint64) public ghostRevocations;
    mapping(address subject => IKycRegistry.RecordStatus) public ghostStatus;
    mapping(address subject => uint40) public ghostExpiresAt;
    mapping(address subject => mapping(uint64 projectId => bool)) public ghostConsent;
    /// @dev The subject erased a record and has not granted `projectId` consent since.
    mapping(address subject => mapping(uint64 projectId => bool)) public ghostErasedWithoutGrant;
    mapping(address subject => address) public ghostDelegate;
    mapping(uint64 projectId => bool) public ghostSuspended;
    mapping(uint64 projectId => bool) public ghostFloaterReads;

    /// @dev Counts any attestation whose sequence did not follow the previous one.
    uint256 public sequenceViolations;

    /// @dev An issuer signature obtained earlier and kept unused (e.g. by a relayer).
    struct KeptSignature {
        bool kept;
        uint64 nonce;
        IKycRegistry.AttestationRequest request;
        bytes signature;
    }

    mapping(address subject => KeptSignature) internal _kept;
    /// @dev Kept signatures the registry accepted although a later attestation or erasure had
    /// spent their nonce, and ones it refused although their nonce was still current.
    uint256 public staleSignaturesAccepted;
    uint256 public freshSignaturesRefused;
    mapping(string action => uint256) public calls;

    constructor(
        KycRegistry kyc_,
        ProjectRegistry projects_,
        address issuer_,
        uint256 issuerKey_,
        address governance_,
        address orgOwner_,
        address floater_,
        uint64 projectA_,
        uint64 projectB_,
        address[] memory subjects_,
        address[] memory delegates_
    ) {
        kyc = kyc_;
        projects = projects_;
        issuer = issuer_;
        _issuerKey = issuerKey_;
        governance = governance_;
        orgOwner = orgOwner_;
        floater = floater_;
        projectA = projectA_;
        projectB = projectB_;
        _subjects = subjects_;
        _delegates = delegates_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function attest(uint256 subjectSeed, uint8 level, uint32 ttl) external {
        address subject = _subject(subjectSeed);
        IKycRegistry.AttestationRequest memory r = _requestFor(subject, level, ttl);
        vm.prank(issuer);
        bytes32 uid = kyc.attest(r);
        _recordAttestation(subject, uid, r.expiresAt);
        calls["attest"]++;
    }

    function attestBySig(uint256 subjectSeed, uint8 level, uint32 ttl) external {
        address subject = _subject(subjectSeed);
        IKycRegistry.AttestationRequest memory r = _requestFor(subject, level, ttl);
        uint64 nonce = kyc.nonceOf(subject);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(_issuerKey, kyc.hashAttestation(r, nonce, deadline));
        bytes32 uid = kyc.attestBySig(r, issuer, nonce, deadline, abi.encodePacked(rr, s, v));
        _recordAttestation(subject, uid, r.expiresAt);
        calls["attestBySig"]++;
    }

    /// @dev Gets a signature over the subject's current nonce and keeps it for later.
    function signForLater(uint256 subjectSeed, uint8 level) external {
        address subject = _subject(subjectSeed);
        IKycRegistry.AttestationRequest memory r = _requestFor(subject, level, 0);
        r.expiresAt = type(uint40).max; // still in the future whenever it is submitted
        uint64 nonce = kyc.nonceOf(subject);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(_issuerKey, kyc.hashAttestation(r, nonce, type(uint256).max));
        _kept[subject] = KeptSignature({kept: true, nonce: nonce, request: r, signature: abi.encodePacked(rr, s, v)});
        calls["signForLater"]++;
    }

    /// @dev Submits the kept signature, whatever happened since: it must attest exactly when no
    /// attestation, erasure or revocation came in between.
    function submitKeptSignature(uint256 subjectSeed) external {
        address subject = _subject(subjectSeed);
        KeptSignature memory k = _kept[subject];
        if (!k.kept) return;
        delete _kept[subject];
        bool current = k.nonce == ghostSequence[subject] + ghostErasures[subject] + ghostRevocations[subject];
        try kyc.attestBySig(k.request, issuer, k.nonce, type(uint256).max, k.signature) returns (bytes32 uid) {
            if (!current) staleSignaturesAccepted++;
            _recordAttestation(subject, uid, k.request.expiresAt);
        } catch {
            if (current) freshSignaturesRefused++;
        }
        calls["submitKeptSignature"]++;
    }

    function revoke(uint256 subjectSeed) external {
        address subject = _subject(subjectSeed);
        if (ghostStatus[subject] != IKycRegistry.RecordStatus.Active) return;
        bytes32 uid = _currentUid(subject);
        vm.prank(issuer);
        kyc.revoke(uid);
        ghostStatus[subject] = IKycRegistry.RecordStatus.Revoked;
        ghostRevocations[subject]++;
        dead[uid] = true;
        calls["revoke"]++;
    }

    function erase(uint256 subjectSeed) external {
        address subject = _subject(subjectSeed);
        IKycRegistry.RecordStatus status = ghostStatus[subject];
        if (status == IKycRegistry.RecordStatus.None || status == IKycRegistry.RecordStatus.Erased) return;
        bytes32 uid = _currentUid(subject);
        vm.prank(subject);
        kyc.erase();
        ghostStatus[subject] = IKycRegistry.RecordStatus.Erased;
        ghostErasures[subject]++;
        dead[uid] = true;
        erasedUids.push(uid);
        // Erasure withdraws every consent; the subject must grant each one again.
        ghostConsent[subject][projectA] = false;
        ghostConsent[subject][projectB] = false;
        ghostErasedWithoutGrant[subject][projectA] = true;
        ghostErasedWithoutGrant[subject][projectB] = true;
        calls["erase"]++;
    }

    function grantConsent(uint256 subjectSeed, bool toB) external {
        address subject = _subject(subjectSeed);
        uint64 projectId = toB ? projectB : projectA;
        if (ghostConsent[subject][projectId] || ghostSuspended[projectId]) return;
        vm.prank(subject);
        kyc.grantConsent(projectId);
        ghostConsent[subject][projectId] = true;
        ghostErasedWithoutGrant[subject][projectId] = false;
        calls["grantConsent"]++;
    }

    function revokeConsent(uint256 subjectSeed, bool fromB) external {
        address subject = _subject(subjectSeed);
        uint64 projectId = fromB ? projectB : projectA;
        if (!ghostConsent[subject][projectId]) return;
        vm.prank(subject);
        kyc.revokeConsent(projectId);
        ghostConsent[subject][projectId] = false;
        calls["revokeConsent"]++;
    }

    function setDecryptDelegate(uint256 subjectSeed, uint256 delegateSeed) external {
        address subject = _subject(subjectSeed);
        // One in three clears the delegate.
        uint256 pick = delegateSeed % (_delegates.length + 1);
        address delegate = pick == _delegates.length ? address(0) : _delegates[pick];
        vm.prank(subject);
        kyc.setDecryptDelegate(delegate);
        ghostDelegate[subject] = delegate;
        calls["setDecryptDelegate"]++;
    }

    function toggleProject(bool isB) external {
        uint64 projectId = isB ? projectB : projectA;
        bool suspend = !ghostSuspended[projectId];
        vm.prank(governance);
        projects.setProjectStatus(
            projectId, suspend ? IProjectRegistry.ProjectStatus.Suspended : IProjectRegistry.ProjectStatus.Active
        );
        ghostSuspended[projectId] = suspend;
        calls["toggleProject"]++;
    }

    function toggleFloaterReader(bool onB) external {
        uint64 projectId = onB ? projectB : projectA;
        bool reads = !ghostFloaterReads[projectId];
        vm.prank(orgOwner);
        if (reads) {
            // A reader grant is an offer the reader accepts.
            projects.grantRole(projectId, floater, ProjectRoles.READER);
            vm.prank(floater);
            projects.acceptRole(projectId, ProjectRoles.READER);
        } else {
            projects.revokeRole(projectId, floater, ProjectRoles.READER);
        }
        ghostFloaterReads[projectId] = reads;
        calls["toggleFloaterReader"]++;
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 20 days));
        calls["warp"]++;
    }

    /*//////////////////////////////////////////////////////////////
                                 MODEL
    //////////////////////////////////////////////////////////////*/

    function subjects() external view returns (address[] memory) {
        return _subjects;
    }

    function delegates() external view returns (address[] memory) {
        return _delegates;
    }

    function allUidsLength() external view returns (uint256) {
        return allUids.length;
    }

    function erasedUidsLength() external view returns (uint256) {
        return erasedUids.length;
    }

    /// @notice Whether the subject's current attestation is live by the ghost model.
    function ghostLive(address subject) public view returns (bool) {
        return ghostStatus[subject] == IKycRegistry.RecordStatus.Active && block.timestamp < ghostExpiresAt[subject];
    }

    /// @notice What the spec says `canDecrypt(requester, current uid of subject)` must return,
    /// for readers who read exactly one of the two projects (`readsB` picks which).
    function ghostReaderMayDecrypt(address subject, bool readsB) external view returns (bool) {
        uint64 projectId = readsB ? projectB : projectA;
        return ghostLive(subject) && ghostConsent[subject][projectId] && !ghostSuspended[projectId];
    }

    /// @notice What the spec says `canDecrypt(floater, current uid of subject)` must return.
    function ghostFloaterMayDecrypt(address subject) external view returns (bool) {
        if (!ghostLive(subject)) return false;
        return (ghostFloaterReads[projectA] && ghostConsent[subject][projectA] && !ghostSuspended[projectA])
            || (ghostFloaterReads[projectB] && ghostConsent[subject][projectB] && !ghostSuspended[projectB]);
    }

    function currentUid(address subject) external view returns (bytes32) {
        return _currentUid(subject);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _subject(uint256 seed) internal view returns (address) {
        return _subjects[seed % _subjects.length];
    }

    function _requestFor(address subject, uint8 level, uint32 ttl)
        internal
        view
        returns (IKycRegistry.AttestationRequest memory)
    {
        return IKycRegistry.AttestationRequest({
            subject: subject,
            level: uint8(bound(level, 1, 3)),
            expiresAt: uint40(block.timestamp + bound(ttl, 1, 60 days)),
            storageNetwork: 1,
            storageId: keccak256(abi.encode(subject, block.timestamp)),
            ciphertextHash: keccak256(abi.encode("ciphertext", subject, block.timestamp))
        });
    }

    function _recordAttestation(address subject, bytes32 uid, uint40 expiresAt) internal {
        uint64 previous = ghostSequence[subject];
        if (previous != 0) dead[_uidOf(subject, previous)] = true; // superseded
        uint64 sequence = uint64(uint256(uid));
        if (sequence != previous + 1 || address(uint160(uint256(uid) >> 96)) != subject) sequenceViolations++;
        ghostSequence[subject] = sequence;
        ghostStatus[subject] = IKycRegistry.RecordStatus.Active;
        ghostExpiresAt[subject] = expiresAt;
        allUids.push(uid);
    }

    function _currentUid(address subject) internal view returns (bytes32) {
        return _uidOf(subject, ghostSequence[subject]);
    }

    function _uidOf(address subject, uint64 sequence) internal pure returns (bytes32) {
        return bytes32((uint256(uint160(subject)) << 96) | sequence);
    }
}

/// @notice Properties that must hold after any sequence of attest / revoke / erase / consent /
/// delegate / suspend / reader-role / time-travel actions.
contract KycInvariantsTest is BaseTest {
    KycHandler internal handler;
    /// @dev Everyone whose access is checked: subjects, delegates, both readers and bystanders.
    address[] internal requesters;

    function setUp() public override {
        super.setUp();
        address[] memory subjects_ = new address[](3);
        subjects_[0] = makeAddr("alice");
        subjects_[1] = makeAddr("bob");
        subjects_[2] = makeAddr("carol");
        address[] memory delegates_ = new address[](2);
        delegates_[0] = makeAddr("delegate0");
        delegates_[1] = makeAddr("delegate1");

        address floater = makeAddr("floater");
        handler = new KycHandler(
            kyc, projects, issuer, issuerKey, governance, orgOwner, floater, projectA, projectB, subjects_, delegates_
        );

        for (uint256 i; i < subjects_.length; ++i) {
            requesters.push(subjects_[i]);
        }
        requesters.push(delegates_[0]);
        requesters.push(delegates_[1]);
        requesters.push(readerA);
        requesters.push(readerB);
        requesters.push(floater);
        requesters.push(issuer);
        requesters.push(governance);
        requesters.push(orgOwner);
        requesters.push(projectAdmin);
        requesters.push(address(0));

        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](12);
        actions[0] = KycHandler.attest.selector;
        actions[1] = KycHandler.attestBySig.selector;
        actions[2] = KycHandler.revoke.selector;
        actions[3] = KycHandler.erase.selector;
        actions[4] = KycHandler.grantConsent.selector;
        actions[5] = KycHandler.revokeConsent.selector;
        actions[6] = KycHandler.setDecryptDelegate.selector;
        actions[7] = KycHandler.toggleProject.selector;
        actions[8] = KycHandler.warp.selector;
        actions[9] = KycHandler.toggleFloaterReader.selector;
        actions[10] = KycHandler.signForLater.selector;
        actions[11] = KycHandler.submitKeptSignature.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    /// @notice A revoked, erased or superseded uid never passes the decrypt condition again,
    /// for anyone.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_deadUidNeverDecrypts() public view {
        uint256 n = handler.allUidsLength();
        for (uint256 i; i < n; ++i) {
            bytes32 uid = handler.allUids(i);
            if (!handler.dead(uid)) continue;
            for (uint256 j; j < requesters.length; ++j) {
                assertFalse(kyc.canDecrypt(requesters[j], uid), "dead uid decrypted");
            }
        }
    }

    /// @notice An erased uid never passes again, even after the subject is attested anew.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_erasedUidNeverPassesAgain() public view {
        uint256 n = handler.erasedUidsLength();
        for (uint256 i; i < n; ++i) {
            bytes32 uid = handler.erasedUids(i);
            address subject_ = address(uint160(uint256(uid) >> 96));
            assertTrue(kyc.getAttestation(subject_).uid != uid || !kyc.isVerified(subject_, 0), "erased uid live");
            for (uint256 j; j < requesters.length; ++j) {
                assertFalse(kyc.canDecrypt(requesters[j], uid), "erased uid decrypted");
            }
        }
    }

    /// @notice A subject whose current record is revoked or erased passes no check at all.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_revokedOrErasedNeverVerified() public view {
        address[] memory subjects_ = handler.subjects();
        for (uint256 i; i < subjects_.length; ++i) {
            address s = subjects_[i];
            IKycRegistry.RecordStatus status = handler.ghostStatus(s);
            assertEq(uint8(kyc.getRecord(s).status), uint8(status), "status diverged from the model");
            if (status != IKycRegistry.RecordStatus.Revoked && status != IKycRegistry.RecordStatus.Erased) continue;
            assertFalse(kyc.isVerified(s, 0));
            assertFalse(kyc.isVerifiedFor(s, 0, projectA));
            assertFalse(kyc.isVerifiedFor(s, 0, projectB));
            assertFalse(kyc.meetsProjectPolicy(s, projectA));
            assertFalse(kyc.meetsProjectPolicy(s, projectB));
            bytes32 uid = handler.currentUid(s);
            for (uint256 j; j < requesters.length; ++j) {
                assertFalse(kyc.canDecrypt(requesters[j], uid), "revoked or erased record decrypted");
            }
        }
    }

    /// @notice A reader of one project never decrypts a subject who did not consent to that
    /// project (consent to the other project does not help), and the decrypt condition
    /// matches the model exactly for subjects, delegates and readers (fixed and re-assigned).
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_decryptMatchesConsentModel() public view {
        address[] memory subjects_ = handler.subjects();
        for (uint256 i; i < subjects_.length; ++i) {
            address s = subjects_[i];
            bytes32 uid = handler.currentUid(s);
            bool live = handler.ghostLive(s);
            assertEq(kyc.isVerified(s, 1), live, "isVerified diverged from the model");

            bool mayA = handler.ghostReaderMayDecrypt(s, false);
            bool mayB = handler.ghostReaderMayDecrypt(s, true);
            assertEq(kyc.canDecrypt(readerA, uid), mayA, "reader of A");
            assertEq(kyc.canDecrypt(readerB, uid), mayB, "reader of B");
            if (!handler.ghostConsent(s, projectA)) assertFalse(kyc.canDecrypt(readerA, uid), "A read B's consent");
            if (!handler.ghostConsent(s, projectB)) assertFalse(kyc.canDecrypt(readerB, uid), "B read A's consent");
            // Reader roles granted and revoked on the fly follow the same rule.
            assertEq(kyc.canDecrypt(handler.floater(), uid), handler.ghostFloaterMayDecrypt(s), "floating reader");

            assertEq(kyc.canDecrypt(s, uid), live, "subject");
            address delegate = handler.ghostDelegate(s);
            // The named delegate speaks for the subject (it may serve several subjects).
            if (delegate != address(0)) assertEq(kyc.canDecrypt(delegate, uid), live, "delegate");
            // Bystanders never pass.
            assertFalse(kyc.canDecrypt(issuer, uid));
            assertFalse(kyc.canDecrypt(orgOwner, uid));
            assertFalse(kyc.canDecrypt(address(0), uid));
        }
    }

    /// @notice Consent matches the model, and no consent survives an erasure: after `erase`,
    /// `hasConsent` is false for a project until the subject grants it again (a new
    /// attestation alone does not bring it back).
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_noConsentSurvivesErasure() public view {
        address[] memory subjects_ = handler.subjects();
        uint64[2] memory ids = [projectA, projectB];
        for (uint256 i; i < subjects_.length; ++i) {
            address s = subjects_[i];
            for (uint256 k; k < ids.length; ++k) {
                if (handler.ghostErasedWithoutGrant(s, ids[k])) {
                    assertFalse(kyc.hasConsent(s, ids[k]), "a consent survived erasure");
                }
                assertEq(kyc.hasConsent(s, ids[k]), handler.ghostConsent(s, ids[k]), "consent diverged from the model");
            }
        }
    }

    /// @notice An issuer signature attests only while its nonce is current: one kept while the
    /// subject was attested again, erased or revoked never attests afterwards.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_noSignatureOutlivesItsNonce() public view {
        assertEq(handler.staleSignaturesAccepted(), 0, "a stale signature attested");
        assertEq(handler.freshSignaturesRefused(), 0, "a current signature was refused");
    }

    /// @notice A subject's uid sequence only grows, one per attestation, and the current uid
    /// always encodes the subject and its sequence. The signature nonce counts attestations,
    /// erasures and revocations, so no signature outlives any of them.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_uidSequenceNeverDecreases() public view {
        assertEq(handler.sequenceViolations(), 0, "an attestation skipped or reused a sequence");
        address[] memory subjects_ = handler.subjects();
        for (uint256 i; i < subjects_.length; ++i) {
            address s = subjects_[i];
            uint64 sequence = handler.ghostSequence(s);
            assertEq(
                kyc.nonceOf(s),
                sequence + handler.ghostErasures(s) + handler.ghostRevocations(s),
                "nonce != attestations + erasures + revocations"
            );
            assertEq(kyc.nextUid(s), _uid(s, sequence + 1));
            if (sequence != 0) assertEq(kyc.getAttestation(s).uid, _uid(s, sequence));
        }
    }
}
