// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKycRegistry} from "../interfaces/IKycRegistry.sol";

/// @title CheckGasProbe
/// @author OneKey
/// @notice Benchmark instrument, not a consumer example (see contracts/examples for that):
/// measures what `isVerified` costs a calling contract, the CALL included.
/// @dev Send a fresh transaction to `measureIsVerified` and nothing else touches the registry,
/// so the registry account and the subject's record slot are both cold.
contract CheckGasProbe {
    /// @notice Reports one measured call.
    /// @param registry The registry called.
    /// @param subject The subject checked.
    /// @param minLevel The level asked for.
    /// @param verified What `isVerified` returned.
    /// @param gasUsed Gas spent between the two `gasleft()` reads around the call.
    event CheckMeasured(
        address indexed registry, address indexed subject, uint8 minLevel, bool verified, uint256 gasUsed
    );

    /// @notice Calls `registry.isVerified(subject, minLevel)` and reports the gas it took.
    /// @param registry The KycRegistry to call.
    /// @param subject The subject to check.
    /// @param minLevel The minimum level to check for.
    /// @return verified What `isVerified` returned.
    /// @return gasUsed Gas the call took, CALL and argument encoding included.
    function measureIsVerified(IKycRegistry registry, address subject, uint8 minLevel)
        external
        returns (bool verified, uint256 gasUsed)
    {
        uint256 before = gasleft();
        verified = registry.isVerified(subject, minLevel);
        gasUsed = before - gasleft();
        emit CheckMeasured(address(registry), subject, minLevel, verified, gasUsed);
    }
}
