// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPaymaster} from "@account-abstraction/contracts-v07/interfaces/IPaymaster.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";

/// @title IOneKeyPaymaster
/// @notice OneKey's ERC-4337 verifying paymaster: projects pay for their users' operations from
/// budgets they funded on-chain, and an off-chain sponsorship signer (the issuer service) decides
/// which operations to sponsor.
/// @dev One source serves EntryPoint v0.7 and v0.8 (same `IPaymaster` and packed user operation;
/// each deployment names its entry point).
///
/// Sponsorship. The signer signs the EIP-712 struct `SponsoredUserOperation` (see
/// `SPONSORED_USER_OPERATION_TYPEHASH`) under the domain {name "OneKeyPaymaster", version "1",
/// chainId, verifyingContract = this paymaster}. It covers every user-operation field except the
/// signatures: sender, nonce, initCode, callData, both account gas limits, preVerificationGas, both
/// fee fields and both paymaster gas limits, plus projectId and the validity window.
///
/// paymasterAndData (v0.7 packing; byte offsets):
///  [0:20]    paymaster address
///  [20:36]   paymasterVerificationGasLimit (uint128)
///  [36:52]   paymasterPostOpGasLimit (uint128)
///  [52:60]   projectId (uint64)
///  [60:66]   validUntil (uint48, 0 = no expiry)
///  [66:72]   validAfter (uint48)
///  [72:137]  signature (65 bytes: r, s, v) -- exactly 137 bytes in all
///
/// Validation outcome. A malformed paymasterAndData, an inactive or unfunded project, a cap that
/// would be exceeded or a too small postOp gas limit revert with the errors below. A signature
/// from neither the signer nor the pending signer returns SIG_VALIDATION_FAILED packed with the
/// window (never a revert, so bundlers can estimate gas with a stub signature); the EntryPoint
/// enforces the window (AA32).
///
/// Storage-access rules (ERC-7562). Validation reads and writes only this paymaster's own storage
/// (STO-031: the paymaster must be staked) and calls no other contract. A staked paymaster could
/// also read the ProjectRegistry (STO-033, read-only), but that is a cold call and a cold slot
/// (about 5k gas) per operation; instead the registry's status is mirrored into
/// `ProjectBudget.active`, which shares the slot validation reads anyway. Funding a project
/// mirrors it, anyone may call `syncProjectStatus` after a `ProjectStatusChanged`, and the issuer
/// service checks the registry before it signs. TIMESTAMP is banned in validation, so spending
/// periods are counted on the signed `validAfter` (see `SponsorshipPolicy`).
///
/// Accounting: the deposit never pays for a project. Validation moves `maxCost` (the most the
/// EntryPoint can take for the operation) out of the project's balance, a reservation, so several
/// operations in one bundle cannot overdraw it. postOp charges the project what the operation
/// costs the paymaster's deposit, or more, never less, and gives back the rest:
///   charge = min(maxCost, actualGasCost + (postOpGas + penaltyGas) * actualUserOpFeePerGas)
/// where postOpGas is the EntryPoint's gas around postOp (postOp's own gas, measured with
/// `gasleft()`, plus a constant per EntryPoint version, rounded up) and penaltyGas is the most the
/// EntryPoint's unused-gas penalty can be, computed from the limits validation carried in the
/// context:
///  - v0.7 adds 10% of (callGasLimit + paymasterPostOpGasLimit - execution gas used) after postOp.
///    postOp cannot see the validation gas the EntryPoint measured (preOpGas), so it assumes the
///    most it can be, preVerificationGas + verificationGasLimit + paymasterVerificationGasLimit
///    (+ VALIDATION_GAS_MARGIN for the EntryPoint's own bookkeeping); a smaller preOpGas only
///    makes the real penalty smaller. An honest operation therefore pays at most 10% of its
///    unused verification gas above its cost.
///  - v0.8 already counts the call's penalty in actualGasCost; the postOp penalty (10% of unused
///    paymasterPostOpGasLimit, only beyond 40,000 unused) is computed from postOp's measured gas,
///    so the charge equals the cost.
/// Whatever the signer signs, then: deposit >= sum(project balances) + reserve. The cost of one
/// operation is also bounded by its project: `maxCost` may not exceed the project's `maxOpCost`
/// (or `defaultMaxOpCost` while the project has set none), so a leaked or tricked signer can move
/// at most that much of a project's budget per operation. No running total of the balances is
/// kept: it would cost every sponsored operation another storage write (about 2.9k gas).
interface IOneKeyPaymaster is IPaymaster {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A project's sponsorship budget: everything validation reads in one slot.
    /// @dev Storage layout (keyed by `projectId`), one slot, low bits first:
    ///  balance (96) | active (8) | capped (8) | maxOpCost (96)
    /// @param balance Wei available to sponsor this project's operations (reservations excluded).
    /// @param active Mirror of `ProjectRegistry.projectStatus(projectId) == Active`.
    /// @param capped Whether the project's policy sets a cap (validation reads the caps only then).
    /// @param maxOpCost Most wei one operation may reserve (0 = `defaultMaxOpCost`).
    struct ProjectBudget {
        uint96 balance;
        bool active;
        bool capped;
        uint96 maxOpCost;
    }

