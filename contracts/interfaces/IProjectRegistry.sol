// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProjectRegistry
/// @notice The project ID system: organizations (tenants) own projects; projects carry a stable
/// `uint64` id, a unique slug, a status, KYC settings and per-account roles.
/// @dev Every state change emits an event that carries every stored field it touches, with
/// `projectId` indexed, so the indexer never reads the contract back.
///
/// Roles follow three rules:
///  1. A reader role needs its reader's acceptance. Each account reads for at most
///     `MAX_READER_PROJECTS` projects (so `canDecrypt` stays bounded), and anyone can create
///     organizations and projects, so a grant that took a slot at once would let a stranger fill
///     an account's slots. `grantRole(p, a, READER)` for another account only records an offer
///     (`ProjectRoleOffered`) that takes no slot; `a` takes the role with `acceptRole`. Granting
///     the reader role to oneself is immediate (the call is the acceptance). Other roles take no
///     bounded resource of their holder and are granted at once.
///  2. Any account may drop its own roles and decline offers (`renounceRole`). With rule 1 no
///     one can refill a slot the account freed without its consent again.
///  3. Whoever loses its authority over an organization (an admin the owner disables, or an
///     owner that hands ownership over and is not also an admin) loses, in the same call, every
///     project role and offer it holds in that organization's projects (`OrganizationRolesRevoked`),
///     whoever granted them; the owner can do the same to any other account with
///     `revokeOrganizationRoles` (e.g. to addresses a removed admin appointed). No loop runs: roles
///     are stamped with the holder's per-organization role epoch, the revocation moves the epoch
///     on, and roles or offers stamped with an older epoch read as none, for good. Roles granted
///     to other accounts by someone who leaves stay until the owner or an admin revokes them.
interface IProjectRegistry {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Lifecycle of a project. Suspended projects keep their data but cannot gain
    /// consents, decrypt records or be sponsored.
    enum ProjectStatus {
        None,
        Active,
        Suspended
    }

    /// @notice An organization: the tenant that owns projects.
    /// @dev Storage layout (keyed by `orgId`):
    ///  slot 0: owner (160 bits)
    ///  slot 1: pendingOwner (160 bits), set during a two-step ownership transfer
    ///  slot 2+: metadataURI (string)
    struct Organization {
        address owner;
        address pendingOwner;
        string metadataURI;
    }

    /// @notice A project's KYC settings, chosen by its admins.
    /// @param requiredLevel Minimum attestation level the project asks of its users (1..255).
    /// @param acceptedIssuers Issuers whose attestations the project accepts; empty means any
    /// issuer registered with the KYC registry.
    /// @param metadataURI Public project metadata (name, logo, terms); never personal data.
    struct ProjectSettings {
        uint8 requiredLevel;
        address[] acceptedIssuers;
        string metadataURI;
    }

    /// @notice A project under an organization.
    /// @dev Storage layout (keyed by `projectId`):
    ///  slot 0: orgId (64) | status (8) | settings.requiredLevel (8)   -- one slot for the hot reads
    ///  slot 1+: slug (string), settings.acceptedIssuers (address[]), settings.metadataURI (string)
    /// Whether governance holds the project's suspension lives outside the struct, in its own
    /// `projectId => bool` mapping (read only by `setProjectStatus` and `isSuspendedByGovernance`),
    /// so the hot slot and the struct's ABI stay as they are.
    struct Project {
        uint64 orgId;
        ProjectStatus status;
        string slug;
        ProjectSettings settings;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice An organization was created.
    /// @param orgId The new organization's id (sequential from 1).
    /// @param owner Its owner.
    /// @param metadataURI Public organization metadata (name, logo); never personal data.
    event OrganizationCreated(uint64 indexed orgId, address indexed owner, string metadataURI);

    /// @notice An organization's metadata changed (its owner or an org admin set it).
    /// @param orgId The organization.
    /// @param metadataURI The new metadata URI, replacing the previous one.
    event OrganizationMetadataUpdated(uint64 indexed orgId, string metadataURI);

    /// @notice The owner named `pendingOwner`; the transfer completes when they accept.
    /// @param orgId The organization.
    /// @param owner The current owner, who started (or cancelled) the transfer.
    /// @param pendingOwner The account that may accept ownership; zero cancels a pending transfer.
    event OrganizationOwnershipTransferStarted(
        uint64 indexed orgId, address indexed owner, address indexed pendingOwner
    );

