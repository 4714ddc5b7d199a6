// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {SimpleAccount} from "@account-abstraction/contracts-v07/samples/SimpleAccount.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";

/// @notice Drives the paymaster through random sequences of funding, withdrawals, sponsored
/// operations (through the real EntryPoint), reserve moves and project suspensions, and keeps a
/// ghost ledger of what every project should hold and how far charges drift from what the
/// EntryPoint deducts. Sponsored operations carry adversarial gas limits, fees and
/// beneficiaries. Every action checks its own preconditions, so a revert is a finding.
contract PaymasterHandler is CommonBase, StdUtils {
    IEntryPoint public immutable entryPoint;
    OneKeyPaymaster public immutable paymaster;
    IProjectRegistry public immutable projects;
    address public immutable manager;
    address public immutable governance;
    address public immutable paymasterOwner;
    uint256 internal immutable _sponsorKey;
    address payable internal immutable _bundler;

    uint64[] internal _projectIds;
    address[] internal _accounts;
    uint256[] internal _accountKeys;

    /// @dev What each project's balance must be: funded - withdrawn - charged.
    mapping(uint64 projectId => uint256) public ghostBalance;
    /// @dev Sum over sponsored operations of (charged to the project - deducted by the EntryPoint).
    int256 public ghostDrift;
    /// @dev Sum over operations of what the EntryPoint took beyond the project's charge (must stay 0).
    uint256 public ghostShortfall;
    uint256 public sponsoredOps;
    mapping(string action => uint256) public calls;

    constructor(
        IEntryPoint entryPoint_,
        OneKeyPaymaster paymaster_,
        IProjectRegistry projects_,
        address manager_,
        address governance_,
        address paymasterOwner_,
        uint256 sponsorKey_,
        uint64[] memory projectIds_,
        address[] memory accounts_,
        uint256[] memory accountKeys_
    ) {
        entryPoint = entryPoint_;
        paymaster = paymaster_;
        projects = projects_;
        manager = manager_;
        governance = governance_;
        paymasterOwner = paymasterOwner_;
        _sponsorKey = sponsorKey_;
        _bundler = payable(address(0xB0B));
        _projectIds = projectIds_;
        _accounts = accounts_;
        _accountKeys = accountKeys_;
        for (uint256 i; i < projectIds_.length; ++i) {
            ghostBalance[projectIds_[i]] = paymaster_.projectBudget(projectIds_[i]).balance;
        }
    }

    function projectIds() external view returns (uint64[] memory) {
        return _projectIds;
    }

    function _project(uint256 seed) internal view returns (uint64) {
        return _projectIds[seed % _projectIds.length];
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    function fund(uint256 projectSeed, uint256 amount) external {
        uint64 projectId = _project(projectSeed);
        amount = bound(amount, 1, 5 ether);
        address funder = address(uint160(uint256(keccak256(abi.encode("funder", projectSeed)))));
        vm.deal(funder, amount);
        vm.prank(funder);
        paymaster.fundProject{value: amount}(projectId);
        ghostBalance[projectId] += amount;
        ++calls["fund"];
    }

    function withdraw(uint256 projectSeed, uint256 amount) external {
        uint64 projectId = _project(projectSeed);
        uint256 balance = ghostBalance[projectId];
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(manager);
        paymaster.withdrawBudget(projectId, payable(manager), amount);
        ghostBalance[projectId] -= amount;
        ++calls["withdraw"];
    }

    function depositReserve(uint256 amount) external {
        amount = bound(amount, 1, 1 ether);
        vm.deal(address(this), amount);
        paymaster.depositReserve{value: amount}();
        ++calls["depositReserve"];
    }

    function withdrawReserve(uint256 amount) external {
        // Keeps the reserve above what drift could need (the owner's job in production).
        uint256 reserve = paymaster.reserve();
        if (reserve <= 1 ether) return;
        amount = bound(amount, 1, reserve - 1 ether);
        vm.prank(paymasterOwner);
        paymaster.withdrawReserve(payable(paymasterOwner), amount);
        ++calls["withdrawReserve"];
    }

    function toggleSuspension(uint256 projectSeed) external {
        uint64 projectId = _project(projectSeed);
        IProjectRegistry.ProjectStatus status = projects.projectStatus(projectId);
        vm.prank(governance);
        projects.setProjectStatus(
            projectId,
            status == IProjectRegistry.ProjectStatus.Active
                ? IProjectRegistry.ProjectStatus.Suspended
                : IProjectRegistry.ProjectStatus.Active
        );
        paymaster.syncProjectStatus(projectId);
        ++calls["toggleSuspension"];
    }

    /// @dev Gas limits and fees of one operation, as an adversarial signer might sign them.
    struct Limits {
        uint128 verificationGasLimit;
        uint128 callGasLimit;
        uint256 preVerificationGas;
        uint128 paymasterVerificationGasLimit;
        uint128 paymasterPostOpGasLimit;
        uint128 maxPriorityFeePerGas;
        uint128 maxFeePerGas;
    }

    /// @dev One sponsored operation through handleOps, with arbitrary gas limits and fees (what
    /// a tricked or leaked signer could sign) and an arbitrary beneficiary (a self-bundling
    /// attacker); `reverting` makes the account's call fail (the project pays all the same).
    /// Skips what validation would refuse.
    function sponsor(
        uint256 accountSeed,
        uint256 projectSeed,
        uint256 feeSeed,
        uint256 gasSeed,
        address beneficiary,
        bool reverting
    ) external {
        uint64 projectId = _project(projectSeed);
        uint256 index = accountSeed % _accounts.length;
        address sender = _accounts[index];
        Limits memory limits = _limits(feeSeed, gasSeed);
        vm.fee(bound(feeSeed >> 128, 0, limits.maxFeePerGas));

        uint256 maxCost = (
            uint256(limits.verificationGasLimit) + limits.callGasLimit + limits.preVerificationGas
                + limits.paymasterVerificationGasLimit + limits.paymasterPostOpGasLimit
        ) * limits.maxFeePerGas;
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectId);
        uint256 maxOpCost = budget.maxOpCost == 0 ? paymaster.defaultMaxOpCost() : budget.maxOpCost;
        if (!budget.active || budget.balance < maxCost || maxCost > maxOpCost) return;
        if (beneficiary == address(0) || beneficiary.code.length != 0) beneficiary = _bundler;

        PackedUserOperation memory p = _operation(sender, projectId, limits, reverting);
        p.signature = _sign(_accountKeys[index], MessageHashUtils.toEthSignedMessageHash(entryPoint.getUserOpHash(p)));
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = p;
        vm.recordLogs();
        vm.prank(beneficiary, beneficiary);
        entryPoint.handleOps(ops, payable(beneficiary));

        (uint256 charged, uint256 deducted) = _costs();
        ghostBalance[projectId] -= charged;
        ghostDrift += int256(charged) - int256(deducted);
        if (charged < deducted) ghostShortfall += deducted - charged;
        ++sponsoredOps;
        ++calls["sponsor"];
    }

    /// @dev The project's sponsor managers set their per-operation limit (0 = the default).
    function setMaxOpCost(uint256 projectSeed, uint96 maxOpCost) external {
        uint64 projectId = _project(projectSeed);
        maxOpCost = uint96(bound(maxOpCost, 0, 0.05 ether));
        vm.prank(manager);
        paymaster.setSponsorshipPolicy(
            projectId,
            IOneKeyPaymaster.SponsorshipPolicy({perUserCap: 0, periodCap: 0, periodSeconds: 0, maxOpCost: maxOpCost})
        );
        ++calls["setMaxOpCost"];
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        ++calls["warp"];
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _limits(uint256 feeSeed, uint256 gasSeed) internal pure returns (Limits memory limits) {
        limits.maxFeePerGas = uint128(bound(feeSeed, 1 gwei, 50 gwei));
        limits.maxPriorityFeePerGas = uint128(bound(feeSeed >> 64, 0, limits.maxFeePerGas));
        limits.verificationGasLimit = uint128(bound(uint32(gasSeed), 100_000, 1_000_000));
        limits.callGasLimit = uint128(bound(uint32(gasSeed >> 32), 25_000, 3_000_000));
        limits.preVerificationGas = bound(uint32(gasSeed >> 64), 0, 3_000_000);
        limits.paymasterVerificationGasLimit = uint128(bound(uint32(gasSeed >> 96), 60_000, 500_000));
        limits.paymasterPostOpGasLimit = uint128(bound(uint32(gasSeed >> 128), 15_000, 1_000_000));
    }

    function _operation(address sender, uint64 projectId, Limits memory limits, bool reverting)
        internal
        view
        returns (PackedUserOperation memory p)
    {
        bytes memory inner = reverting ? abi.encodeCall(OneKeyPaymaster.withdrawBudget, (projectId, payable(sender), 1)) : bytes("");
        p = PackedUserOperation({
            sender: sender,
            nonce: entryPoint.getNonce(sender, 0),
            initCode: "",
            callData: abi.encodeCall(SimpleAccount.execute, (reverting ? address(paymaster) : manager, 0, inner)),
            accountGasLimits: bytes32((uint256(limits.verificationGasLimit) << 128) | limits.callGasLimit),
            preVerificationGas: limits.preVerificationGas,
            gasFees: bytes32((uint256(limits.maxPriorityFeePerGas) << 128) | limits.maxFeePerGas),
            paymasterAndData: abi.encodePacked(
                address(paymaster), limits.paymasterVerificationGasLimit, limits.paymasterPostOpGasLimit
            ),
            signature: ""
        });
        uint48 validUntil = uint48(block.timestamp + 600);
        uint48 validAfter = uint48(block.timestamp);
        // Spec conformance of the digest is covered by the unit tests; here the contract computes it.
        bytes32 digest = paymaster.sponsorshipDigest(p, projectId, validUntil, validAfter);
        p.paymasterAndData =
            abi.encodePacked(p.paymasterAndData, projectId, validUntil, validAfter, _sign(_sponsorKey, digest));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _costs() internal returns (uint256 charged, uint256 deducted) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IOneKeyPaymaster.OperationSponsored.selector) {
                (, charged) = abi.decode(logs[i].data, (bytes32, uint256));
            } else if (logs[i].topics[0] == IEntryPoint.UserOperationEvent.selector) {
                (,, deducted,) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
            }
        }
    }

    receive() external payable {}
}