    /// @notice Optional limits a project's sponsor managers put on their own spending.
    /// @dev Storage layout (keyed by `projectId`), one slot:
    ///  perUserCap (96) | periodCap (96) | periodSeconds (32)
    /// A period is `validAfter / periodSeconds` of the operation's signed window (TIMESTAMP is
    /// banned during validation). An operation whose period is older than the latest one seen
    /// counts towards the latest, so backdating never escapes a cap; the EntryPoint refuses a
    /// `validAfter` in the future. `periodSeconds == 0` makes the caps lifetime caps.
    /// @param perUserCap Most wei one sender may spend per period (0 = no per-user cap).
    /// @param periodCap Most wei the whole project may spend per period (0 = no project cap).
    /// @param periodSeconds Length of a period in seconds (0 = a single, unending period).
    /// @param maxOpCost Most wei one operation may reserve, its `maxCost` (0 = the paymaster's
    /// `defaultMaxOpCost`). Stored in the budget slot, which validation reads anyway.
    struct SponsorshipPolicy {
        uint96 perUserCap;
        uint96 periodCap;
        uint32 periodSeconds;
        uint96 maxOpCost;
    }

    /// @notice Wei reserved or spent within one period (per project, and per project and sender).
    /// @dev Storage layout, one slot: period (64) | spent (96)
    struct PeriodSpend {
        uint64 period;
        uint96 spent;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `funder` added `amount` wei to `projectId`'s budget, now `balance`.
    event ProjectFunded(uint64 indexed projectId, address indexed funder, uint256 amount, uint256 balance);

    /// @notice A sponsor manager (`by`) withdrew `amount` wei of the budget to `to`; `balance` remains.
    event BudgetWithdrawn(
        uint64 indexed projectId, address indexed by, address indexed to, uint256 amount, uint256 balance
    );

    /// @notice The paymaster paid for `userOpHash` of `sender`, charging `actualCost` wei to the project.
    event OperationSponsored(
        uint64 indexed projectId, address indexed sender, bytes32 userOpHash, uint256 actualCost
    );

    /// @notice The mirrored registry status of `projectId` changed to `active`.
    event ProjectStatusSynced(uint64 indexed projectId, bool active);

    /// @notice A sponsor manager (`by`) replaced the project's policy.
    /// @param projectId The project whose policy changed.
    /// @param by The sponsor manager who set it.
    /// @param perUserCap Most wei one sender may spend per period (0 = none).
    /// @param periodCap Most wei the project may spend per period (0 = none).
    /// @param periodSeconds Length of a period (0 = one unending period).
    /// @param maxOpCost Most wei one operation may reserve (0 = the paymaster's default).
    event SponsorshipPolicySet(
        uint64 indexed projectId,
        address indexed by,
        uint96 perUserCap,
        uint96 periodCap,
        uint32 periodSeconds,
        uint96 maxOpCost
    );

