// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ProjectRoles
/// @notice Role bits of a project member. An account's roles on a project are one `uint8` bitmap.
library ProjectRoles {
    /// @notice Manages the project's settings and roles.
    uint8 internal constant ADMIN = 1 << 0;
    /// @notice May decrypt the records of subjects who consent to the project.
    uint8 internal constant READER = 1 << 1;
    /// @notice May withdraw the project's gas sponsorship budget.
    uint8 internal constant SPONSOR_MANAGER = 1 << 2;
    /// @notice Every defined bit.
    uint8 internal constant ALL = ADMIN | READER | SPONSOR_MANAGER;

    /// @notice Whether `role` is exactly one defined role bit.
    function isSingle(uint8 role) internal pure returns (bool) {
        return role != 0 && role & ALL == role && role & (role - 1) == 0;
    }
}
