// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IKycRegistry} from "../interfaces/IKycRegistry.sol";
import {ZeroAddress} from "../interfaces/OneKeyErrors.sol";

/// @title OneKeyGated
/// @notice Gates a tenant's functions on OneKey verification. Inherit it, pass the KycRegistry
/// of the chain and your project's id, and put a modifier on each gated function:
///
///     contract Vault is OneKeyGated {
///         constructor(IKycRegistry registry_, uint64 projectId_) OneKeyGated(registry_, projectId_) {}
///         function deposit() external payable onlyVerifiedFor(2) { ... }
///     }
///
/// - `onlyVerified(level)`: the caller holds an active, unexpired attestation at `level` or above
///   (`IKycRegistry.isVerified`), from any registered issuer, whatever it consents to.
/// - `onlyVerifiedFor(level)`: as `onlyVerified`, and the caller consents to this contract's
///   project (`isVerifiedFor`): the project's readers may decrypt the caller's record.
/// - `onlyProjectPolicy`: the caller meets the project's own settings, read live from the
///   ProjectRegistry (`meetsProjectPolicy`): the project is active, the caller consents to it and
///   holds a live attestation at the project's required level from one of its accepted issuers.
///   Changing the project's settings changes who passes, with no redeploy.
///
/// Each check is one external view call to the registry. The caller is `msg.sender`: with ERC-4337
/// that is the user's smart account, which is the account OneKey attests. To check another account
/// (a recipient, the signer of a permit), call `_requireVerified`, `_requireVerifiedFor` or
/// `_requireProjectPolicy` with it. Checks hold at call time only: an attestation can later expire,
/// be revoked or erased, so never gate the way out (withdrawals, exits) on them.
abstract contract OneKeyGated {
    /// @notice The OneKey KycRegistry this contract asks.
    IKycRegistry public immutable registry;
    /// @notice The tenant's project: the one callers must consent to for `onlyVerifiedFor` and
    /// whose policy `onlyProjectPolicy` applies. Zero when the contract uses `onlyVerified` only
    /// (project ids start at 1, so the other checks then always fail).
    uint64 public immutable projectId;

    /// @notice `account` holds no active, unexpired attestation at `minLevel` or above.
    /// @param account The account checked (the caller, for the modifiers).
    /// @param minLevel The level the function asks for.
    error NotVerified(address account, uint8 minLevel);
    /// @notice `account` holds no active, unexpired attestation at `minLevel` or above, or does
    /// not consent to `projectId`.
    /// @param account The account checked (the caller, for the modifiers).
    /// @param minLevel The level the function asks for.
    /// @param projectId The project the account must consent to.
    error NotVerifiedFor(address account, uint8 minLevel, uint64 projectId);
    /// @notice `account` does not meet `projectId`'s policy (see `IKycRegistry.meetsProjectPolicy`):
    /// the project is not active, or the account does not consent to it, or holds no live
    /// attestation at its required level from one of its accepted issuers.
    /// @param account The account checked (the caller, for the modifiers).
    /// @param projectId The project whose policy applies.
    error ProjectPolicyNotMet(address account, uint64 projectId);

    /// @param registry_ The chain's KycRegistry (see OneKeyAddresses, or the deployment book).
    /// @param projectId_ The tenant's project id; zero if only `onlyVerified` is used.
    constructor(IKycRegistry registry_, uint64 projectId_) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        registry = registry_;
        projectId = projectId_;
    }

    /// @notice Only a caller verified at `minLevel` or above.
    modifier onlyVerified(uint8 minLevel) {
        _requireVerified(msg.sender, minLevel);
        _;
    }

    /// @notice Only a caller verified at `minLevel` or above that consents to `projectId`.
    modifier onlyVerifiedFor(uint8 minLevel) {
        _requireVerifiedFor(msg.sender, minLevel);
        _;
    }

    /// @notice Only a caller that meets `projectId`'s policy as the ProjectRegistry states it.
    modifier onlyProjectPolicy() {
        _requireProjectPolicy(msg.sender);
        _;
    }

    /// @notice Reverts with `NotVerified` unless `account` is verified at `minLevel` or above.
    function _requireVerified(address account, uint8 minLevel) internal view {
        if (!registry.isVerified(account, minLevel)) revert NotVerified(account, minLevel);
    }

    /// @notice Reverts with `NotVerifiedFor` unless `account` is verified at `minLevel` or above
    /// and consents to `projectId`.
    function _requireVerifiedFor(address account, uint8 minLevel) internal view {
        if (!registry.isVerifiedFor(account, minLevel, projectId)) {
            revert NotVerifiedFor(account, minLevel, projectId);
        }
    }

    /// @notice Reverts with `ProjectPolicyNotMet` unless `account` meets `projectId`'s policy.
    function _requireProjectPolicy(address account) internal view {
        if (!registry.meetsProjectPolicy(account, projectId)) revert ProjectPolicyNotMet(account, projectId);
    }
}
