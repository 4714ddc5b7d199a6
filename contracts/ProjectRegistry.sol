// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IProjectRegistry} from "./interfaces/IProjectRegistry.sol";
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
    mapping(uint64 projectId => mapping(address account => uint8 roles)) internal _roles;
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
    }

    /// @inheritdoc IProjectRegistry
    function setOrganizationAdmin(uint64 orgId, address account, bool enabled) external {
        _requireOrgOwner(orgId, msg.sender);
        if (account == address(0)) revert ZeroAddress();
        _orgAdmins[orgId][account] = enabled;
        emit OrganizationAdminSet(orgId, account, enabled);
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
        _requireProjectAdmin(projectId, msg.sender);
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        if (account == address(0)) revert ZeroAddress();
        uint8 roles = _roles[projectId][account] | role;
        _roles[projectId][account] = roles;
        if (role == ProjectRoles.READER && _readerProjects[account].add(projectId)) {
            if (_readerProjects[account].length() > MAX_READER_PROJECTS) {
                revert ReaderProjectsTooMany(account, MAX_READER_PROJECTS);
            }
        }
        emit ProjectRolesChanged(projectId, account, role, true, roles);
    }

    /// @inheritdoc IProjectRegistry
    function revokeRole(uint64 projectId, address account, uint8 role) external {
        _requireProjectAdmin(projectId, msg.sender);
        if (!ProjectRoles.isSingle(role)) revert RoleInvalid(role);
        uint8 roles = _roles[projectId][account] & ~role;
        _roles[projectId][account] = roles;
        if (role == ProjectRoles.READER) _readerProjects[account].remove(projectId);
        emit ProjectRolesChanged(projectId, account, role, false, roles);
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
        return _roles[projectId][account];
    }

    /// @inheritdoc IProjectRegistry
    function hasRole(uint64 projectId, address account, uint8 role) external view returns (bool) {
        return role != 0 && _roles[projectId][account] & role == role;
    }

    /// @inheritdoc IProjectRegistry
    function readerProjectsOf(address account) external view returns (uint64[] memory ids) {
        EnumerableSet.UintSet storage set = _readerProjects[account];
        uint256 n = set.length();
        ids = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = uint64(set.at(i));
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

    function _requireProjectAdmin(uint64 projectId, address account) internal view {
        Project storage project = _project(projectId);
        if (_roles[projectId][account] & ProjectRoles.ADMIN == 0 && !isOrganizationAdmin(project.orgId, account)) {
            revert NotProjectAdmin(projectId, account);
        }
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
