// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract RenounceRoleTest is BaseTest {
    function test_renounceRole_dropsTheReaderRoleAndFreesItsSlot() public {
        bytes32 uid = _attest(subject);
        _consent(subject, projectA);
        assertTrue(kyc.canDecrypt(readerA, uid));

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, readerA, ProjectRoles.READER, false, 0);
        vm.prank(readerA);
        projects.renounceRole(projectA, ProjectRoles.READER);

        assertFalse(projects.hasRole(projectA, readerA, ProjectRoles.READER));
        assertEq(projects.readerProjectsOf(readerA).length, 0);
        assertFalse(kyc.canDecrypt(readerA, uid), "a renounced reader no longer decrypts");
    }

    function test_renounceRole_dropsAnyRoleOfTheCallerOnly() public {
        vm.prank(projectAdmin);
        projects.renounceRole(projectA, ProjectRoles.ADMIN);
        assertEq(projects.rolesOf(projectA, projectAdmin), 0);
        assertTrue(projects.hasRole(projectA, readerA, ProjectRoles.READER), "other accounts keep theirs");

        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, projectAdmin));
        vm.prank(projectAdmin);
        projects.grantRole(projectA, stranger, ProjectRoles.SPONSOR_MANAGER);
    }

    function test_renounceRole_declinesAPendingOffer() public {
        vm.prank(orgOwner);
        projects.grantRole(projectA, stranger, ProjectRoles.READER);

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectRolesChanged(projectA, stranger, ProjectRoles.READER, false, 0);
        vm.prank(stranger);
        projects.renounceRole(projectA, ProjectRoles.READER);

        assertEq(projects.offeredRolesOf(projectA, stranger), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotOffered.selector, projectA, stranger, ProjectRoles.READER)
        );
        vm.prank(stranger);
        projects.acceptRole(projectA, ProjectRoles.READER);
    }

    /// attack: the grief loop, re-granting a reader role as soon as the victim gives it up.
    /// With renouncing alone, an attacker who keeps granting could refill a slot the victim
    /// just freed, in the same block, forever. Now a grant to another account is an offer:
    /// after the victim renounces (or declines), the attacker's re-grant takes no slot, and the
    /// victim's slots stay what the victim accepted.
    function test_renounceRole_attack_griefLoopIsClosed() public {
        address attacker = makeAddr("attacker");
        vm.startPrank(attacker);
        uint64 attackerOrg = projects.createOrganization(attacker, "");
        uint64 junk = projects.createProject(attackerOrg, "junk", _settings(1, new address[](0)));
        vm.stopPrank();

        // The victim once accepted the attacker's project (say, a former partner), then leaves it.
        vm.prank(attacker);
        projects.grantRole(junk, readerA, ProjectRoles.READER);
        vm.prank(readerA);
        projects.acceptRole(junk, ProjectRoles.READER);
        assertEq(projects.readerProjectsOf(readerA).length, 2);

        for (uint256 round; round < 3; ++round) {
            vm.prank(readerA);
            projects.renounceRole(junk, ProjectRoles.READER);
            uint64[] memory ids = projects.readerProjectsOf(readerA);
            assertEq(ids.length, 1, "the slot is free");
            assertEq(ids[0], projectA);

            // The attacker re-grants at once: only an offer, the slot stays free.
            vm.prank(attacker);
            projects.grantRole(junk, readerA, ProjectRoles.READER);
            assertFalse(projects.hasRole(junk, readerA, ProjectRoles.READER));
            assertEq(projects.readerProjectsOf(readerA).length, 1, "the re-grant took no slot");
        }
        // Ignoring the offer is enough; declining it is possible too.
        vm.prank(readerA);
        projects.renounceRole(junk, ProjectRoles.READER);
        assertEq(projects.offeredRolesOf(junk, readerA), 0);
    }

    function test_renounceRole_reverts_whenNeitherHeldNorOffered() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotHeld.selector, projectB, readerA, ProjectRoles.READER)
        );
        vm.prank(readerA);
        projects.renounceRole(projectB, ProjectRoles.READER);
    }

    function test_renounceRole_reverts_whenRenouncedTwice() public {
        vm.startPrank(readerA);
        projects.renounceRole(projectA, ProjectRoles.READER);
        vm.expectRevert(
            abi.encodeWithSelector(IProjectRegistry.RoleNotHeld.selector, projectA, readerA, ProjectRoles.READER)
        );
        projects.renounceRole(projectA, ProjectRoles.READER);
        vm.stopPrank();
    }

    function test_renounceRole_reverts_whenRoleInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RoleInvalid.selector, uint8(0)));
        vm.prank(readerA);
        projects.renounceRole(projectA, 0);
    }

    function test_renounceRole_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(9)));
        vm.prank(readerA);
        projects.renounceRole(9, ProjectRoles.READER);
    }
}