    /// @notice Ownership moved to `newOwner`.
    /// @param orgId The organization.
    /// @param previousOwner The owner until now; unless it is an org admin, it also loses its
    /// project roles there (`OrganizationRolesRevoked`, rule 3 above).
    /// @param newOwner The pending owner, who accepted.
    event OrganizationOwnershipTransferred(
        uint64 indexed orgId, address indexed previousOwner, address indexed newOwner
    );

    /// @notice `account` became (enabled) or stopped being (disabled) an organization admin.
    /// @param orgId The organization.
    /// @param account The account (never zero).
    /// @param enabled Whether `account` is an org admin from now on. Disabling an admin also emits
    /// `OrganizationRolesRevoked`.
    event OrganizationAdminSet(uint64 indexed orgId, address indexed account, bool enabled);

    /// @notice A project was created, with every stored field.
    /// @param projectId The new project's id (sequential from 1, never reused).
    /// @param orgId The organization that owns it.
    /// @param slug Its unique slug (3-64 characters of [a-z0-9-]).
    /// @param status Its status: always `Active` at creation.
    /// @param requiredLevel Minimum attestation level the project asks of its users (1..255).
    /// @param acceptedIssuers Issuers whose attestations it accepts; empty means any registered issuer.
    /// @param metadataURI Public project metadata (name, logo, terms); never personal data.
    event ProjectCreated(
        uint64 indexed projectId,
        uint64 indexed orgId,
        string slug,
        ProjectStatus status,
        uint8 requiredLevel,
        address[] acceptedIssuers,
        string metadataURI
    );

    /// @notice A project's settings were replaced, with the full new settings.
    /// @param projectId The project.
    /// @param requiredLevel Minimum attestation level the project asks of its users (1..255).
    /// @param acceptedIssuers Issuers whose attestations it accepts; empty means any registered issuer.
    /// @param metadataURI Public project metadata (name, logo, terms); never personal data.
    event ProjectSettingsUpdated(
        uint64 indexed projectId, uint8 requiredLevel, address[] acceptedIssuers, string metadataURI
    );

    /// @notice A project's status changed (`by` is the org admin or governance that changed it).
    /// @param projectId The project.
    /// @param status The new status (`Active` or `Suspended`).
    /// @param by The caller: the org's owner or an org admin, or governance.
    event ProjectStatusChanged(uint64 indexed projectId, ProjectStatus status, address indexed by);

    /// @notice Governance took (`true`) or released (`false`) the hold on a project's suspension.
    /// Emitted with `ProjectStatusChanged` when governance suspends an active project or re-activates
    /// a held one, and alone when governance suspends a project its organization had suspended.
    /// @param projectId The project.
    /// @param suspendedByGovernance Whether governance holds the suspension from now on (while it
    /// does, only governance may change the project's status).
    event ProjectGovernanceSuspensionSet(uint64 indexed projectId, bool suspendedByGovernance);

    /// @notice `account`'s role bitmap on `projectId` became `roles` (a grant or a revoke of `role`).
    /// Either closes any pending offer of `role` to `account`: accepting an offer emits the grant,
    /// and declining or withdrawing one emits a revoke.
    /// @param projectId The project.
    /// @param account The account whose roles changed.
    /// @param role The role granted or revoked (one ROLE_* bit).
    /// @param granted Whether `role` was granted (true) or revoked, renounced or declined (false).
    /// @param roles The account's full role bitmap on `projectId` after the change.
    event ProjectRolesChanged(
        uint64 indexed projectId, address indexed account, uint8 role, bool granted, uint8 roles
    );

    /// @notice `role` on `projectId` was offered to `account`; it takes effect only when `account`
    /// accepts it (`acceptRole`). Until then it takes none of `account`'s reader slots.
    /// @param projectId The project.
    /// @param account The account offered the role.
    /// @param role The role offered (today only the reader role is offered).
    event ProjectRoleOffered(uint64 indexed projectId, address indexed account, uint8 role);

    /// @notice Every role and pending offer `account` held on `orgId`'s projects was revoked at
    /// once: it was removed as an org admin, it handed ownership over, or the owner revoked them.
    /// No `ProjectRolesChanged` is emitted per project: indexers treat this event as setting the
    /// account's roles and offers to none on every project of `orgId`.
    /// @param orgId The organization.
    /// @param account The account that lost its roles there.
    event OrganizationRolesRevoked(uint64 indexed orgId, address indexed account);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    // Also `ProjectNotFound(projectId)` and `ZeroAddress()`, declared in OneKeyErrors.sol.

