// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract CreateProjectTest is BaseTest {
    function test_createProject_storesEveryFieldAndEmitsThem() public {
        address[] memory accepted = _one(issuer);
        IProjectRegistry.ProjectSettings memory s = _settings(3, accepted);

        vm.expectEmit(address(projects));
        emit IProjectRegistry.ProjectCreated(3, orgId, "gamma-3", IProjectRegistry.ProjectStatus.Active, 3, accepted, "ipfs://project");
        vm.prank(orgAdmin);
        uint64 id = projects.createProject(orgId, "gamma-3", s);

        assertEq(id, 3);
        assertEq(projects.projectCount(), 3);
        IProjectRegistry.Project memory p = projects.getProject(id);
        assertEq(p.orgId, orgId);
        assertEq(uint8(p.status), uint8(IProjectRegistry.ProjectStatus.Active));
        assertEq(p.slug, "gamma-3");
        assertEq(p.settings.requiredLevel, 3);
        assertEq(p.settings.acceptedIssuers.length, 1);
        assertEq(p.settings.acceptedIssuers[0], issuer);
        assertEq(p.settings.metadataURI, "ipfs://project");
        assertEq(projects.projectIdOfSlug("gamma-3"), id);
    }

    function test_createProject_acceptsBoundarySlugs() public {
        vm.startPrank(orgOwner);
        projects.createProject(orgId, "abc", _settings(1, new address[](0)));
        // 64 characters: the longest allowed.
        projects.createProject(
            orgId, "a123456789-123456789-123456789-123456789-123456789-123456789-12z", _settings(1, new address[](0))
        );
        projects.createProject(orgId, "0-9", _settings(1, new address[](0)));
        vm.stopPrank();
        assertEq(projects.projectCount(), 5);
    }

    function test_createProject_reverts_whenSlugTaken() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectSlugTaken.selector, "alpha", projectA));
        vm.prank(orgOwner);
        projects.createProject(orgId, "alpha", _settings(1, new address[](0)));
    }

    function test_createProject_reverts_whenSlugTakenByAnotherOrganization() public {
        uint64 otherOrg = projects.createOrganization(stranger, "");
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectSlugTaken.selector, "beta", projectB));
        vm.prank(stranger);
        projects.createProject(otherOrg, "beta", _settings(1, new address[](0)));
    }

    function test_createProject_reverts_whenSlugInvalid() public {
        string[10] memory bad = [
            string("ab"), // too short
            "a123456789-123456789-123456789-123456789-123456789-123456789-1234", // 65 characters
            "-abc",
            "abc-",
            "Abc",
            "ab c",
            "ab_c",
            "ab.c",
            unicode"abé",
            ""
        ];
        vm.startPrank(orgOwner);
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectSlugInvalid.selector, bad[i]));
            projects.createProject(orgId, bad[i], _settings(1, new address[](0)));
        }
        vm.stopPrank();
    }

    function test_createProject_reverts_whenRequiredLevelZero() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.RequiredLevelInvalid.selector, uint8(0)));
        vm.prank(orgOwner);
        projects.createProject(orgId, "zero-level", _settings(0, new address[](0)));
    }

    function test_createProject_reverts_whenTooManyAcceptedIssuers() public {
        address[] memory many = new address[](17);
        for (uint256 i; i < many.length; ++i) {
            many[i] = address(uint160(i + 1));
        }
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.AcceptedIssuersTooMany.selector, 17, 16));
        vm.prank(orgOwner);
        projects.createProject(orgId, "many", _settings(1, many));
    }

    function test_createProject_acceptsSixteenIssuers() public {
        address[] memory max = new address[](16);
        for (uint256 i; i < max.length; ++i) {
            max[i] = address(uint160(i + 1));
        }
        vm.prank(orgOwner);
        uint64 id = projects.createProject(orgId, "sixteen", _settings(1, max));
        assertEq(projects.getProject(id).settings.acceptedIssuers.length, 16);
    }

    function test_createProject_reverts_whenAcceptedIssuerZero() public {
        address[] memory list = new address[](2);
        list[0] = issuer;
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.AcceptedIssuerInvalid.selector, address(0)));
        vm.prank(orgOwner);
        projects.createProject(orgId, "zero-issuer", _settings(1, list));
    }

    function test_createProject_reverts_whenCallerNotOrgAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.NotOrganizationAdmin.selector, orgId, projectAdmin));
        vm.prank(projectAdmin);
        projects.createProject(orgId, "nope", _settings(1, new address[](0)));
    }

    function test_createProject_reverts_whenOrganizationMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.OrganizationNotFound.selector, uint64(5)));
        vm.prank(orgOwner);
        projects.createProject(5, "nope", _settings(1, new address[](0)));
    }

    /// @dev Any slug of the allowed alphabet and length is accepted exactly once.
    function testFuzz_createProject_acceptsValidSlugOnce(uint256 seed, uint8 rawLength) public {
        uint256 length = bound(rawLength, 3, 64);
        bytes memory alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
        bytes memory slug = new bytes(length);
        for (uint256 i; i < length; ++i) {
            // The first and last characters may not be '-' (the last alphabet entry).
            uint256 modulus = (i == 0 || i == length - 1) ? alphabet.length - 1 : alphabet.length;
            slug[i] = alphabet[uint256(keccak256(abi.encode(seed, i))) % modulus];
        }
        vm.assume(keccak256(slug) != keccak256("alpha") && keccak256(slug) != keccak256("beta"));

        vm.startPrank(orgOwner);
        uint64 id = projects.createProject(orgId, string(slug), _settings(1, new address[](0)));
        assertEq(projects.projectIdOfSlug(string(slug)), id);
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectSlugTaken.selector, string(slug), id));
        projects.createProject(orgId, string(slug), _settings(1, new address[](0)));
        vm.stopPrank();
    }

    /// @dev A single character outside [a-z0-9-] anywhere makes the slug invalid.
    function testFuzz_createProject_reverts_whenSlugHasForeignCharacter(uint8 position, bytes1 c) public {
        vm.assume(!((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-"));
        bytes memory slug = bytes("valid-slug");
        slug[position % slug.length] = c;
        vm.expectRevert(abi.encodeWithSelector(IProjectRegistry.ProjectSlugInvalid.selector, string(slug)));
        vm.prank(orgOwner);
        projects.createProject(orgId, string(slug), _settings(1, new address[](0)));
    }
}
