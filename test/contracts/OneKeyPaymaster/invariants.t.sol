// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {PaymasterBase} from "./PaymasterBase.sol";
import {PaymasterHandler} from "./PaymasterHandler.sol";

/// @notice What must hold after any sequence of funding, withdrawals, sponsored operations,
/// reserve moves, suspensions and time travel.
contract PaymasterInvariantsTest is PaymasterBase {
    PaymasterHandler internal handler;

    function setUp() public override {
        super.setUp();
        vm.prank(orgOwner);
        projects.grantRole(projectB, sponsorManager, ProjectRoles.SPONSOR_MANAGER);
        _fund(projectB, BUDGET);
        vm.deal(paymasterOwner, 2 ether);
        vm.prank(paymasterOwner);
        paymaster.depositReserve{value: 2 ether}();

        uint64[] memory ids = new uint64[](2);
        ids[0] = projectA;
        ids[1] = projectB;
        address[] memory accounts = new address[](3);
        uint256[] memory keys = new uint256[](3);
        for (uint256 i; i < 3; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("invariantOwner", vm.toString(i)));
            accounts[i] = address(factory.createAccount(owner, 0));
            keys[i] = key;
        }
        handler = new PaymasterHandler(
            entryPoint, paymaster, projects, sponsorManager, governance, paymasterOwner, sponsorKey, ids, accounts, keys
        );
        targetContract(address(handler));
    }

    /// @dev The handler's sponsor action really goes through handleOps and charges the project
    /// (otherwise the invariants below could hold vacuously).
    function test_handler_sponsorChargesTheProject() public {
        uint256 before = paymaster.projectBudget(projectA).balance;
        // maxFee and priority fee 1 gwei, the smallest gas limits, the default bundler.
        handler.sponsor(0, 0, (1 gwei << 64) | 1 gwei, 0, address(0), false);
        assertEq(handler.sponsoredOps(), 1);
        assertLt(paymaster.projectBudget(projectA).balance, before);
        assertEq(paymaster.projectBudget(projectA).balance, handler.ghostBalance(projectA));
    }

    function _sumOfBalances() internal view returns (uint256 sum) {
        uint64[] memory ids = handler.projectIds();
        for (uint256 i; i < ids.length; ++i) {
            sum += paymaster.projectBudget(ids[i]).balance;
        }
    }

    /// @notice deposit == sum(project balances) + reserve + drift, to the wei.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 30
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_depositIsBudgetsPlusReservePlusDrift() public view {
        int256 deposit = int256(entryPoint.balanceOf(address(paymaster)));
        int256 accounted = int256(_sumOfBalances() + paymaster.reserve()) + handler.ghostDrift();
        assertEq(deposit, accounted);
    }

    /// @notice Every project holds exactly funded - withdrawn - charged: no reservation is ever
    /// left behind and no project pays for another.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 30
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_eachBalanceMatchesItsLedger() public view {
        uint64[] memory ids = handler.projectIds();
        for (uint256 i; i < ids.length; ++i) {
            assertEq(paymaster.projectBudget(ids[i]).balance, handler.ghostBalance(ids[i]));
        }
    }

    /// @notice Whatever the signer signed (gas limits, fees, beneficiaries), the deposit never paid
    /// for a project: no operation took more from it than its project was charged, so the deposit
    /// covers every budget and the reserve.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 30
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_depositCoversBudgetsPlusReserve() public view {
        assertEq(handler.ghostShortfall(), _coverageShortfallAllowance(), "an operation took more than its charge");
        assertGe(entryPoint.balanceOf(address(paymaster)) + _coverageShortfallAllowance(), _sumOfBalances() + paymaster.reserve());
    }

    /// @dev Coverage instrumentation makes postOp's unmeasured tail longer than its constant.
    function _coverageShortfallAllowance() internal view returns (uint256) {
        return vm.envOr("ONEKEY_COVERAGE", false) ? handler.ghostShortfall() : 0;
    }

    /// @notice The deposit always covers every project's balance.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 30
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_depositCoversAllBudgets() public view {
        assertGe(entryPoint.balanceOf(address(paymaster)), _sumOfBalances());
    }
}
