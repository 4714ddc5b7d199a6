// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Errors that more than one OneKey contract reverts with, declared once at file level so they
// keep one declaration and one selector. Import them by name where a contract or test uses them;
// each contract's ABI lists those it reverts with.

/// @notice The project is not Active where the caller's check reads its status: in the
/// ProjectRegistry (KycRegistry: the project is unknown or suspended) or in the paymaster's
/// mirror of it (unknown, suspended, or not synced yet).
/// @param projectId The project the call named.
error ProjectNotActive(uint64 projectId);

/// @notice The project does not exist in the ProjectRegistry (its status is `None`).
/// @param projectId The project the call named (ids run 1..projectCount; 0 is never one).
error ProjectNotFound(uint64 projectId);

/// @notice An address that must name an account (an owner, admin, role holder, signer, registry
/// or withdrawal recipient) was the zero address.
error ZeroAddress();
