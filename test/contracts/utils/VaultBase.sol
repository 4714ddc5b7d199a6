// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VerifiedVault} from "../../../contracts/examples/VerifiedVault.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice The vault of project A, asking for level 2; `subject` is verified and consents to A.
abstract contract VaultBase is BaseTest {
    VerifiedVault internal vault;
    bytes32 internal uid;

    function setUp() public virtual override {
        super.setUp();
        vault = new VerifiedVault(kyc, projectA, LEVEL);
        uid = _attest(subject);
        _consent(subject, projectA);
        vm.deal(subject, 10 ether);
        vm.deal(stranger, 10 ether);
    }
}
