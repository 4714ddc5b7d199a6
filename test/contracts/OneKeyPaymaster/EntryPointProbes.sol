// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EntryPoint} from "@account-abstraction/contracts-v07/core/EntryPoint.sol";
import {EntryPoint as EntryPointV08} from "@account-abstraction/contracts/core/EntryPoint.sol";

/// @notice The validation gas an EntryPoint measured for an operation (`preOpGas`, which the
/// paymaster cannot see), emitted beside UserOperationEvent.
/// @dev The probes override only the event hook, which runs after the EntryPoint has settled the
/// operation's gas: the accounting under test is the real one.
interface IPreOpGasProbe {
    event PreOpGas(bytes32 indexed userOpHash, uint256 preOpGas);
}

/// @notice EntryPoint v0.7 that also reports preOpGas.
contract EntryPointV07Probe is EntryPoint, IPreOpGasProbe {
    function emitUserOperationEvent(UserOpInfo memory opInfo, bool success, uint256 actualGasCost, uint256 actualGas)
        internal
        override
    {
        super.emitUserOperationEvent(opInfo, success, actualGasCost, actualGas);
        emit PreOpGas(opInfo.userOpHash, opInfo.preOpGas);
    }
}

/// @notice EntryPoint v0.8 that also reports preOpGas.
contract EntryPointV08Probe is EntryPointV08, IPreOpGasProbe {
    function _emitUserOperationEvent(UserOpInfo memory opInfo, bool success, uint256 actualGasCost, uint256 actualGas)
        internal
        override
    {
        super._emitUserOperationEvent(opInfo, success, actualGasCost, actualGas);
        emit PreOpGas(opInfo.userOpHash, opInfo.preOpGas);
    }
}