    /// @notice `orgId` names no organization.
    /// @param orgId The organization id given.
    error OrganizationNotFound(uint64 orgId);
    /// @notice Another project already has the slug (slugs are never freed).
    /// @param slug The slug requested.
    /// @param projectId The project that has it.
    error ProjectSlugTaken(string slug, uint64 projectId);
    /// @notice Slugs are 3-64 characters of [a-z0-9-], not starting or ending with '-'.
    /// @param slug The slug requested.
    error ProjectSlugInvalid(string slug);
    /// @notice Setting `status` would change nothing: it is `None`, or the project's status already
    /// (and governance's hold stays as it is).
    /// @param projectId The project.
    /// @param status The status requested.
    error ProjectStatusUnchanged(uint64 projectId, ProjectStatus status);
    /// @notice The settings' `requiredLevel` is 0 (levels run 1..255).
    /// @param level The level given.
    error RequiredLevelInvalid(uint8 level);
    /// @notice The settings name more accepted issuers than `max`.
    /// @param count The number of accepted issuers given.
    /// @param max The most a project may name (`MAX_ACCEPTED_ISSUERS`).
    error AcceptedIssuersTooMany(uint256 count, uint256 max);
    /// @notice An accepted issuer is the zero address.
    /// @param issuer The entry refused.
    error AcceptedIssuerInvalid(address issuer);
    /// @notice `role` is not exactly one ROLE_* bit.
    /// @param role The role given.
    error RoleInvalid(uint8 role);
    /// @notice `account` would read for more than `max` projects (keeps `canDecrypt` bounded).
    /// @param account The caller, accepting the reader role or granting it to itself.
    /// @param max The most projects one account may read for (`MAX_READER_PROJECTS`).
    error ReaderProjectsTooMany(address account, uint256 max);
    /// @notice `account` is not the organization's owner.
    /// @param orgId The organization.
    /// @param account The caller.
    error NotOrganizationOwner(uint64 orgId, address account);
    /// @notice `account` is not the pending owner of the organization.
    /// @param orgId The organization.
    /// @param account The caller.
    error NotPendingOrganizationOwner(uint64 orgId, address account);
    /// @notice `account` is neither owner nor admin of the organization.
    /// @param orgId The organization.
    /// @param account The caller.
    error NotOrganizationAdmin(uint64 orgId, address account);
    /// @notice `account` may not manage `projectId` (not its admin, nor an admin of its org).
    /// @param projectId The project.
    /// @param account The caller.
    error NotProjectAdmin(uint64 projectId, address account);
    /// @notice `account` may not change the status (not an org admin, nor protocol governance).
    /// @param projectId The project.
    /// @param account The caller.
    error NotAllowedToChangeStatus(uint64 projectId, address account);
    /// @notice Protocol governance suspended `projectId`; only governance may change its status.
    /// @param projectId The project governance holds suspended.
    error SuspendedByGovernance(uint64 projectId);
    /// @notice `account` has no pending offer of `role` on `projectId` to accept.
    /// @param projectId The project.
    /// @param account The caller.
    /// @param role The role it tried to accept.
    error RoleNotOffered(uint64 projectId, address account, uint8 role);
    /// @notice `account` neither holds nor was offered `role` on `projectId`: nothing to renounce.
    /// @param projectId The project.
    /// @param account The caller.
    /// @param role The role it tried to renounce.
    error RoleNotHeld(uint64 projectId, address account, uint8 role);

    /*//////////////////////////////////////////////////////////////
                             ORGANIZATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates an organization owned by `owner`. Anyone may create one.
    /// @return orgId The new organization's id (sequential from 1).
    function createOrganization(address owner, string calldata metadataURI) external returns (uint64 orgId);

    /// @notice Replaces the organization's metadata. Owner or org admin.
    function setOrganizationMetadata(uint64 orgId, string calldata metadataURI) external;

    /// @notice Starts a two-step ownership transfer; `newOwner` must accept. Zero cancels.
    function transferOrganizationOwnership(uint64 orgId, address newOwner) external;

    /// @notice Completes a transfer started by the owner; the caller must be the pending owner.
    /// The previous owner loses every role it held on the organization's projects
    /// (`OrganizationRolesRevoked`, rule 3 above), unless it is also an org admin.
    function acceptOrganizationOwnership(uint64 orgId) external;

    /// @notice Enables or disables an organization admin. Owner only. Disabling an admin also
    /// revokes every role and offer it holds on the organization's projects, in the same call
    /// (`OrganizationRolesRevoked`, rule 3 above); disabling an account that is not an admin only
    /// emits `OrganizationAdminSet`.
    function setOrganizationAdmin(uint64 orgId, address account, bool enabled) external;

    /// @notice Revokes every role and pending offer `account` holds on the organization's
    /// projects, in one call with no loop (rule 3 above). Owner only. The account may be granted
    /// roles again afterwards; the revoked ones never come back.
    function revokeOrganizationRoles(uint64 orgId, address account) external;

    /// @notice The organization, or `OrganizationNotFound`.
    function getOrganization(uint64 orgId) external view returns (Organization memory);

    /// @notice Whether `account` is the organization's owner or one of its admins.
    function isOrganizationAdmin(uint64 orgId, address account) external view returns (bool);

    /*//////////////////////////////////////////////////////////////
                                PROJECTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates an active project under `orgId`. Owner or org admin.
    /// @return projectId The new project's id (sequential from 1, never reused).
    function createProject(uint64 orgId, string calldata slug, ProjectSettings calldata settings)
        external
        returns (uint64 projectId);

