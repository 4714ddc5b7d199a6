// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRegistry} from "../../../contracts/ProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

// The handler lives in this file so that running this file alone still gives the fuzzer its
// artifact (Hardhat writes artifacts for root files only).

/// @notice Drives roles through random sequences of offers (from the organization and from an
/// attacker's throwaway organizations), acceptances, renunciations, revocations, org-admin
/// removals and organization-wide revocations, keeping a ghost model of who holds what.
/// @dev Every action checks its own preconditions, so a revert is a finding (failOnRevert).
contract RolesHandler is CommonBase, StdUtils {
    uint8 internal constant READER = ProjectRoles.READER;

    ProjectRegistry public immutable projects;
    address public immutable orgOwner;
    /// @dev An org admin the owner removes and re-adds; it grants itself roles while admin.
    address public immutable orgAdmin;
    address public immutable attacker;
    uint64 public immutable orgId;
    uint64 public immutable attackerOrg;

    /// @dev The accounts whose roles are modelled: two victims and the org admin.
    address[] internal _accounts;
    /// @dev Projects of the organization, then every throwaway project of the attacker.
    uint64[] internal _orgProjects;
    uint64[] internal _attackerProjects;

    mapping(address account => mapping(uint64 projectId => bool)) public ghostReads;
    mapping(address account => mapping(uint64 projectId => bool)) public ghostOffered;
    mapping(address account => mapping(uint64 projectId => bool)) public ghostSponsorManager;
    mapping(address account => uint256) public ghostReaderCount;
    bool public ghostAdminEnabled = true;
    mapping(string action => uint256) public calls;

    constructor(
        ProjectRegistry projects_,
        address orgOwner_,
        address orgAdmin_,
        address attacker_,
        uint64 orgId_,
        uint64[] memory orgProjects_,
        address[] memory victims_
    ) {
        projects = projects_;
        orgOwner = orgOwner_;
        orgAdmin = orgAdmin_;
        attacker = attacker_;
        orgId = orgId_;
        _orgProjects = orgProjects_;
        _accounts = victims_;
        _accounts.push(orgAdmin_);
        vm.prank(attacker_);
        attackerOrg = projects_.createOrganization(attacker_, "");
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev The attacker offers a victim the reader role on a brand-new throwaway project.
    function attackerOffers(uint256 accountSeed) external {
        address account = _account(accountSeed);
        vm.startPrank(attacker);
        uint64 id = projects.createProject(
            attackerOrg,
            string.concat("junk-", vm.toString(_attackerProjects.length)),
            IProjectRegistry.ProjectSettings({requiredLevel: 1, acceptedIssuers: new address[](0), metadataURI: ""})
        );
        projects.grantRole(id, account, READER);
        vm.stopPrank();
        _attackerProjects.push(id);
        ghostOffered[account][id] = true;
        calls["attackerOffers"]++;
    }

    /// @dev The attacker re-offers a project the victim left or declined (the grief loop).
    function attackerReoffers(uint256 accountSeed, uint256 projectSeed) external {
        if (_attackerProjects.length == 0) return;
        address account = _account(accountSeed);
        uint64 id = _attackerProjects[projectSeed % _attackerProjects.length];
        vm.prank(attacker);
        projects.grantRole(id, account, READER);
        if (!ghostReads[account][id]) ghostOffered[account][id] = true;
        calls["attackerReoffers"]++;
    }

    function ownerOffers(uint256 accountSeed, uint256 projectSeed) external {
        address account = _account(accountSeed);
        uint64 id = _orgProject(projectSeed);
        vm.prank(orgOwner);
        projects.grantRole(id, account, READER);
        if (!ghostReads[account][id]) ghostOffered[account][id] = true;
        calls["ownerOffers"]++;
    }

    /// @dev An account accepts one of its offers (the attacker's too: accepting is its choice).
    function accept(uint256 accountSeed, uint256 projectSeed, bool attackers) external {
        address account = _account(accountSeed);
        uint64 id = attackers ? _attackerProject(projectSeed) : _orgProject(projectSeed);
        if (id == 0 || !ghostOffered[account][id]) return;
        if (ghostReaderCount[account] == projects.MAX_READER_PROJECTS()) return;
        vm.prank(account);
        projects.acceptRole(id, READER);
        ghostOffered[account][id] = false;
        ghostReads[account][id] = true;
        ghostReaderCount[account]++;
        calls["accept"]++;
    }

    function renounce(uint256 accountSeed, uint256 projectSeed, bool attackers) external {
        address account = _account(accountSeed);
        uint64 id = attackers ? _attackerProject(projectSeed) : _orgProject(projectSeed);
        if (id == 0 || !(ghostOffered[account][id] || ghostReads[account][id])) return;
        vm.prank(account);
        projects.renounceRole(id, READER);
        _dropReader(account, id);
        calls["renounce"]++;
    }

    /// @dev While an org admin, `orgAdmin` makes itself reader and sponsor manager of a project.
    function adminGrantsItself(uint256 projectSeed) external {
        if (!ghostAdminEnabled) return;
        uint64 id = _orgProject(projectSeed);
        vm.startPrank(orgAdmin);
        projects.grantRole(id, orgAdmin, ProjectRoles.SPONSOR_MANAGER);
        if (!ghostReads[orgAdmin][id] && ghostReaderCount[orgAdmin] < projects.MAX_READER_PROJECTS()) {
            projects.grantRole(id, orgAdmin, READER);
            ghostReads[orgAdmin][id] = true;
            ghostOffered[orgAdmin][id] = false; // taking the role closes any offer of it
            ghostReaderCount[orgAdmin]++;
        }
        vm.stopPrank();
        ghostSponsorManager[orgAdmin][id] = true;
        calls["adminGrantsItself"]++;
    }

    /// @dev The owner removes or re-adds `orgAdmin`; removal takes every role it had in the org.
    function toggleAdmin() external {
        bool enable = !ghostAdminEnabled;
        vm.prank(orgOwner);
        projects.setOrganizationAdmin(orgId, orgAdmin, enable);
        if (!enable) _dropOrganization(orgAdmin, _orgProjects);
        ghostAdminEnabled = enable;
        calls["toggleAdmin"]++;
    }

    /// @dev An organization's owner revokes all of an account's roles there.
    function revokeOrganizationRoles(uint256 accountSeed, bool attackers) external {
        address account = _account(accountSeed);
        vm.prank(attackers ? attacker : orgOwner);
        projects.revokeOrganizationRoles(attackers ? attackerOrg : orgId, account);
        _dropOrganization(account, attackers ? _attackerProjects : _orgProjects);
        calls["revokeOrganizationRoles"]++;
    }

    /*//////////////////////////////////////////////////////////////
                                 MODEL
    //////////////////////////////////////////////////////////////*/

    function accounts() external view returns (address[] memory) {
        return _accounts;
    }

    /// @notice Every project any modelled account may have a role or an offer on.
    function allProjects() external view returns (uint64[] memory ids) {
        ids = new uint64[](_orgProjects.length + _attackerProjects.length);
        for (uint256 i; i < _orgProjects.length; ++i) {
            ids[i] = _orgProjects[i];
        }
        for (uint256 i; i < _attackerProjects.length; ++i) {
            ids[_orgProjects.length + i] = _attackerProjects[i];
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _account(uint256 seed) internal view returns (address) {
        return _accounts[seed % _accounts.length];
    }

    function _orgProject(uint256 seed) internal view returns (uint64) {
        return _orgProjects[seed % _orgProjects.length];
    }

    function _attackerProject(uint256 seed) internal view returns (uint64) {
        return _attackerProjects.length == 0 ? 0 : _attackerProjects[seed % _attackerProjects.length];
    }

    function _dropReader(address account, uint64 id) internal {
        if (ghostReads[account][id]) ghostReaderCount[account]--;
        ghostReads[account][id] = false;
        ghostOffered[account][id] = false;
    }

    function _dropOrganization(address account, uint64[] storage ids) internal {
        for (uint256 i; i < ids.length; ++i) {
            _dropReader(account, ids[i]);
            ghostSponsorManager[account][ids[i]] = false;
        }
    }
}

/// @notice Properties of roles that must hold after any sequence of the handler's actions.
contract ProjectRolesInvariantsTest is BaseTest {
    RolesHandler internal handler;

    function setUp() public override {
        super.setUp();
        uint64[] memory orgProjects = new uint64[](3);
        orgProjects[0] = projectA;
        orgProjects[1] = projectB;
        orgProjects[2] = _createProject("gamma", 1, new address[](0));
        address[] memory victims = new address[](2);
        victims[0] = makeAddr("victim0");
        victims[1] = makeAddr("victim1");
        handler = new RolesHandler(projects, orgOwner, orgAdmin, makeAddr("attacker"), orgId, orgProjects, victims);

        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](8);
        actions[0] = RolesHandler.attackerOffers.selector;
        actions[1] = RolesHandler.attackerReoffers.selector;
        actions[2] = RolesHandler.ownerOffers.selector;
        actions[3] = RolesHandler.accept.selector;
        actions[4] = RolesHandler.renounce.selector;
        actions[5] = RolesHandler.adminGrantsItself.selector;
        actions[6] = RolesHandler.toggleAdmin.selector;
        actions[7] = RolesHandler.revokeOrganizationRoles.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    /// @notice No account ever holds more than MAX_READER_PROJECTS reader slots, and every slot
    /// it holds is one it accepted (or took itself) and has not lost since: offers, however
    /// many, take none.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_readerSlotsAreBoundedAndAccepted() public view {
        address[] memory accounts = handler.accounts();
        uint256 max = projects.MAX_READER_PROJECTS();
        for (uint256 i; i < accounts.length; ++i) {
            uint64[] memory ids = projects.readerProjectsOf(accounts[i]);
            assertLe(ids.length, max, "more reader slots than the cap");
            assertEq(ids.length, handler.ghostReaderCount(accounts[i]), "slots diverged from the model");
            for (uint256 k; k < ids.length; ++k) {
                assertTrue(handler.ghostReads(accounts[i], ids[k]), "a slot the account did not accept");
            }
        }
    }

    /// @notice Roles and offers match the model on every project: a role revoked with its
    /// organization (admin removal or `revokeOrganizationRoles`) never reads as held again.
    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_rolesMatchTheModel() public view {
        address[] memory accounts = handler.accounts();
        uint64[] memory ids = handler.allProjects();
        for (uint256 i; i < accounts.length; ++i) {
            for (uint256 k; k < ids.length; ++k) {
                address a = accounts[i];
                uint64 p = ids[k];
                assertEq(projects.hasRole(p, a, ProjectRoles.READER), handler.ghostReads(a, p), "reader role");
                assertEq(
                    projects.offeredRolesOf(p, a) == ProjectRoles.READER, handler.ghostOffered(a, p), "reader offer"
                );
                assertEq(
                    projects.hasRole(p, a, ProjectRoles.SPONSOR_MANAGER),
                    handler.ghostSponsorManager(a, p),
                    "sponsor manager role"
                );
            }
        }
    }
}
