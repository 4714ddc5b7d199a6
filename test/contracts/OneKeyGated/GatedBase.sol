// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneKeyGated} from "../../../contracts/consumer/OneKeyGated.sol";
import {IKycRegistry} from "../../../contracts/interfaces/IKycRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice A tenant contract with one function behind each modifier, and the checks on any account.
contract GatedProbe is OneKeyGated {
    uint256 public calls;

    constructor(IKycRegistry registry_, uint64 projectId_) OneKeyGated(registry_, projectId_) {}

    function verified(uint8 minLevel) external onlyVerified(minLevel) {
        ++calls;
    }

    function verifiedFor(uint8 minLevel) external onlyVerifiedFor(minLevel) {
        ++calls;
    }

    function policy() external onlyProjectPolicy {
        ++calls;
    }

    function requireVerified(address account, uint8 minLevel) external view {
        _requireVerified(account, minLevel);
    }

    function requireVerifiedFor(address account, uint8 minLevel) external view {
        _requireVerifiedFor(account, minLevel);
    }

    function requireProjectPolicy(address account) external view {
        _requireProjectPolicy(account);
    }
}

/// @notice The probe gated on project A (level 1, any issuer); `subject` is attested at LEVEL.
abstract contract GatedBase is BaseTest {
    GatedProbe internal probe;
    bytes32 internal uid;

    function setUp() public virtual override {
        super.setUp();
        probe = new GatedProbe(kyc, projectA);
        uid = _attest(subject);
    }
}