    /// @notice Replaces a project's settings. Project admin, org owner or org admin.
    function updateProjectSettings(uint64 projectId, ProjectSettings calldata settings) external;

    /// @notice Suspends or re-activates a project. Org owner, org admin or protocol governance.
    /// @dev A suspension by governance is held: while it is, the org's owner and admins get
    /// `SuspendedByGovernance` and only governance may re-activate (which releases the hold).
    /// Governance may also suspend a project its org already suspended, taking the hold (the status
    /// stays `Suspended`, so only `ProjectGovernanceSuspensionSet` is emitted). Setting the current
    /// status otherwise, or `None`, reverts `ProjectStatusUnchanged`.
    function setProjectStatus(uint64 projectId, ProjectStatus status) external;

    /// @notice Grants `role` (one of the ROLE_* bits) on `projectId` to `account`.
    /// Project admin, org owner or org admin. The reader role for another account that does not
    /// hold it yet is only offered (`ProjectRoleOffered`, rule 1 above): `account` takes it with
    /// `acceptRole`, and `ReaderProjectsTooMany` is checked then. Every other grant (another role,
    /// or the reader role to the caller itself) takes effect at once and emits `ProjectRolesChanged`.
    function grantRole(uint64 projectId, address account, uint8 role) external;

    /// @notice Revokes `role` on `projectId` from `account`, and withdraws any pending offer of it.
    /// Project admin, org owner or org admin.
    function revokeRole(uint64 projectId, address account, uint8 role) external;

    /// @notice The caller accepts the `role` it was offered on `projectId` and holds it from now
    /// on. Reverts `RoleNotOffered` without an offer (a revoked or withdrawn offer is gone) and
    /// `ReaderProjectsTooMany` when the caller already reads for `MAX_READER_PROJECTS` projects.
    function acceptRole(uint64 projectId, uint8 role) external;

    /// @notice The caller gives up `role` on `projectId`, or declines a pending offer of it, and
    /// frees the reader slot it took. Any account, for its own roles only (rule 2 above).
    /// Reverts `RoleNotHeld` when it neither holds nor was offered `role`.
    function renounceRole(uint64 projectId, uint8 role) external;

    /// @notice The project, or `ProjectNotFound`.
    function getProject(uint64 projectId) external view returns (Project memory);

    /// @notice The project id for a slug, or 0 when no project has it.
    function projectIdOfSlug(string calldata slug) external view returns (uint64);

    /// @notice Status of a project (`None` when it does not exist).
    function projectStatus(uint64 projectId) external view returns (ProjectStatus);

    /// @notice Whether `projectId` is suspended by protocol governance, so that only governance may
    /// re-activate it (false for an active, org-suspended or missing project).
    function isSuspendedByGovernance(uint64 projectId) external view returns (bool);

    /// @notice The role bitmap of `account` on `projectId` (roles revoked with the organization's
    /// roles, rule 3, read as none).
    function rolesOf(uint64 projectId, address account) external view returns (uint8);

    /// @notice The roles offered to `account` on `projectId` and not yet accepted (bit mask).
    function offeredRolesOf(uint64 projectId, address account) external view returns (uint8);

    /// @notice Whether `account` holds every bit of `role` on `projectId`.
    function hasRole(uint64 projectId, address account, uint8 role) external view returns (bool);

    /// @notice The projects on which `account` holds the reader role (what the decrypt condition
    /// walks); bounded by `MAX_READER_PROJECTS`. Every one was accepted by `account` (or granted
    /// by itself); pending offers are not listed.
    function readerProjectsOf(address account) external view returns (uint64[] memory);

    /// @notice The number of projects created so far (ids run 1..projectCount).
    function projectCount() external view returns (uint64);

    /// @notice The number of organizations created so far (ids run 1..organizationCount).
    function organizationCount() external view returns (uint64);

    /// @notice Semantic version of this deployment.
    function version() external pure returns (string memory);
}
