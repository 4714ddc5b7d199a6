// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {_packValidationData} from "@account-abstraction/contracts-v07/core/Helpers.sol";
import {IEntryPoint as IEntryPointV08} from "@account-abstraction/contracts/interfaces/IEntryPoint.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IOneKeyPaymaster} from "../interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "../interfaces/IProjectRegistry.sol";
import {ProjectNotActive, ProjectNotFound, ZeroAddress} from "../interfaces/OneKeyErrors.sol";
import {ProjectRoles} from "../libraries/ProjectRoles.sol";
import {PaymasterDataLib} from "./PaymasterDataLib.sol";

/// @title OneKeyPaymaster
/// @notice Verifying paymaster with per-project budgets. See `IOneKeyPaymaster` for the spec,
/// the signed digest and the paymasterAndData layout.
/// @dev Implements `IPaymaster` directly rather than inheriting the sample `BasePaymaster`:
/// that base lets the owner withdraw the whole deposit (project budgets included) through a
/// non-virtual `withdrawTo`, and pins its EntryPoint interface check to one version.
contract OneKeyPaymaster is IOneKeyPaymaster, Ownable2Step, EIP712 {
    /// @notice EIP-712 type the sponsorship signer signs; field order matters.
    bytes32 public constant SPONSORED_USER_OPERATION_TYPEHASH = keccak256(
        "SponsoredUserOperation(address sender,uint256 nonce,bytes initCode,bytes callData,uint128 verificationGasLimit,uint128 callGasLimit,uint256 preVerificationGas,uint128 maxPriorityFeePerGas,uint128 maxFeePerGas,uint128 paymasterVerificationGasLimit,uint128 paymasterPostOpGasLimit,uint64 projectId,uint48 validUntil,uint48 validAfter)"
    );

    /// @notice The smallest paymasterPostOpGasLimit accepted: enough for postOp's worst case
    /// (caps enabled), so postOp never runs out of gas and strands a reservation.
    uint256 public constant POST_OP_GAS_MIN = 15_000;

    /// @notice Most a project's balance may hold (half the uint96 range, so a refund landing on a
    /// balance refilled mid-bundle still fits).
    uint256 public constant MAX_BALANCE = type(uint96).max >> 1;

    /// @notice Gas EntryPoint v0.7 counts in preOpGas beyond the three validation limits (its own
    /// bookkeeping between and after the checks AA26 and AA36), rounded up. Added to the preOpGas
    /// bound so that the penalty postOp charges is never below the one the EntryPoint takes.
    uint256 public constant VALIDATION_GAS_MARGIN = 1_000;

    /// @dev Gas of the postOp window (from `_postExecution`'s first `gasleft()` to its last) beyond
    /// what postOp measures of itself: the EntryPoint's bookkeeping around the call, the call,
    /// postOp's dispatch and its branch-free tail. One per EntryPoint version; the caps' release
    /// adds its own. Measured by test/contracts/OneKeyPaymaster/accounting.t.sol, which replays
    /// the EntryPoint's arithmetic and fails when they drift.
    /// The window of a reverted operation differs by a few gas (EntryPoint bookkeeping), and so
    /// does each branch of the EntryPoint's gas price (maxFee == priority fee; maxFee below or at
    /// least priority fee + basefee): each constant is its most expensive branch, so an operation
    /// on a cheaper branch pays up to 50 gas more than its cost, never less.
    uint256 internal constant _POST_OP_OVERHEAD_GAS_V07 = 4_463;
    uint256 internal constant _POST_OP_OVERHEAD_GAS_V07_REVERTED = 4_458;
    uint256 internal constant _POST_OP_OVERHEAD_GAS_V08 = 4_622;
    uint256 internal constant _POST_OP_OVERHEAD_GAS_V08_REVERTED = 4_625;
    /// @dev The caps' release with both caps on (the most it costs).
    uint256 internal constant _POST_OP_CAPS_RELEASE_GAS = 1_592;
    /// @dev v0.8 only: the gas v0.8 counts as postOp's own (around the call) beyond what postOp
    /// measures of itself; its postOp penalty is computed on it.
    uint256 internal constant _POST_OP_CALL_GAS_V08 = 3_810;
    /// @dev EntryPoint v0.8 charges the postOp penalty only when more than this is left unused.
    uint256 internal constant _V08_PENALTY_GAS_THRESHOLD = 40_000;

    IEntryPoint internal immutable _entryPoint;
    IProjectRegistry internal immutable _registry;
    /// @dev True for EntryPoint v0.8 (the call's penalty is in actualGasCost; postOp's is separate).
    bool internal immutable _isEntryPointV08;
    uint256 internal immutable _postOpOverheadGas;
    uint256 internal immutable _postOpOverheadGasReverted;
    uint256 internal immutable _defaultMaxOpCost;

    /// @dev The hot path touches exactly two slots: `_signer` (read) and the project's budget
    /// (read, written in validation, written again in postOp).
    address internal _signer;
    address internal _pendingSigner;
    uint256 internal _reserve;
    mapping(uint64 projectId => ProjectBudget) internal _budgets;
    /// @dev perUserCap | periodCap | periodSeconds; maxOpCost lives in the budget slot.
    mapping(uint64 projectId => SponsorshipCaps) internal _caps;
    mapping(uint64 projectId => PeriodSpend) internal _projectSpends;
    /// @dev Keyed [projectId][sender]: the slot is keccak(sender . x), storage associated with
    /// the sender in ERC-7562's sense.
    mapping(uint64 projectId => mapping(address sender => PeriodSpend)) internal _userSpends;

    /// @dev The caps of `SponsorshipPolicy`, as stored (one slot).
    struct SponsorshipCaps {
        uint96 perUserCap;
        uint96 periodCap;
        uint32 periodSeconds;
    }

    /// @dev Context handed from validation to postOp (packed, 96 bytes; 104 when capped):
    ///  projectId (8) | sender (20) | reserved maxCost (12) | userOpHash (32)
    ///  | executionGasLimit (12) | preOpGasBound (12) [| period (8), when capped]
    /// executionGasLimit is what the EntryPoint's penalty counts unused gas against (v0.7:
    /// callGasLimit + paymasterPostOpGasLimit; v0.8: paymasterPostOpGasLimit); preOpGasBound (v0.7
    /// only) is the most preOpGas can be.
    uint256 private constant _CONTEXT_LENGTH_CAPPED = 104;

    /// @dev `ProjectBudget` as one word: balance in bits 0..95, one byte per flag, then maxOpCost
    /// in bits 112..207. The hot path reads and updates the word directly; amounts that keep the
    /// balance within [0, 2^96) never touch the bits above it.
    uint256 private constant _ACTIVE_FLAG = 1 << 96;
    uint256 private constant _CAPPED_FLAG = 1 << 104;
    uint256 private constant _MAX_OP_COST_SHIFT = 112;

    /// @param entryPoint_ EntryPoint v0.7 or v0.8.
    /// @param registry The ProjectRegistry (project status and SPONSOR_MANAGER roles).
    /// @param owner_ Manages the signer, the stake and the reserve.
    /// @param signer_ The sponsorship signer.
    /// @param defaultMaxOpCost_ Most wei one operation may reserve for a project that set no
    /// `maxOpCost` (per network: a generous multiple of a sponsored operation's cost there).
    constructor(
        IEntryPoint entryPoint_,
        IProjectRegistry registry,
        address owner_,
        address signer_,
        uint256 defaultMaxOpCost_
    ) Ownable(owner_) EIP712("OneKeyPaymaster", "1") {
        if (address(registry) == address(0) || signer_ == address(0)) revert ZeroAddress();
        if (defaultMaxOpCost_ == 0) revert AmountZero();
        if (defaultMaxOpCost_ > MAX_BALANCE) revert AmountTooLarge(defaultMaxOpCost_);
        bool isV08 = _supportsInterface(address(entryPoint_), type(IEntryPointV08).interfaceId);
        if (!isV08 && !_supportsInterface(address(entryPoint_), type(IEntryPoint).interfaceId)) {
            revert EntryPointUnsupported(address(entryPoint_));
        }
        _entryPoint = entryPoint_;
        _registry = registry;
        _isEntryPointV08 = isV08;
        _postOpOverheadGas = isV08 ? _POST_OP_OVERHEAD_GAS_V08 : _POST_OP_OVERHEAD_GAS_V07;
        _postOpOverheadGasReverted = isV08 ? _POST_OP_OVERHEAD_GAS_V08_REVERTED : _POST_OP_OVERHEAD_GAS_V07_REVERTED;
        _defaultMaxOpCost = defaultMaxOpCost_;
        _signer = signer_;
        emit SignerRotationCompleted(address(0), signer_);
    }

    /*//////////////////////////////////////////////////////////////
                          ENTRYPOINT CALLBACKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Checks the sponsorship and reserves `maxCost` against the project's budget.
    /// @dev Touches only this contract's storage (ERC-7562, staked paymaster). Reverts on
    /// malformed data, an inactive or underfunded project, a cost above the project's per-op
    /// limit and exceeded caps; a wrong signature only sets the SIG_VALIDATION_FAILED bit, after
    /// the same work as a good one so that gas estimation with a stub signature matches the real
    /// operation.
    function validatePaymasterUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash, uint256 maxCost)
        external
        returns (bytes memory context, uint256 validationData)
    {
        _requireFromEntryPoint();
        bytes calldata paymasterAndData = userOp.paymasterAndData;
        (uint64 projectId, uint48 validUntil, uint48 validAfter, bytes calldata signature) =
            PaymasterDataLib.parse(paymasterAndData);
        uint256 postOpLimit = PaymasterDataLib.postOpGasLimit(paymasterAndData);
        if (postOpLimit < POST_OP_GAS_MIN) revert PostOpGasLimitTooLow(postOpLimit, POST_OP_GAS_MIN);

        bytes32 digest = _hashTypedDataV4(_structHash(userOp, projectId, validUntil, validAfter));
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(digest, signature);
        bool sigFailed = error != ECDSA.RecoverError.NoError
            || (recovered != _signer && (recovered != _pendingSigner || recovered == address(0)));

        uint256 budgetSlot = _budgetSlot(projectId);
        uint256 budget;
        assembly ("memory-safe") {
            budget := sload(budgetSlot)
        }
        if (budget & _ACTIVE_FLAG == 0) revert ProjectNotActive(projectId);
        if (maxCost > uint96(budget)) revert ProjectBudgetInsufficient(projectId, uint96(budget), maxCost);
        {
            uint256 limit = budget >> _MAX_OP_COST_SHIFT;
            if (limit == 0) limit = _defaultMaxOpCost;
            if (maxCost > limit) revert OperationCostTooHigh(projectId, maxCost, limit);
        }
        assembly ("memory-safe") {
            // maxCost <= balance (checked above): the subtraction stays inside the balance bits.
            sstore(budgetSlot, sub(budget, maxCost))
        }
        address sender = userOp.sender;
        (uint256 executionGasLimit, uint256 preOpGasBound) = _penaltyLimits(userOp, postOpLimit);
        context = abi.encodePacked(
            projectId, sender, uint96(maxCost), userOpHash, uint96(executionGasLimit), uint96(preOpGasBound)
        );
        if (budget & _CAPPED_FLAG != 0) {
            context = bytes.concat(context, bytes8(_reserveCaps(projectId, sender, validAfter, maxCost)));
        }
        validationData = _packValidationData(sigFailed, validUntil, validAfter);
    }

    /// @notice Charges the project what the operation costs the deposit (see Accounting in
    /// `IOneKeyPaymaster`) and releases the rest of the reservation.
    /// @dev Never reverts for a context this contract produced (a revert would strand the
    /// reservation): arithmetic only, and validation demanded POST_OP_GAS_MIN.
    function postOp(PostOpMode mode, bytes calldata context, uint256 actualGasCost, uint256 actualUserOpFeePerGas)
        external
    {
        uint256 gasAtEntry = gasleft();
        _requireFromEntryPoint();
        (
            uint64 projectId,
            address sender,
            uint256 reserved,
            bytes32 userOpHash,
            uint256 executionGasLimit,
            uint256 preOpGasBound
        ) = _decodeContext(context);
        bool capped = context.length == _CONTEXT_LENGTH_CAPPED;
        // From here to the event the code is branch-free (but for the version, fixed per
        // deployment, and the caps' release, which has its own constant), so the gas it uses
        // after this reading is a constant, counted in the overhead.
        uint256 postOpGas = gasAtEntry - gasleft() + (capped ? _POST_OP_CAPS_RELEASE_GAS : 0);
        uint256 actualCost = _actualCost(
            mode, postOpGas, actualGasCost, actualUserOpFeePerGas, executionGasLimit, preOpGasBound, reserved
        );
        unchecked {
            // refund <= reserved <= MAX_BALANCE and balance <= MAX_BALANCE: the sum stays
            // below 2^96, inside the balance bits.
            uint256 refund = reserved - actualCost;
            uint256 budgetSlot = _budgetSlot(projectId);
            assembly ("memory-safe") {
                sstore(budgetSlot, add(sload(budgetSlot), refund))
            }
            if (capped) _releaseCaps(projectId, sender, uint64(bytes8(context[96:104])), refund);
        }
        emit OperationSponsored(projectId, sender, userOpHash, actualCost);
    }

    /*//////////////////////////////////////////////////////////////
                              SPONSORSHIP
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOneKeyPaymaster
    function sponsorshipDigest(
        PackedUserOperation calldata userOp,
        uint64 projectId,
        uint48 validUntil,
        uint48 validAfter
    ) external view returns (bytes32) {
        uint256 length = userOp.paymasterAndData.length;
        if (length < PaymasterDataLib.PAYMASTER_DATA_OFFSET) {
            revert PaymasterDataLengthInvalid(length, PaymasterDataLib.LENGTH);
        }
        return _hashTypedDataV4(_structHash(userOp, projectId, validUntil, validAfter));
    }

    /// @inheritdoc IOneKeyPaymaster
    function postOpOverheadGas() external view returns (uint256) {
        return _postOpOverheadGas;
    }

    /// @inheritdoc IOneKeyPaymaster
    function entryPoint() external view returns (address) {
        return address(_entryPoint);
    }

    /// @inheritdoc IOneKeyPaymaster
    function projectRegistry() external view returns (address) {
        return address(_registry);
    }

    /*//////////////////////////////////////////////////////////////
                                BUDGETS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOneKeyPaymaster
    function fundProject(uint64 projectId) external payable {
        if (msg.value == 0) revert AmountZero();
        IProjectRegistry.ProjectStatus status = _registry.projectStatus(projectId);
        if (status == IProjectRegistry.ProjectStatus.None) revert ProjectNotFound(projectId);
        ProjectBudget storage budget = _budgets[projectId];
        _mirrorStatus(projectId, budget, status);
        uint256 balance = budget.balance + msg.value;
        if (balance > MAX_BALANCE) revert AmountTooLarge(msg.value);
        budget.balance = uint96(balance);
        _entryPoint.depositTo{value: msg.value}(address(this));
        emit ProjectFunded(projectId, msg.sender, msg.value, balance);
    }

    /// @inheritdoc IOneKeyPaymaster
    function withdrawBudget(uint64 projectId, address payable to, uint256 amount) external {
        _requireSponsorManager(projectId);
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert AmountZero();
        ProjectBudget storage budget = _budgets[projectId];
        uint256 balance = budget.balance;
        if (amount > balance) revert ProjectBudgetInsufficient(projectId, balance, amount);
        unchecked {
            balance -= amount;
        }
        budget.balance = uint96(balance);
        _entryPoint.withdrawTo(to, amount);
        emit BudgetWithdrawn(projectId, msg.sender, to, amount, balance);
    }

    /// @inheritdoc IOneKeyPaymaster
    function syncProjectStatus(uint64 projectId) external returns (bool active) {
        IProjectRegistry.ProjectStatus status = _registry.projectStatus(projectId);
        return _mirrorStatus(projectId, _budgets[projectId], status);
    }

    /// @inheritdoc IOneKeyPaymaster
    function setSponsorshipPolicy(uint64 projectId, SponsorshipPolicy calldata policy) external {
        _requireSponsorManager(projectId);
        // Period numbers of another length do not compare: start counting afresh (senders'
        // counters reset on their next operation, as their period no longer matches).
        if (policy.periodSeconds != _caps[projectId].periodSeconds) delete _projectSpends[projectId];
        _caps[projectId] = SponsorshipCaps(policy.perUserCap, policy.periodCap, policy.periodSeconds);
        ProjectBudget storage budget = _budgets[projectId];
        budget.capped = policy.perUserCap != 0 || policy.periodCap != 0;
        budget.maxOpCost = policy.maxOpCost;
        emit SponsorshipPolicySet(
            projectId, msg.sender, policy.perUserCap, policy.periodCap, policy.periodSeconds, policy.maxOpCost
        );
    }

    /// @inheritdoc IOneKeyPaymaster
    function projectBudget(uint64 projectId) external view returns (ProjectBudget memory) {
        return _budgets[projectId];
    }

    /// @inheritdoc IOneKeyPaymaster
    function sponsorshipPolicy(uint64 projectId) external view returns (SponsorshipPolicy memory) {
        SponsorshipCaps memory caps = _caps[projectId];
        return SponsorshipPolicy(caps.perUserCap, caps.periodCap, caps.periodSeconds, _budgets[projectId].maxOpCost);
    }

    /// @inheritdoc IOneKeyPaymaster
    function defaultMaxOpCost() external view returns (uint256) {
        return _defaultMaxOpCost;
    }

    /// @inheritdoc IOneKeyPaymaster
    function projectSpend(uint64 projectId) external view returns (PeriodSpend memory) {
        return _projectSpends[projectId];
    }

    /// @inheritdoc IOneKeyPaymaster
    function userSpend(uint64 projectId, address sender) external view returns (PeriodSpend memory) {
        return _userSpends[projectId][sender];
    }

    /*//////////////////////////////////////////////////////////////
                          SIGNER AND RESERVE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOneKeyPaymaster
    function signer() external view returns (address) {
        return _signer;
    }

    /// @inheritdoc IOneKeyPaymaster
    function pendingSigner() external view returns (address) {
        return _pendingSigner;
    }

    /// @inheritdoc IOneKeyPaymaster
    function beginSignerRotation(address newSigner) external onlyOwner {
        if (newSigner == address(0)) revert ZeroAddress();
        address current = _signer;
        if (newSigner == current) revert SignerUnchanged(newSigner);
        _pendingSigner = newSigner;
        emit SignerRotationStarted(current, newSigner);
    }

    /// @inheritdoc IOneKeyPaymaster
    function completeSignerRotation() external onlyOwner {
        address next = _pendingSigner;
        if (next == address(0)) revert SignerRotationNotStarted();
        address previous = _signer;
        _signer = next;
        delete _pendingSigner;
        emit SignerRotationCompleted(previous, next);
    }

    /// @inheritdoc IOneKeyPaymaster
    function cancelSignerRotation() external onlyOwner {
        address pending = _pendingSigner;
        if (pending == address(0)) revert SignerRotationNotStarted();
        delete _pendingSigner;
        emit SignerRotationCancelled(pending);
    }

    /// @inheritdoc IOneKeyPaymaster
    function depositReserve() external payable {
        if (msg.value == 0) revert AmountZero();
        uint256 reserve_ = _reserve + msg.value;
        _reserve = reserve_;
        _entryPoint.depositTo{value: msg.value}(address(this));
        emit ReserveDeposited(msg.sender, msg.value, reserve_);
    }

    /// @inheritdoc IOneKeyPaymaster
    function withdrawReserve(address payable to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert AmountZero();
        uint256 reserve_ = _reserve;
        if (amount > reserve_) revert ReserveInsufficient(reserve_, amount);
        unchecked {
            reserve_ -= amount;
        }
        _reserve = reserve_;
        _entryPoint.withdrawTo(to, amount);
        emit ReserveWithdrawn(to, amount, reserve_);
    }

    /// @inheritdoc IOneKeyPaymaster
    function reserve() external view returns (uint256) {
        return _reserve;
    }

    /// @inheritdoc IOneKeyPaymaster
    function getDeposit() public view returns (uint256) {
        return _entryPoint.balanceOf(address(this));
    }

    /// @inheritdoc IOneKeyPaymaster
    function addStake(uint32 unstakeDelaySec) external payable onlyOwner {
        _entryPoint.addStake{value: msg.value}(unstakeDelaySec);
    }

    /// @inheritdoc IOneKeyPaymaster
    function unlockStake() external onlyOwner {
        _entryPoint.unlockStake();
    }

    /// @inheritdoc IOneKeyPaymaster
    function withdrawStake(address payable to) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        _entryPoint.withdrawStake(to);
    }

    /// @inheritdoc IOneKeyPaymaster
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _requireFromEntryPoint() internal view {
        if (msg.sender != address(_entryPoint)) revert CallerNotEntryPoint(msg.sender);
    }

    function _requireSponsorManager(uint64 projectId) internal view {
        if (!_registry.hasRole(projectId, msg.sender, ProjectRoles.SPONSOR_MANAGER)) {
            revert NotSponsorManager(projectId, msg.sender);
        }
    }

    /// @dev EIP-712 struct hash of `SponsoredUserOperation`. The paymaster gas limits come from
    /// paymasterAndData[20:52]; the caller guarantees it is at least 52 bytes long.
    function _structHash(PackedUserOperation calldata userOp, uint64 projectId, uint48 validUntil, uint48 validAfter)
        internal
        pure
        returns (bytes32)
    {
        bytes32 accountGasLimits = userOp.accountGasLimits;
        bytes32 gasFees = userOp.gasFees;
        bytes calldata paymasterAndData = userOp.paymasterAndData;
        return keccak256(
            abi.encode(
                SPONSORED_USER_OPERATION_TYPEHASH,
                userOp.sender,
                userOp.nonce,
                keccak256(userOp.initCode),
                keccak256(userOp.callData),
                uint128(uint256(accountGasLimits) >> 128),
                uint128(uint256(accountGasLimits)),
                userOp.preVerificationGas,
                uint128(uint256(gasFees) >> 128),
                uint128(uint256(gasFees)),
                PaymasterDataLib.verificationGasLimit(paymasterAndData),
                PaymasterDataLib.postOpGasLimit(paymasterAndData),
                projectId,
                validUntil,
                validAfter
            )
        );
    }

    /// @dev ERC-165 probe that answers false, instead of reverting, for accounts without code or
    /// without `supportsInterface`.
    function _supportsInterface(address target, bytes4 interfaceId) private view returns (bool) {
        if (target.code.length == 0) return false;
        (bool ok, bytes memory result) =
            target.staticcall(abi.encodeCall(IERC165.supportsInterface, (interfaceId)));
        return ok && result.length == 32 && abi.decode(result, (bool));
    }

    /// @dev Storage slot of `_budgets[projectId]` (Solidity's mapping layout).
    function _budgetSlot(uint64 projectId) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            mstore(0x00, projectId)
            mstore(0x20, _budgets.slot)
            slot := keccak256(0x00, 0x40)
        }
    }

    /// @dev Copies the registry status into the mirror; emits when it changes.
    function _mirrorStatus(uint64 projectId, ProjectBudget storage budget, IProjectRegistry.ProjectStatus status)
        internal
        returns (bool active)
    {
        active = status == IProjectRegistry.ProjectStatus.Active;
        if (budget.active != active) {
            budget.active = active;
            emit ProjectStatusSynced(projectId, active);
        }
    }

    /// @dev Counts `maxCost` against the caps in the effective period: the later of the signed
    /// `validAfter`'s period and the latest period this project has seen.
    function _reserveCaps(uint64 projectId, address sender, uint48 validAfter, uint256 maxCost)
        internal
        returns (uint64 period)
    {
        SponsorshipCaps memory policy = _caps[projectId];
        PeriodSpend memory projectSpent = _projectSpends[projectId];
        period = policy.periodSeconds == 0 ? 0 : uint64(validAfter / policy.periodSeconds);
        if (period < projectSpent.period) period = projectSpent.period;

        uint256 spent = projectSpent.period == period ? projectSpent.spent : 0;
        if (policy.periodCap != 0 && spent + maxCost > policy.periodCap) {
            revert PeriodCapExceeded(projectId, period, spent, maxCost, policy.periodCap);
        }
        // Cheaper than a check: maxCost <= balance < 2^96 and spent <= cap < 2^96 when capped;
        // uncapped project totals saturate instead of overflowing.
        _projectSpends[projectId] = PeriodSpend(period, _saturatingAdd96(spent, maxCost));

        if (policy.perUserCap != 0) {
            // The user's period never runs ahead of the project's (except right after a change of
            // period length, when it no longer matches and counts from zero).
            PeriodSpend memory userSpent = _userSpends[projectId][sender];
            uint256 used = userSpent.period == period ? userSpent.spent : 0;
            if (used + maxCost > policy.perUserCap) {
                revert UserCapExceeded(projectId, sender, used, maxCost, policy.perUserCap);
            }
            _userSpends[projectId][sender] = PeriodSpend(period, uint96(used + maxCost));
        }
    }

    /// @dev Gives back the unspent part of a reservation, if its period is still the current one.
    function _releaseCaps(uint64 projectId, address sender, uint64 period, uint256 refund) internal {
        PeriodSpend storage projectSpent = _projectSpends[projectId];
        if (projectSpent.period == period) projectSpent.spent = _saturatingSub96(projectSpent.spent, refund);
        if (_caps[projectId].perUserCap != 0) {
            PeriodSpend storage userSpent = _userSpends[projectId][sender];
            if (userSpent.period == period) userSpent.spent = _saturatingSub96(userSpent.spent, refund);
        }
    }

    /// @dev Splits the context validation produced (see its layout).
    function _decodeContext(bytes calldata context)
        internal
        pure
        returns (
            uint64 projectId,
            address sender,
            uint256 reserved,
            bytes32 userOpHash,
            uint256 executionGasLimit,
            uint256 preOpGasBound
        )
    {
        assembly ("memory-safe") {
            let head := calldataload(context.offset)
            projectId := shr(192, head)
            sender := and(shr(32, head), 0xffffffffffffffffffffffffffffffffffffffff)
            reserved := shr(160, calldataload(add(context.offset, 28)))
            userOpHash := calldataload(add(context.offset, 40))
            let limits := calldataload(add(context.offset, 72))
            executionGasLimit := shr(160, limits)
            preOpGasBound := and(shr(64, limits), 0xffffffffffffffffffffffff)
        }
    }

    /// @dev What the operation cost the deposit, or the most it can have (see Accounting in
    /// `IOneKeyPaymaster`), capped at the reservation. Branch-free but for the version (see postOp).
    function _actualCost(
        PostOpMode mode,
        uint256 postOpGas,
        uint256 actualGasCost,
        uint256 feePerGas,
        uint256 executionGasLimit,
        uint256 preOpGasBound,
        uint256 reserved
    ) internal view returns (uint256 actualCost) {
        bool isEntryPointV08 = _isEntryPointV08;
        uint256 succeededOverheadGas = _postOpOverheadGas;
        uint256 revertedOverheadGas = _postOpOverheadGasReverted;
        assembly ("memory-safe") {
            // Every term is far below 2^256: gas values and fees are below 2^120 (EntryPoint).
            // The overhead of the mode (the subtraction may wrap; the sum wraps back).
            let overheadGas := add(
                succeededOverheadGas, mul(eq(mode, 1), sub(revertedOverheadGas, succeededOverheadGas))
            )
            let windowGas := add(postOpGas, overheadGas)
            let penaltyGas
            switch isEntryPointV08
            case 0 {
                // v0.7: 10% of (callGasLimit + postOpGasLimit - execution gas), execution gas =
                // all gas so far - preOpGas. preOpGasBound >= preOpGas: the most it can be.
                let total := add(div(actualGasCost, feePerGas), windowGas)
                let executionGas := mul(gt(total, preOpGasBound), sub(total, preOpGasBound))
                penaltyGas := div(mul(gt(executionGasLimit, executionGas), sub(executionGasLimit, executionGas)), 10)
            }
            default {
                // v0.8 counts the call's penalty in actualGasCost; postOp's own is 10% of the
                // unused postOp gas (measured around the call), if more than 40k is unused.
                let callGas := add(postOpGas, _POST_OP_CALL_GAS_V08)
                penaltyGas := mul(
                    gt(executionGasLimit, add(callGas, _V08_PENALTY_GAS_THRESHOLD)),
                    div(sub(executionGasLimit, callGas), 10)
                )
            }
            actualCost := add(actualGasCost, mul(add(windowGas, penaltyGas), feePerGas))
            // Never above the reservation (the EntryPoint never takes more than maxCost).
            actualCost := xor(actualCost, mul(gt(actualCost, reserved), xor(actualCost, reserved)))
        }
    }

    /// @dev What postOp needs to bound the EntryPoint's unused-gas penalty (see the context
    /// layout). The EntryPoint bounds each gas value by 2^120, so the sums cannot overflow; they
    /// saturate at 2^96 - 1 to fit the context, far above any payable amount of gas (maxCost < 2^96
    /// covers every limit at maxFeePerGas >= 1 wei, and a zero fee makes every charge zero).
    function _penaltyLimits(PackedUserOperation calldata userOp, uint256 postOpLimit)
        internal
        view
        returns (uint256 executionGasLimit, uint256 preOpGasBound)
    {
        if (_isEntryPointV08) return (_min96(postOpLimit), 0);
        uint256 accountGasLimits = uint256(userOp.accountGasLimits);
        executionGasLimit = _min96(uint128(accountGasLimits) + postOpLimit);
        preOpGasBound = _min96(
            userOp.preVerificationGas + (accountGasLimits >> 128)
                + PaymasterDataLib.verificationGasLimit(userOp.paymasterAndData) + VALIDATION_GAS_MARGIN
        );
    }

    function _min96(uint256 value) private pure returns (uint256) {
        return value > type(uint96).max ? type(uint96).max : value;
    }

    function _saturatingAdd96(uint256 a, uint256 b) private pure returns (uint96) {
        uint256 sum = a + b;
        return sum > type(uint96).max ? type(uint96).max : uint96(sum);
    }

    function _saturatingSub96(uint96 a, uint256 b) private pure returns (uint96) {
        return b >= a ? 0 : uint96(a - b);
    }
}
