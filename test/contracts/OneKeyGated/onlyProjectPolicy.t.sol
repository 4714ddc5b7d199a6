// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {GatedBase} from "./GatedBase.sol";

contract OnlyProjectPolicyTest is GatedBase {
    function test_onlyProjectPolicy_admitsACallerThatMeetsIt() public {
        _consent(subject, projectA);
        vm.prank(subject);
        probe.policy();
        assertEq(probe.calls(), 1);
    }

    function test_onlyProjectPolicy_reverts_withoutConsent() public {
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.ProjectPolicyNotMet.selector, subject, projectA));
        vm.prank(subject);
        probe.policy();
    }

    function test_onlyProjectPolicy_followsTheProjectsSettings_withoutRedeploy() public {
        _consent(subject, projectA);
        // The project now asks for more than the subject's level: the same contract refuses it.
        vm.prank(orgOwner);
        projects.updateProjectSettings(projectA, _settings(LEVEL + 1, new address[](0)));
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.ProjectPolicyNotMet.selector, subject, projectA));
        vm.prank(subject);
        probe.policy();

        // Back to the subject's level, but only another issuer accepted.
        vm.prank(orgOwner);
        projects.updateProjectSettings(projectA, _settings(LEVEL, _one(otherSigner)));
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.ProjectPolicyNotMet.selector, subject, projectA));
        vm.prank(subject);
        probe.policy();

        vm.prank(orgOwner);
        projects.updateProjectSettings(projectA, _settings(LEVEL, _one(issuer)));
        vm.prank(subject);
        probe.policy();
        assertEq(probe.calls(), 1);
    }

    function test_onlyProjectPolicy_reverts_whenProjectSuspended() public {
        _consent(subject, projectA);
        _suspend(projectA);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.ProjectPolicyNotMet.selector, subject, projectA));
        vm.prank(subject);
        probe.policy();
    }

    function test_requireProjectPolicy_checksTheGivenAccount() public {
        _consent(subject, projectA);
        vm.prank(stranger);
        probe.requireProjectPolicy(subject);
        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.ProjectPolicyNotMet.selector, stranger, projectA));
        vm.prank(subject);
        probe.requireProjectPolicy(stranger);
    }
}
