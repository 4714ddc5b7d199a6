// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OneKeyGated} from "../consumer/OneKeyGated.sol";
import {IKycRegistry} from "../interfaces/IKycRegistry.sol";

/// @title VerifiedVault
/// @notice The tenant's integration guide in code: an ETH vault that admits deposits only from
/// accounts OneKey has verified at `minLevel` and that consent to this tenant's project.
/// @dev One registry call per gated action (`onlyVerifiedFor`, from OneKeyGated). Withdrawals are
/// never gated: a user whose attestation expires or is revoked can always take their funds out.
contract VerifiedVault is OneKeyGated {
    uint8 public immutable minLevel;

    mapping(address account => uint256) public balanceOf;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error AmountZero();
    error BalanceTooLow(address account, uint256 balance, uint256 amount);
    error TransferFailed(address to, uint256 amount);

    constructor(IKycRegistry registry_, uint64 projectId_, uint8 minLevel_) OneKeyGated(registry_, projectId_) {
        minLevel = minLevel_;
    }

    /// @notice Deposits ETH; the sender must be verified at `minLevel` and consent to the project.
    function deposit() external payable onlyVerifiedFor(minLevel) {
        if (msg.value == 0) revert AmountZero();
        balanceOf[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    /// @notice Withdraws ETH; never gated on KYC.
    function withdraw(uint256 amount) external {
        uint256 balance = balanceOf[msg.sender];
        if (amount == 0) revert AmountZero();
        if (amount > balance) revert BalanceTooLow(msg.sender, balance, amount);
        balanceOf[msg.sender] = balance - amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }
}
