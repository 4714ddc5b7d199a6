// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectNotFound} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract UpdateProjectSettingsTest is BaseTest {
    function test_updateProjectSettings_replacesSettingsAndEmitsThem() public {
        address[] memory accepted = new address[](2);
        accepted[0] = issuer;
        accepted[1] = otherSigner;
        IProjectRegistry.ProjectSettings memory s =
            IProjectRegistry.ProjectSettings({requiredLevel: 4, acceptedIssuers: accepted, metadataURI: "ipfs://v2"});

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectSettingsUpdated(projectA, 4, accepted, "ipfs://v2");
        vm.prank(projectAdmin);
        projects.updateProjectSettings(projectA, s);

        IProjectRegistry.Project memory p = projects.getProject(projectA);
        assertEq(p.settings.requiredLevel, 4);
        assertEq(p.settings.acceptedIssuers.length, 2);
        assertEq(p.settings.acceptedIssuers[1], otherSigner);
        assertEq(p.settings.metadataURI, "ipfs://v2");
        assertEq(p.slug, "alpha", "slug is not a setting");
    }

    function test_updateProjectSettings_shrinksAcceptedIssuers() public {
        vm.startPrank(orgAdmin);
        projects.updateProjectSettings(projectA, _settings(1, _one(issuer)));
        projects.updateProjectSettings(projectA, _settings(1, new address[](0)));
        vm.stopPrank();
        assertEq(projects.getProject(projectA).settings.acceptedIssuers.length, 0);
    }

    function test_updateProjectSettings_byOrgOwner() public {
        vm.prank(orgOwner);
        projects.updateProjectSettings(projectB, _settings(9, new address[](0)));
        assertEq(projects.getProject(projectB).settings.requiredLevel, 9);
    }

    function test_updateProjectSettings_reverts_whenProjectAdminOfAnotherProject() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectB, projectAdmin));
        vm.prank(projectAdmin);
        projects.updateProjectSettings(projectB, _settings(1, new address[](0)));
    }

    function test_updateProjectSettings_reverts_whenCallerIsReader() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotProjectAdmin.selector, projectA, readerA));
        vm.prank(readerA);
        projects.updateProjectSettings(projectA, _settings(1, new address[](0)));
    }

    function test_updateProjectSettings_reverts_whenProjectMissing() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectNotFound.selector, uint64(99)));
        vm.prank(orgOwner);
        projects.updateProjectSettings(99, _settings(1, new address[](0)));
    }

    function test_updateProjectSettings_reverts_whenSettingsInvalid() public {
        vm.startPrank(orgOwner);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RequiredLevelInvalid.selector, uint8(0)));
        projects.updateProjectSettings(projectA, _settings(0, new address[](0)));

        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.AcceptedIssuerInvalid.selector, address(0)));
        projects.updateProjectSettings(projectA, _settings(1, new address[](1)));

        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.AcceptedIssuersTooMany.selector, 20, 16));
        projects.updateProjectSettings(projectA, _settings(1, new address[](20)));
        vm.stopPrank();
    }

    function test_updateProjectSettings_allowedWhileSuspended() public {
        _suspend(projectA);
        vm.prank(projectAdmin);
        projects.updateProjectSettings(projectA, _settings(7, new address[](0)));
        assertEq(projects.getProject(projectA).settings.requiredLevel, 7);
    }
}
