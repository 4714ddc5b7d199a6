// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOneKeyPaymaster} from "../interfaces/IOneKeyPaymaster.sol";

/// @title PaymasterDataLib
/// @notice The one place that knows OneKeyPaymaster's paymasterAndData layout (see
/// `IOneKeyPaymaster` for the byte map). Reverts on anything but the exact length.
library PaymasterDataLib {
    /// @dev The EntryPoint's own part: paymaster (20) | verification gas (16) | postOp gas (16).
    uint256 internal constant PAYMASTER_DATA_OFFSET = 52;
    uint256 internal constant PROJECT_ID_OFFSET = PAYMASTER_DATA_OFFSET; // uint64
    uint256 internal constant VALID_UNTIL_OFFSET = PROJECT_ID_OFFSET + 8; // uint48
    uint256 internal constant VALID_AFTER_OFFSET = VALID_UNTIL_OFFSET + 6; // uint48
    uint256 internal constant SIGNATURE_OFFSET = VALID_AFTER_OFFSET + 6; // 72
    uint256 internal constant SIGNATURE_LENGTH = 65;
    uint256 internal constant LENGTH = SIGNATURE_OFFSET + SIGNATURE_LENGTH; // 137

    /// @notice Splits paymasterAndData into the sponsorship fields and the signature.
    function parse(bytes calldata paymasterAndData)
        internal
        pure
        returns (uint64 projectId, uint48 validUntil, uint48 validAfter, bytes calldata signature)
    {
        if (paymasterAndData.length != LENGTH) {
            revert IOneKeyPaymaster.PaymasterDataLengthInvalid(paymasterAndData.length, LENGTH);
        }
        // One word read covers projectId | validUntil | validAfter (20 bytes, big-endian).
        uint256 word;
        assembly ("memory-safe") {
            word := calldataload(add(paymasterAndData.offset, PROJECT_ID_OFFSET))
        }
        projectId = uint64(word >> 192);
        validUntil = uint48(word >> 144);
        validAfter = uint48(word >> 96);
        signature = paymasterAndData[SIGNATURE_OFFSET:LENGTH];
    }

    /// @notice The paymaster's postOp gas limit (bytes 36..52), as the EntryPoint reads it.
    /// @dev Callers guarantee at least 52 bytes (the EntryPoint does for validation).
    function postOpGasLimit(bytes calldata paymasterAndData) internal pure returns (uint256 limit) {
        assembly ("memory-safe") {
            limit := shr(128, calldataload(add(paymasterAndData.offset, 36)))
        }
    }

    /// @notice The paymaster's verification gas limit (bytes 20..36).
    function verificationGasLimit(bytes calldata paymasterAndData) internal pure returns (uint256 limit) {
        assembly ("memory-safe") {
            limit := shr(128, calldataload(add(paymasterAndData.offset, 20)))
        }
    }
}
