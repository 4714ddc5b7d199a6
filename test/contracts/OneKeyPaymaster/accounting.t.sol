// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {IPaymaster} from "@account-abstraction/contracts-v07/interfaces/IPaymaster.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {SimpleAccount} from "@account-abstraction/contracts-v07/samples/SimpleAccount.sol";
import {SimpleAccountFactory} from "@account-abstraction/contracts-v07/samples/SimpleAccountFactory.sol";
import {SimpleAccountFactory as SimpleAccountFactoryV08} from
    "@account-abstraction/contracts/accounts/SimpleAccountFactory.sol";
import {IEntryPoint as IEntryPointV08} from "@account-abstraction/contracts/interfaces/IEntryPoint.sol";
import {Vm, VmSafe} from "forge-std/Vm.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";
import {EntryPointV07Probe, EntryPointV08Probe, IPreOpGasProbe} from "./EntryPointProbes.sol";
import {Op, PaymasterBase, Sponsorship} from "./PaymasterBase.sol";

/// @notice The deposit never pays for a project. Through real EntryPoints (v0.7 and v0.8, probed
/// for the preOpGas a paymaster cannot see), each test compares what postOp charged the project
/// with what the EntryPoint took from the deposit, and the charge with the EntryPoint's own
/// arithmetic, to the gas.
contract AccountingTest is PaymasterBase {
    /// @dev One handled operation, as each side saw it.
    struct Costs {
        uint256 charged; // OperationSponsored.actualCost (wei)
        uint256 taken; // UserOperationEvent.actualGasCost: what left the deposit (wei)
        uint256 gasUsed; // UserOperationEvent.actualGasUsed (penalty included)
        uint256 feePerGas;
        uint256 preOpGas; // the probe's report
        uint256 gasBeforePostOp; // the actualGasCost postOp received, in gas
        bool success;
    }

    EntryPointV07Probe internal probe07;
    OneKeyPaymaster internal paymaster07;
    address internal account07;
    EntryPointV08Probe internal probe08;
    SimpleAccountFactoryV08 internal factory08;
    OneKeyPaymaster internal paymaster08;

    function setUp() public override {
        super.setUp();
        probe07 = new EntryPointV07Probe();
        paymaster07 = _deployStakedAndFunded(address(probe07));
        account07 = address(new SimpleAccountFactory(IEntryPoint(address(probe07))).createAccount(accountOwner, 0));

        probe08 = new EntryPointV08Probe();
        factory08 = new SimpleAccountFactoryV08(IEntryPointV08(address(probe08)));
        paymaster08 = _deployStakedAndFunded(address(probe08));
        vm.fee(1 gwei);
    }

    function _deployStakedAndFunded(address entryPoint_) internal returns (OneKeyPaymaster deployed) {
        deployed = _deployPaymaster(entryPoint_);
        vm.deal(paymasterOwner, 10 ether);
        vm.prank(paymasterOwner);
        deployed.addStake{value: 1 ether}(1 days);
        vm.deal(funder, BUDGET);
        vm.prank(funder);
        deployed.fundProject{value: BUDGET}(projectA);
    }

    /*//////////////////////////////////////////////////////////////
                            ENTRYPOINT v0.7
    //////////////////////////////////////////////////////////////*/

    /// @dev An honest operation (tight call gas) still leaves verification gas unused, which
    /// postOp must assume used: the project pays its cost plus at most 10% of that.
    function test_v07_honestOperation_paysItsCost_plusAtMostTenPercentOfUnusedVerificationGas() public {
        Op memory o = _op07(account07);
        Costs memory c = _run07(o);
        assertTrue(c.success);
        _assertNeverBelowTheCost(c);
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c);
    }

    /// @dev Before: v0.7's 10% penalty on unused execution gas landed on the shared deposit
    /// (bench:paymaster printed it as "-4352 gas apart"). Now the project pays it.
    function test_v07_unusedCallAndPostOpGas_penaltyIsChargedToTheProject() public {
        Op memory o = _op07(account07);
        o.callGasLimit = 2_000_000;
        o.paymasterPostOpGasLimit = 500_000;
        Costs memory c = _run07(o);
        // The EntryPoint took about 10% of 2.5M unused gas on top of the operation's cost.
        assertGt(c.gasUsed, 240_000, "the penalty applied");
        _assertNeverBelowTheCost(c);
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c);
    }

    function test_v07_cappedProject_paysItsCost() public {
        _setPolicy(paymaster07, 1 ether, 1 ether, 1 days, 0);
        Op memory o = _op07(account07);
        // Coverage instrumentation makes the capped path's validation outgrow the usual 60k.
        if (vm.envOr("ONEKEY_COVERAGE", false)) o.paymasterVerificationGasLimit = 150_000;
        Costs memory c = _run07(o);
        _assertNeverBelowTheCost(c);
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c, ROUNDING_GAS + FEE_BRANCH_GAS);
    }

    function test_v07_revertingCall_paysItsCost() public {
        Op memory o = _op07(account07);
        o.callData = abi.encodeCall(
            SimpleAccount.execute,
            (address(paymaster07), 0, abi.encodeCall(IOneKeyPaymaster.withdrawBudget, (projectA, payable(account07), 1)))
        );
        Costs memory c = _run07(o);
        assertFalse(c.success);
        _assertNeverBelowTheCost(c);
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c);
    }

    /// @dev Adversarial limits and fees (what a tricked or compromised signer could sign, sent
    /// by a self-bundling attacker): the charge never falls below what the deposit pays.
    function testFuzz_v07_chargeNeverBelowTheDepositCost(
        uint32 callGasLimit,
        uint32 postOpGasLimit,
        uint32 verificationGasLimit,
        uint32 preVerificationGas,
        uint64 maxFeePerGas,
        uint64 baseFee,
        bool reverting
    ) public {
        Op memory o = _op07(account07);
        o.callGasLimit = uint128(bound(callGasLimit, 30_000, 3_000_000));
        o.paymasterPostOpGasLimit = uint128(bound(postOpGasLimit, paymaster07.POST_OP_GAS_MIN(), 1_000_000));
        o.verificationGasLimit = uint128(bound(verificationGasLimit, 80_000, 1_000_000));
        o.preVerificationGas = bound(preVerificationGas, 0, 2_000_000);
        o.maxFeePerGas = uint128(bound(maxFeePerGas, 1, 100 gwei));
        o.maxPriorityFeePerGas = uint128(bound(maxFeePerGas >> 3, 0, o.maxFeePerGas));
        vm.fee(bound(baseFee, 1, o.maxFeePerGas));
        if (reverting) o.callData = abi.encodeCall(SimpleAccount.execute, (address(paymaster07), 0, hex"deadbeef"));
        if (_maxCost(o) > paymaster07.defaultMaxOpCost()) return; // refused in validation: another test
        Costs memory c = _run07(o);
        _assertNeverBelowTheCost(c);
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c);
    }

    /*//////////////////////////////////////////////////////////////
                                 ATTACKS
    //////////////////////////////////////////////////////////////*/

    /// @dev attack: a self-funded project signs (through a service that signed anything) an
    /// operation whose call and postOp limits are far above use, and bundles it itself so the
    /// EntryPoint pays it. Before: v0.7 took its 10% penalty on the unused gas after postOp, from
    /// the shared deposit, so each operation moved about 10% of maxCost from other projects'
    /// money to the attacker. Now its own project pays every wei the EntryPoint pays it.
    function test_attack_unusedGasPenalty_selfBundled_attackerGainsNothing() public {
        address attacker = makeAddr("attacker");
        vm.prank(attacker);
        uint64 attackerOrg = projects.createOrganization(attacker, "ipfs://attacker");
        vm.prank(attacker);
        uint64 attackerProject = projects.createProject(attackerOrg, "attacker", _settings(1, new address[](0)));
        vm.deal(attacker, 0.01 ether);
        vm.prank(attacker);
        paymaster07.fundProject{value: 0.01 ether}(attackerProject);

        Op memory o = _op07(account07);
        o.callGasLimit = 1_500_000;
        o.paymasterPostOpGasLimit = 500_000;
        o.maxFeePerGas = 2 gwei;
        Sponsorship memory s = _sponsorship(attackerProject);
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid, address(paymaster07)));
        PackedUserOperation memory p =
            _signedByAccount(IEntryPoint(address(probe07)), _pack(o, address(paymaster07), _paymasterData(s, signature)));

        uint256 othersBefore = probe07.balanceOf(address(paymaster07)) - paymaster07.projectBudget(attackerProject).balance;
        uint256 budgetBefore = paymaster07.projectBudget(attackerProject).balance;
        uint256 attackerBefore = attacker.balance;
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = p;
        vm.prank(attacker, attacker);
        probe07.handleOps(ops, payable(attacker));

        uint256 received = attacker.balance - attackerBefore;
        uint256 paid = budgetBefore - paymaster07.projectBudget(attackerProject).balance;
        assertGt(received, 150_000 * 1 gwei, "the EntryPoint paid the attacker the penalty too");
        // Under coverage, instrumentation runs after postOp's own measurement (see _slackGas).
        assertGe(
            paid + _slackGas() * o.maxFeePerGas, received, "its own project paid all of it: no gain beyond the gas it spent"
        );
        uint256 othersAfter = probe07.balanceOf(address(paymaster07)) - paymaster07.projectBudget(attackerProject).balance;
        assertGe(
            othersAfter + _slackGas() * o.maxFeePerGas, othersBefore, "other projects' money and the reserve are untouched"
        );
    }

    /// @dev attack: the service is tricked (or its key leaked) into signing a victim project's
    /// operation with a huge preVerificationGas and fee; the attacker bundles it itself, so
    /// nearly all of maxCost would go to its beneficiary. The victim's per-operation limit (here
    /// the paymaster's default) refuses it in validation: the bundle reverts, nothing moves.
    function test_attack_hugePreVerificationGasAndFee_refusedByTheProjectsLimit() public {
        Op memory o = _op07(account07);
        o.preVerificationGas = 3_000_000;
        o.maxFeePerGas = 50 gwei;
        o.maxPriorityFeePerGas = 50 gwei;
        uint256 cost = _maxCost(o);
        assertGt(cost, paymaster07.defaultMaxOpCost());
        PackedUserOperation memory p = _signedByAccount(IEntryPoint(address(probe07)), _sponsoredBy(paymaster07, o));
        uint256 victimBefore = paymaster07.projectBudget(projectA).balance;
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = p;
        address attacker = makeAddr("attacker");
        vm.expectRevert(
            abi.encodeWithSelector(
                IEntryPoint.FailedOpWithRevert.selector,
                0,
                "AA33 reverted",
                abi.encodeWithSelector(
                    IOneKeyPaymaster.OperationCostTooHigh.selector, projectA, cost, paymaster07.defaultMaxOpCost()
                )
            )
        );
        vm.prank(attacker, attacker);
        probe07.handleOps(ops, payable(attacker));
        assertEq(paymaster07.projectBudget(projectA).balance, victimBefore);
        assertEq(attacker.balance, 0);
    }

    /*//////////////////////////////////////////////////////////////
                            ENTRYPOINT v0.8
    //////////////////////////////////////////////////////////////*/

    /// @dev v0.8 puts the call's penalty into actualGasCost and measures postOp's around the
    /// call: nothing is hidden from postOp, so the charge is the cost (up to the EntryPoint's
    /// gas-price branches, a few gas).
    function test_v08_honestOperation_paysItsCost() public {
        Costs memory c = _run08(_op08(5));
        assertTrue(c.success);
        _assertV08ChargeIsTheCost(c, FEE_BRANCH_GAS);
    }

    function test_v08_accountCreation_paysItsCost() public {
        Op memory o = _op(factory08.getAddress(accountOwner, 6));
        o.nonce = 0;
        o.callGasLimit = 20_000;
        o.initCode = abi.encodePacked(address(factory08), abi.encodeCall(factory08.createAccount, (accountOwner, 6)));
        o.verificationGasLimit = 400_000;
        Costs memory c = _run08(o);
        assertTrue(c.success);
        assertGt(o.sender.code.length, 0, "account deployed");
        _assertV08ChargeIsTheCost(c, FEE_BRANCH_GAS);
    }

    /// @dev A postOp limit far above its use: v0.8 charges 10% of the unused part, and so does postOp.
    function test_v08_unusedPostOpGas_penaltyIsChargedToTheProject() public {
        Op memory o = _op08(7);
        o.paymasterPostOpGasLimit = 800_000;
        o.callGasLimit = 1_000_000;
        Costs memory c = _run08(o);
        assertGt(c.gasUsed, 150_000, "both penalties applied");
        _assertNeverBelowTheCost(c);
        _assertV08ChargeIsTheCost(c, FEE_BRANCH_GAS + ROUNDING_GAS);
    }

    function testFuzz_v08_chargeNeverBelowTheDepositCost(
        uint32 callGasLimit,
        uint32 postOpGasLimit,
        uint32 preVerificationGas,
        uint64 maxFeePerGas,
        bool reverting
    ) public {
        Op memory o = _op08(8);
        o.callGasLimit = uint128(bound(callGasLimit, 30_000, 3_000_000));
        o.paymasterPostOpGasLimit = uint128(bound(postOpGasLimit, paymaster08.POST_OP_GAS_MIN(), 1_000_000));
        o.preVerificationGas = bound(preVerificationGas, 0, 2_000_000);
        o.maxFeePerGas = uint128(bound(maxFeePerGas, 1, 100 gwei));
        o.maxPriorityFeePerGas = o.maxFeePerGas;
        if (reverting) o.callData = abi.encodeCall(SimpleAccount.execute, (address(paymaster08), 0, hex"deadbeef"));
        if (_maxCost(o) > paymaster08.defaultMaxOpCost()) return;
        Costs memory c = _run08(o);
        _assertNeverBelowTheCost(c);
        _assertV08ChargeIsTheCost(c, FEE_BRANCH_GAS + ROUNDING_GAS);
    }

    /*//////////////////////////////////////////////////////////////
                               ASSERTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev Coverage instrumentation adds gas to postOp after its own measurement.
    function _slackGas() internal view returns (uint256) {
        return vm.envOr("ONEKEY_COVERAGE", false) ? 5_000 : 0;
    }

    /// @dev v0.8 hides nothing from postOp: the charge is the cost, up to the fee branches' margin.
    function _assertV08ChargeIsTheCost(Costs memory c, uint256 maxAboveGas) internal view {
        _assertNeverBelowTheCost(c);
        assertLe(c.charged, c.taken + (maxAboveGas + _slackGas()) * c.feePerGas, "charged no more than the margin above");
    }

    function _assertNeverBelowTheCost(Costs memory c) internal view {
        assertGe(c.charged + _slackGas() * c.feePerGas, c.taken, "the project pays at least what the deposit paid");
    }

    /// @dev How far above the cost a charge may be: the penalty's rounding (a gas or two) and the
    /// EntryPoint's gas-price branches (the overhead constants are each its most expensive one).
    uint256 internal constant ROUNDING_GAS = 2;
    uint256 internal constant FEE_BRANCH_GAS = 50;

    function _assertV07ChargeMatchesTheEntryPointArithmetic(Op memory o, Costs memory c) internal view {
        _assertV07ChargeMatchesTheEntryPointArithmetic(o, c, ROUNDING_GAS + FEE_BRANCH_GAS);
    }

    /// @dev Replays v0.7's arithmetic: gasUsed = A + W + penalty(A + W - preOpGas), where A is the
    /// gas postOp was told of and W the gas of the postOp window. Solves W from the EntryPoint's
    /// figures, then the charge postOp should have made with the same W but its preOpGas bound.
    /// The two differ only by (bound - preOpGas) / 10 and `tolerance` (upper-bound tails).
    function _assertV07ChargeMatchesTheEntryPointArithmetic(Op memory o, Costs memory c, uint256 tolerance)
        internal
        view
    {
        uint256 executionLimit = uint256(o.callGasLimit) + o.paymasterPostOpGasLimit;
        uint256 window = _solveWindowGas(c.gasUsed - c.gasBeforePostOp, c.gasBeforePostOp, c.preOpGas, executionLimit);
        assertEq(
            c.gasBeforePostOp + window + _penalty(c.gasBeforePostOp + window, c.preOpGas, executionLimit),
            c.gasUsed,
            "window solved"
        );
        uint256 bound_ = o.preVerificationGas + o.verificationGasLimit + o.paymasterVerificationGasLimit
            + paymaster07.VALIDATION_GAS_MARGIN();
        uint256 expected = c.gasBeforePostOp + window + _penalty(c.gasBeforePostOp + window, bound_, executionLimit);
        uint256 maxCostGas = _maxCost(o) / c.feePerGas;
        if (expected > maxCostGas) expected = maxCostGas;
        uint256 chargedGas = c.charged / c.feePerGas;
        assertGe(chargedGas + _slackGas(), expected, "postOp's window estimate is not below the EntryPoint's");
        assertLe(chargedGas, expected + tolerance + _slackGas(), "nor above it");
    }

    function _penalty(uint256 gasSoFar, uint256 preOpGas, uint256 executionLimit) internal pure returns (uint256) {
        uint256 executionGas = gasSoFar > preOpGas ? gasSoFar - preOpGas : 0;
        return executionLimit > executionGas ? (executionLimit - executionGas) * 10 / 100 : 0;
    }

    /// @dev The W with W + penalty(A + W) == total (W + penalty grows with W: binary search).
    function _solveWindowGas(uint256 total, uint256 a, uint256 preOpGas, uint256 executionLimit)
        internal
        pure
        returns (uint256 low)
    {
        uint256 high = total;
        while (low < high) {
            uint256 middle = (low + high) / 2;
            if (middle + _penalty(a + middle, preOpGas, executionLimit) < total) low = middle + 1;
            else high = middle;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 RUNNING
    //////////////////////////////////////////////////////////////*/

    function _op07(address sender) internal view returns (Op memory o) {
        o = _op(sender);
        o.nonce = probe07.getNonce(sender, 0);
        o.callGasLimit = 20_000;
    }

    function _op08(uint256 salt) internal returns (Op memory o) {
        address sender = factory08.getAddress(accountOwner, salt);
        if (sender.code.length == 0) {
            vm.prank(address(factory08.senderCreator()));
            factory08.createAccount(accountOwner, salt);
        }
        o = _op(sender);
        o.nonce = probe08.getNonce(sender, 0);
        o.callGasLimit = 20_000;
    }

    function _sponsoredBy(OneKeyPaymaster pm, Op memory o) internal view returns (PackedUserOperation memory) {
        Sponsorship memory s = _sponsorship(projectA);
        bytes memory signature = _signDigest(sponsorKey, _digest(o, s, block.chainid, address(pm)));
        return _pack(o, address(pm), _paymasterData(s, signature));
    }

    function _run07(Op memory o) internal returns (Costs memory) {
        PackedUserOperation memory p = _signedByAccount(IEntryPoint(address(probe07)), _sponsoredBy(paymaster07, o));
        return _run(IEntryPoint(address(probe07)), paymaster07, p);
    }

    function _run08(Op memory o) internal returns (Costs memory) {
        PackedUserOperation memory p = _sponsoredBy(paymaster08, o);
        // v0.8 SimpleAccount signs the EIP-712 userOpHash itself.
        p.signature = _signDigest(accountOwnerKey, IEntryPoint(address(probe08)).getUserOpHash(p));
        return _run(IEntryPoint(address(probe08)), paymaster08, p);
    }

    function _run(IEntryPoint entryPoint_, OneKeyPaymaster pm, PackedUserOperation memory p)
        internal
        returns (Costs memory c)
    {
        uint256 balanceBefore = pm.projectBudget(projectA).balance;
        uint256 depositBefore = entryPoint_.balanceOf(address(pm));
        vm.recordLogs();
        vm.startStateDiffRecording();
        _handle(entryPoint_, p);
        VmSafe.AccountAccess[] memory accesses = vm.stopAndReturnStateDiff();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            bytes32 topic = logs[i].topics[0];
            if (topic == IOneKeyPaymaster.OperationSponsored.selector) {
                (, c.charged) = abi.decode(logs[i].data, (bytes32, uint256));
            } else if (topic == IEntryPoint.UserOperationEvent.selector) {
                (, c.success, c.taken, c.gasUsed) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
            } else if (topic == IPreOpGasProbe.PreOpGas.selector) {
                c.preOpGas = abi.decode(logs[i].data, (uint256));
            }
        }
        c.feePerGas = c.taken / c.gasUsed;
        for (uint256 i; i < accesses.length; ++i) {
            VmSafe.AccountAccess memory access = accesses[i];
            if (access.account == address(pm) && access.kind == VmSafe.AccountAccessKind.Call && _isPostOp(access.data)) {
                (,, uint256 actualGasCost,) = abi.decode(_arguments(access.data), (IPaymaster.PostOpMode, bytes, uint256, uint256));
                c.gasBeforePostOp = actualGasCost / c.feePerGas;
            }
        }
        assertGt(c.gasBeforePostOp, 0, "postOp ran");
        // The two sides of the ledger are what the events say.
        assertEq(pm.projectBudget(projectA).balance, balanceBefore - c.charged, "project charged the reported cost");
        assertEq(entryPoint_.balanceOf(address(pm)), depositBefore - c.taken, "deposit paid the EntryPoint's cost");
    }

    function _isPostOp(bytes memory data) internal pure returns (bool) {
        return data.length >= 4 && bytes4(data) == IPaymaster.postOp.selector;
    }

    function _arguments(bytes memory data) internal pure returns (bytes memory arguments) {
        arguments = new bytes(data.length - 4);
        for (uint256 i; i < arguments.length; ++i) {
            arguments[i] = data[i + 4];
        }
    }

    function _setPolicy(OneKeyPaymaster pm, uint96 perUserCap, uint96 periodCap, uint32 periodSeconds, uint96 maxOpCost)
        internal
    {
        vm.prank(sponsorManager);
        pm.setSponsorshipPolicy(
            projectA,
            IOneKeyPaymaster.SponsorshipPolicy({
                perUserCap: perUserCap,
                periodCap: periodCap,
                periodSeconds: periodSeconds,
                maxOpCost: maxOpCost
            })
        );
    }
}
