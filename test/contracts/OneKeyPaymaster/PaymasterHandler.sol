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
/// EntryPoint deducts. Every action checks its own preconditions, so a revert is a finding.
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

    /// @dev One sponsored operation through handleOps; `reverting` makes the account's call fail
    /// (the project pays all the same). Skips what validation would refuse.
    function sponsor(uint256 accountSeed, uint256 projectSeed, uint256 feeSeed, bool reverting) external {
        uint64 projectId = _project(projectSeed);
        uint256 index = accountSeed % _accounts.length;
        address sender = _accounts[index];
        uint128 maxFee = uint128(bound(feeSeed, 1 gwei, 50 gwei));
        vm.fee(bound(feeSeed >> 128, 0, maxFee));

        PackedUserOperation memory p = _operation(sender, projectId, maxFee, reverting);
        uint256 maxCost = (uint256(150_000) + 60_000 + 60_000 + 15_000 + 50_000) * maxFee;
        IOneKeyPaymaster.ProjectBudget memory budget = paymaster.projectBudget(projectId);
        if (!budget.active || budget.balance < maxCost) return;

        p.signature = _sign(_accountKeys[index], MessageHashUtils.toEthSignedMessageHash(entryPoint.getUserOpHash(p)));
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = p;
        vm.recordLogs();
        vm.prank(_bundler, _bundler);
        entryPoint.handleOps(ops, _bundler);

        (uint256 charged, uint256 deducted) = _costs();
        ghostBalance[projectId] -= charged;
        ghostDrift += int256(charged) - int256(deducted);
        ++sponsoredOps;
        ++calls["sponsor"];
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        ++calls["warp"];
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _operation(address sender, uint64 projectId, uint128 maxFee, bool reverting)
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
            accountGasLimits: bytes32((uint256(150_000) << 128) | 60_000),
            preVerificationGas: 50_000,
            gasFees: bytes32((uint256(maxFee) << 128) | maxFee),
            paymasterAndData: abi.encodePacked(address(paymaster), uint128(60_000), uint128(15_000)),
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
