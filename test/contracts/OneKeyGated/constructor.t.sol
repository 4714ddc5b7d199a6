// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {ZeroAddress} from "../../../contracts/interfaces/OneKeyErrors.sol";
import {GatedBase, GatedProbe} from "./GatedBase.sol";

contract OneKeyGatedConstructorTest is GatedBase {
    function test_constructor_storesRegistryAndProject() public view {
        assertEq(address(probe.registry()), address(kyc));
        assertEq(probe.projectId(), projectA);
    }

    function test_constructor_reverts_whenRegistryZero() public {
        vm.expectRevert(ZeroAddress.selector);
        new GatedProbe(IKycRegistry(address(0)), projectA);
    }

    function test_constructor_projectZero_onlyVerifiedStillGates() public {
        GatedProbe levelOnly = new GatedProbe(kyc, 0);
        vm.prank(subject);
        levelOnly.verified(LEVEL);
        assertEq(levelOnly.calls(), 1);

        vm.expectRevert(abi.encodeWithSelector(OneKeyGated.NotVerifiedFor.selector, subject, LEVEL, uint64(0)));
        vm.prank(subject);
        levelOnly.verifiedFor(LEVEL);
    }
}