    /// @notice The owner named `pendingSigner`; both keys sign until the rotation completes.
    event SignerRotationStarted(address indexed currentSigner, address indexed pendingSigner);

    /// @notice `newSigner` replaced `previousSigner`; the old key no longer signs.
    event SignerRotationCompleted(address indexed previousSigner, address indexed newSigner);

    /// @notice The owner abandoned the rotation to `pendingSigner`.
    event SignerRotationCancelled(address indexed pendingSigner);

    /// @notice `from` added `amount` wei to the owner's reserve, now `reserve`.
    event ReserveDeposited(address indexed from, uint256 amount, uint256 reserve);

    /// @notice The owner withdrew `amount` wei of the reserve to `to`; `reserve` remains.
    event ReserveWithdrawn(address indexed to, uint256 amount, uint256 reserve);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    // Also `ProjectNotActive(projectId)`, `ProjectNotFound(projectId)` and `ZeroAddress()`,
    // declared in OneKeyErrors.sol.

    /// @notice paymasterAndData must be exactly `expected` bytes long (see the layout above).
    error PaymasterDataLengthInvalid(uint256 length, uint256 expected);
    /// @notice `required` wei exceeds the project's available `balance`.
    error ProjectBudgetInsufficient(uint64 projectId, uint256 balance, uint256 required);
    /// @notice `sender` would spend `spent + required` > `cap` in the current period.
    error UserCapExceeded(uint64 projectId, address sender, uint256 spent, uint256 required, uint256 cap);
    /// @notice The project would spend `spent + required` > `cap` in `period`.
    error PeriodCapExceeded(uint64 projectId, uint64 period, uint256 spent, uint256 required, uint256 cap);
    /// @notice The operation's `maxCost` exceeds the most one operation of the project may reserve.
    /// @param projectId The paying project.
    /// @param maxCost What the EntryPoint would reserve for the operation.
    /// @param limit The project's `maxOpCost`, or `defaultMaxOpCost` when it set none.
    error OperationCostTooHigh(uint64 projectId, uint256 maxCost, uint256 limit);
    /// @notice The operation's paymasterPostOpGasLimit is below what postOp needs.
    error PostOpGasLimitTooLow(uint256 limit, uint256 minimum);
    /// @notice Only the EntryPoint may call validation and postOp.
    error CallerNotEntryPoint(address caller);
    /// @notice `account` lacks the SPONSOR_MANAGER role on `projectId`.
    error NotSponsorManager(uint64 projectId, address account);
    /// @notice The contract at `entryPoint` is neither EntryPoint v0.7 nor v0.8.
    error EntryPointUnsupported(address entryPoint);
    /// @notice No signer rotation is in progress.
    error SignerRotationNotStarted();
    /// @notice `signer` is already the active signer.
    error SignerUnchanged(address signer);
    /// @notice Owner withdrawals are limited to the reserve: `amount` > `reserve`.
    error ReserveInsufficient(uint256 reserve, uint256 amount);
    /// @notice Funding, deposits and withdrawals need a non-zero amount.
    error AmountZero();
    /// @notice `amount` would push the project's balance past `MAX_BALANCE`.
    error AmountTooLarge(uint256 amount);

    /*//////////////////////////////////////////////////////////////
                              SPONSORSHIP
    //////////////////////////////////////////////////////////////*/

    /// @notice The EIP-712 digest the signer signs for this operation, project and window.
    /// @dev `userOp.paymasterAndData` must already carry the paymaster gas limits; its signature
    /// part is ignored.
    function sponsorshipDigest(
        PackedUserOperation calldata userOp,
        uint64 projectId,
        uint48 validUntil,
        uint48 validAfter
    ) external view returns (bytes32);

