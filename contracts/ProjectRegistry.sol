// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IProjectRegistry} from "./interfaces/IProjectRegistry.sol";
import {ProjectNotFound, ZeroAddress} from "./interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "./libraries/ProjectRoles.sol";

/// @title ProjectRegistry
/// @notice Organizations, projects, settings and roles of OneKey tenants.
/// @dev The contract owner is protocol governance: it may suspend and re-activate any project,
/// nothing else. Its suspensions are held: only governance lifts them.
contract ProjectRegistry is IProjectRegistry, Ownable2Step {
    using EnumerableSet for EnumerableSet.UintSet;

    /// @notice Upper bound on a project's accepted-issuer list (keeps policy checks bounded).
    uint256 public constant MAX_ACCEPTED_ISSUERS = 16;
    /// @notice Upper bound on the projects an account reads for (keeps `canDecrypt` bounded).
    uint256 public constant MAX_READER_PROJECTS = 32;

    uint64 public organizationCount;
    uint64 public projectCount;

    mapping(uint64 orgId => Organization) internal _organizations;
    mapping(uint64 orgId => mapping(address account => bool)) internal _orgAdmins;
    mapping(uint64 projectId => Project) internal _projects;
    mapping(bytes32 slugHash => uint64 projectId) internal _projectIdBySlug;
    /// @dev An account's roles on a project, in one slot:
    ///  roles (8) | offered (8) | epoch (32)
    /// `epoch` is the holder's role epoch in the project's organization when the slot was written;
    /// once `_roleEpochs` moves past it, the slot reads as empty (see `_membership`).
    struct Membership {
        uint8 roles;
        uint8 offered;
        uint32 epoch;
    }

    mapping(uint64 projectId => mapping(address account => Membership)) internal _memberships;
    /// @dev Moved on by `_revokeOrganizationRoles`: every role stamped with an older epoch is dead.
    mapping(uint64 orgId => mapping(address account => uint32 epoch)) internal _roleEpochs;
    /// @dev Entries are orgId << 128 | epoch << 64 | projectId, so a revoked entry is recognised
    /// with one read of `_roleEpochs`. Revoked entries stay until pruned (`_addReaderProject`)
    /// and are never listed.
    mapping(address account => EnumerableSet.UintSet) internal _readerProjects;
    /// @dev Set while governance holds a project's suspension; cold (see `IProjectRegistry.Project`).
    mapping(uint64 projectId => bool) internal _suspendedByGovernance;

    constructor(address governance) Ownable(governance) {}

    /*//////////////////////////////////////////////////////////////
                             ORGANIZATIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProjectRegistry
    function createOrganization(address owner_, string calldata metadataURI) external returns (uint64 orgId) {
        if (owner_ == address(0)) revert ZeroAddress();
        orgId = ++organizationCount;
        Organization storage org = _organizations[orgId];
        org.owner = owner_;
        org.metadataURI = metadataURI;
        emit OrganizationCreated(orgId, owner_, metadataURI);
    }

    /// @inheritdoc IProjectRegistry
    function setOrganizationMetadata(uint64 orgId, string calldata metadataURI) external {
        _requireOrgAdmin(orgId, msg.sender);
        _organizations[orgId].metadataURI = metadataURI;
        emit OrganizationMetadataUpdated(orgId, metadataURI);
    }

    /// @inheritdoc IProjectRegistry
    function transferOrganizationOwnership(uint64 orgId, address newOwner) external {
        Organization storage org = _requireOrgOwner(orgId, msg.sender);
        org.pendingOwner = newOwner;
        emit OrganizationOwnershipTransferStarted(orgId, msg.sender, newOwner);
    }

    /// @inheritdoc IProjectRegistry
    function acceptOrganizationOwnership(uint64 orgId) external {
        Organization storage org = _organization(orgId);
        if (org.pendingOwner != msg.sender) revert NotPendingOrganizationOwner(orgId, msg.sender);
        address previous = org.owner;
        org.owner = msg.sender;
        delete org.pendingOwner;
        emit OrganizationOwnershipTransferred(orgId, previous, msg.sender);
        // The previous owner keeps nothing it held through the organization, unless it stays an admin.
        if (previous != msg.sender && !_orgAdmins[orgId][previous]) _revokeOrganizationRoles(orgId, previous);
    }

    /// @inheritdoc IProjectRegistry
    function setOrganizationAdmin(uint64 orgId, address account, bool enabled) external {
        _requireOrgOwner(orgId, msg.sender);
        if (account == address(0)) revert ZeroAddress();
        bool wasAdmin = _orgAdmins[orgId][account];
        _orgAdmins[orgId][account] = enabled;
        emit OrganizationAdminSet(orgId, account, enabled);
        if (wasAdmin && !enabled) _revokeOrganizationRoles(orgId, account);
    }

    /// @inheritdoc IProjectRegistry
    function revokeOrganizationRoles(uint64 orgId, address account) external {
        _requireOrgOwner(orgId, msg.sender);
        _revokeOrganizationRoles(orgId, account);
    }

    /// @inheritdoc IProjectRegistry
    function getOrganization(uint64 orgId) external view returns (Organization memory) {
        return _organization(orgId);
    }

    /// @inheritdoc IProjectRegistry
    function isOrganizationAdmin(uint64 orgId, address account) public view returns (bool) {
        // A missing organization's owner reads as zero: never let that make zero an admin.
        return account != address(0) && (_organizations[orgId].owner == account || _orgAdmins[orgId][account]);
    }

    /*//////////////////////////////////////////////////////////////
                                PROJECTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProjectRegistry
    function createProject(uint64 orgId, string calldata slug, ProjectSettings calldata settings)
        external
        returns (uint64 projectId)
    {
        _requireOrgAdmin(orgId, msg.sender);
        _validateSlug(slug);
        bytes32 slugHash = keccak256(bytes(slug));
        uint64 taken = _projectIdBySlug[slugHash];
        if (taken != 0) revert ProjectSlugTaken(slug, taken);
        _validateSettings(settings);

        projectId = ++projectCount;
        _projectIdBySlug[slugHash] = projectId;
        Project storage project = _projects[projectId];
        project.orgId = orgId;
        project.status = ProjectStatus.Active;
        project.slug = slug;
        project.settings = settings;
        emit ProjectCreated(
            projectId,
            orgId,
            slug,
            ProjectStatus.Active,
            settings.requiredLevel,
            settings.acceptedIssuers,
            settings.metadataURI
        );
    }

    /// @inheritdoc IProjectRegistry
    function updateProjectSettings(uint64 projectId, ProjectSettings calldata settings) external {
        _requireProjectAdmin(projectId, msg.sender);
        _validateSettings(settings);
        _projects[projectId].settings = settings;
        emit ProjectSettingsUpdated(projectId, settings.requiredLevel, settings.acceptedIssuers, settings.metadataURI);
    }

    /// @inheritdoc IProjectRegistry
    function setProjectStatus(uint64 projectId, ProjectStatus status) external {
        Project storage project = _project(projectId);
        bool governance = msg.sender == owner();
        if (!governance && !isOrganizationAdmin(project.orgId, msg.sender)) {
            revert NotAllowedToChangeStatus(projectId, msg.sender);
        }
        // `None` is not a status a live project can take.
        if (status == ProjectStatus.None) revert ProjectStatusUnchanged(projectId, status);
        bool held = _suspendedByGovernance[projectId];
        if (held && !governance) revert SuspendedByGovernance(projectId);

        // Governance holds exactly the suspensions it set; re-activating releases the hold.
        bool hold = governance && status == ProjectStatus.Suspended;
        bool statusChanges = status != project.status;
        // The one same-status call that changes state: governance taking over an org's suspension.
        if (!statusChanges && hold == held) revert ProjectStatusUnchanged(projectId, status);
        if (statusChanges) {
            project.status = status;
            emit ProjectStatusChanged(projectId, status, msg.sender);
        }
        if (hold != held) {
            _suspendedByGovernance[projectId] = hold;
            emit ProjectGovernanceSuspensionSet(projectId, hold);
        }
    }

    /// @inheritdoc IProjectRegistry
    function grantRole(uint64 projectId, address account, uint8 role) external {
        uint64 orgId = _requireProjectAdmin(projectId, msg.sender);
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        if (account == address(0)) revert ZeroAddress();
        Membership memory m = _membership(projectId, orgId, account);
        // A reader slot is the reader's to give: for anyone else the grant is an offer.
        if (role == ProjectRoles.READER && account != msg.sender && m.roles & role == 0) {
            m.offered |= role;
            _memberships[projectId][account] = m;
            emit ProjectRoleOffered(projectId, account, role);
            return;
        }
        _grantRole(projectId, orgId, account, m, role);
    }

    /// @inheritdoc IProjectRegistry
    function revokeRole(uint64 projectId, address account, uint8 role) external {
        uint64 orgId = _requireProjectAdmin(projectId, msg.sender);
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        _revokeRole(projectId, orgId, account, _membership(projectId, orgId, account), role);
    }

    /// @inheritdoc IProjectRegistry
    function acceptRole(uint64 projectId, uint8 role) external {
        uint64 orgId = _project(projectId).orgId;
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        Membership memory m = _membership(projectId, orgId, msg.sender);
        if (m.offered & role == 0) revert RoleNotOffered(projectId, msg.sender, role);
        _grantRole(projectId, orgId, msg.sender, m, role);
    }

    /// @inheritdoc IProjectRegistry
    function renounceRole(uint64 projectId, uint8 role) external {
        uint64 orgId = _project(projectId).orgId;
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        Membership memory m = _membership(projectId, orgId, msg.sender);
        if ((m.roles | m.offered) & role == 0) revert RoleNotHeld(projectId, msg.sender, role);
        _revokeRole(projectId, orgId, msg.sender, m, role);
    }

    /// @inheritdoc IProjectRegistry
    function getProject(uint64 projectId) external view returns (Project memory) {
        return _project(projectId);
    }

    /// @inheritdoc IProjectRegistry
    function projectIdOfSlug(string calldata slug) external view returns (uint64) {
        return _projectIdBySlug[keccak256(bytes(slug))];
    }

    /// @inheritdoc IProjectRegistry
    function projectStatus(uint64 projectId) external view returns (ProjectStatus) {
        return _projects[projectId].status;
    }

    /// @inheritdoc IProjectRegistry
    function isSuspendedByGovernance(uint64 projectId) external view returns (bool) {
        return _suspendedByGovernance[projectId];
    }

    /// @inheritdoc IProjectRegistry
    function rolesOf(uint64 projectId, address account) external view returns (uint8) {
        return _liveRoles(projectId, account);
    }

    /// @inheritdoc IProjectRegistry
    function offeredRolesOf(uint64 projectId, address account) external view returns (uint8) {
        return _membership(projectId, _projects[projectId].orgId, account).offered;
    }

    /// @inheritdoc IProjectRegistry
    function hasRole(uint64 projectId, address account, uint8 role) external view returns (bool) {
        return role != 0 && _liveRoles(projectId, account) & role == role;
    }

    /// @inheritdoc IProjectRegistry
    function readerProjectsOf(address account) external view returns (uint64[] memory ids) {
        EnumerableSet.UintSet storage set = _readerProjects[account];
        uint256 n = set.length();
        ids = new uint64[](n);
        uint256 live;
        for (uint256 i; i < n; ++i) {
            uint256 entry = set.at(i);
            if (_readerEntryLive(entry, account)) ids[live++] = uint64(entry);
        }
        // Shorten the array to the live entries (memory only: `live <= n`).
        assembly ("memory-safe") {
            mstore(ids, live)
        }
    }

    /// @inheritdoc IProjectRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _organization(uint64 orgId) internal view returns (Organization storage org) {
        org = _organizations[orgId];
        if (org.owner == address(0)) revert OrganizationNotFound(orgId);
    }

    function _project(uint64 projectId) internal view returns (Project storage project) {
        project = _projects[projectId];
        if (project.status == ProjectStatus.None) revert ProjectNotFound(projectId);
    }

    function _requireOrgOwner(uint64 orgId, address account) internal view returns (Organization storage org) {
        org = _organization(orgId);
        if (org.owner != account) revert NotOrganizationOwner(orgId, account);
    }

    function _requireOrgAdmin(uint64 orgId, address account) internal view {
        _organization(orgId);
        if (!isOrganizationAdmin(orgId, account)) revert NotOrganizationAdmin(orgId, account);
    }

    /// @return orgId The project's organization.
    function _requireProjectAdmin(uint64 projectId, address account) internal view returns (uint64 orgId) {
        orgId = _project(projectId).orgId;
        if (
            _membership(projectId, orgId, account).roles & ProjectRoles.ADMIN == 0
                && !isOrganizationAdmin(orgId, account)
        ) revert NotProjectAdmin(projectId, account);
    }

    /// @dev `account`'s stored roles and offers on `projectId`, or none when they were stamped
    /// before its last organization-wide revocation; `epoch` is always the current one.
    function _membership(uint64 projectId, uint64 orgId, address account) internal view returns (Membership memory m) {
        m = _memberships[projectId][account];
        uint32 epoch = _roleEpochs[orgId][account];
        if (m.epoch != epoch) m = Membership({roles: 0, offered: 0, epoch: epoch});
    }

    function _liveRoles(uint64 projectId, address account) internal view returns (uint8) {
        return _membership(projectId, _projects[projectId].orgId, account).roles;
    }

    function _grantRole(uint64 projectId, uint64 orgId, address account, Membership memory m, uint8 role) internal {
        if (role == ProjectRoles.READER && m.roles & role == 0) _addReaderProject(account, orgId, m.epoch, projectId);
        m.roles |= role;
        m.offered &= ~role;
        _memberships[projectId][account] = m;
        emit ProjectRolesChanged(projectId, account, role, true, m.roles);
    }

    function _revokeRole(uint64 projectId, uint64 orgId, address account, Membership memory m, uint8 role) internal {
        if (role == ProjectRoles.READER && m.roles & role != 0) {
            _readerProjects[account].remove(_readerEntry(orgId, m.epoch, projectId));
        }
        m.roles &= ~role;
        m.offered &= ~role;
        _memberships[projectId][account] = m;
        emit ProjectRolesChanged(projectId, account, role, false, m.roles);
    }

    /// @dev Kills every role and offer of `account` on the organization's projects: O(1).
    function _revokeOrganizationRoles(uint64 orgId, address account) internal {
        ++_roleEpochs[orgId][account];
        emit OrganizationRolesRevoked(orgId, account);
    }

    /// @dev Adds a reader entry; when that passes the cap, first drops the account's revoked
    /// entries (a bounded walk: at most MAX_READER_PROJECTS + 1 of them).
    function _addReaderProject(address account, uint64 orgId, uint32 epoch, uint64 projectId) internal {
        EnumerableSet.UintSet storage set = _readerProjects[account];
        set.add(_readerEntry(orgId, epoch, projectId));
        if (set.length() <= MAX_READER_PROJECTS) return;
        // Walk backwards: `remove` moves the last entry, which was already checked, into the gap.
        for (uint256 i = set.length(); i > 0; --i) {
            uint256 entry = set.at(i - 1);
            if (!_readerEntryLive(entry, account)) set.remove(entry);
        }
        if (set.length() > MAX_READER_PROJECTS) revert ReaderProjectsTooMany(account, MAX_READER_PROJECTS);
    }

    function _readerEntry(uint64 orgId, uint32 epoch, uint64 projectId) internal pure returns (uint256) {
        return uint256(orgId) << 128 | uint256(epoch) << 64 | projectId;
    }

    function _readerEntryLive(uint256 entry, address account) internal view returns (bool) {
        return _roleEpochs[uint64(entry >> 128)][account] == uint32(entry >> 64);
    }

    function _validateSettings(ProjectSettings calldata settings) internal pure {
        if (settings.requiredLevel == 0) revert RequiredLevelInvalid(settings.requiredLevel);
        uint256 n = settings.acceptedIssuers.length;
        if (n > MAX_ACCEPTED_ISSUERS) revert AcceptedIssuersTooMany(n, MAX_ACCEPTED_ISSUERS);
        for (uint256 i; i < n; ++i) {
            if (settings.acceptedIssuers[i] == address(0)) revert AcceptedIssuerInvalid(address(0));
        }
    }

    /// @dev Slugs appear in project links: 3-64 characters of [a-z0-9-], no leading or trailing '-'.
    function _validateSlug(string calldata slug) internal pure {
        bytes calldata b = bytes(slug);
        uint256 n = b.length;
        if (n < 3 || n > 64 || b[0] == "-" || b[n - 1] == "-") revert ProjectSlugInvalid(slug);
        for (uint256 i; i < n; ++i) {
            bytes1 c = b[i];
            bool ok = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-";
            if (!ok) revert ProjectSlugInvalid(slug);
        }
    }
}