    /// @notice Gas the EntryPoint spends around postOp beyond what postOp measures of itself
    /// (a constant of the EntryPoint version; see Accounting above).
    function postOpOverheadGas() external view returns (uint256);

    /// @notice Most wei one operation may reserve for a project that set no `maxOpCost`.
    function defaultMaxOpCost() external view returns (uint256);

    /// @notice The EntryPoint (v0.7 or v0.8) this deployment serves.
    function entryPoint() external view returns (address);

    /// @notice The ProjectRegistry that names projects, their status and sponsor managers.
    function projectRegistry() external view returns (address);

    /*//////////////////////////////////////////////////////////////
                                BUDGETS
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds `msg.value` to `projectId`'s budget (forwarded to the EntryPoint deposit) and
    /// mirrors the project's registry status. Anyone may fund a project that exists.
    function fundProject(uint64 projectId) external payable;

    /// @notice Withdraws `amount` wei of the project's available budget to `to`. Sponsor managers only.
    function withdrawBudget(uint64 projectId, address payable to, uint256 amount) external;

    /// @notice Copies the registry's status of `projectId` into the mirror validation reads.
    /// Anyone may call it (the issuer service or a keeper does after `ProjectStatusChanged`).
    /// @return active The mirrored status.
    function syncProjectStatus(uint64 projectId) external returns (bool active);

    /// @notice Replaces the project's caps and its per-operation limit. Sponsor managers only. A
    /// new `periodSeconds` restarts the spending counters.
    function setSponsorshipPolicy(uint64 projectId, SponsorshipPolicy calldata policy) external;

    /// @notice The project's budget slot.
    function projectBudget(uint64 projectId) external view returns (ProjectBudget memory);

    /// @notice The project's caps and per-operation limit (`maxOpCost` as set, 0 = the default).
    function sponsorshipPolicy(uint64 projectId) external view returns (SponsorshipPolicy memory);

    /// @notice What the project spent (or holds reserved) in its latest period.
    function projectSpend(uint64 projectId) external view returns (PeriodSpend memory);

    /// @notice What `sender` spent (or holds reserved) of the project's budget in its latest period.
    function userSpend(uint64 projectId, address sender) external view returns (PeriodSpend memory);

    /*//////////////////////////////////////////////////////////////
                          SIGNER AND RESERVE
    //////////////////////////////////////////////////////////////*/

    /// @notice The sponsorship signer.
    function signer() external view returns (address);

    /// @notice The signer being rotated in (zero when none); its signatures are accepted too.
    function pendingSigner() external view returns (address);

    /// @notice Starts a rotation to `newSigner`. Owner only.
    function beginSignerRotation(address newSigner) external;

    /// @notice Makes the pending signer the signer. Owner only.
    function completeSignerRotation() external;

    /// @notice Drops the pending signer. Owner only.
    function cancelSignerRotation() external;

    /// @notice Adds `msg.value` to the owner's reserve in the EntryPoint deposit. Anyone.
    function depositReserve() external payable;

    /// @notice Withdraws `amount` of the reserve to `to`; project budgets stay untouched. Owner only.
    function withdrawReserve(address payable to, uint256 amount) external;

    /// @notice The part of the EntryPoint deposit that belongs to no project.
    function reserve() external view returns (uint256);

    /// @notice This paymaster's EntryPoint deposit.
    function getDeposit() external view returns (uint256);

    /// @notice Stakes `msg.value` in the EntryPoint (bundlers require a staked paymaster for
    /// storage access). Owner only.
    function addStake(uint32 unstakeDelaySec) external payable;

    /// @notice Starts the unstake delay. Owner only.
    function unlockStake() external;

    /// @notice Withdraws the unlocked stake to `to`. Owner only.
    function withdrawStake(address payable to) external;

    /// @notice Semantic version of this deployment.
    function version() external pure returns (string memory);
}
