// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {VerifyingPaymaster} from "@account-abstraction/contracts-v07/samples/VerifyingPaymaster.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Op, PaymasterBase} from "./PaymasterBase.sol";

/// @notice Gas of the sponsored path, written to snapshots/OneKeyPaymaster.json by
/// `hardhat test solidity --snapshot` and checked by `--snapshot-check`, beside the same
/// operation sponsored by eth-infinitism's sample VerifyingPaymaster and paid by the account.
/// @dev Isolated: each top-level call is its own transaction (21,000 and calldata included).
/// Each figure is an account's second operation, so nonce and budget slots start non-zero.
contract OneKeyPaymasterGasTest is PaymasterBase {
    string internal constant GROUP = "OneKeyPaymaster";

    /// hardhat-config: isolate = true
    function test_gas_handleOps_sponsored() public {
        _handle(_signedByAccount(_sponsored(_op(account))));
        PackedUserOperation memory p = _signedByAccount(_sponsored(_op(account)));
        _handle(p);
        vm.snapshotGasLastCall(GROUP, "handleOps_sponsored");
        assertEq(entryPoint.getNonce(account, 0), 2);
    }

    /// hardhat-config: isolate = true
    function test_gas_handleOps_referenceVerifyingPaymaster() public {
        (address referenceSigner, uint256 referenceKey) = makeAddrAndKey("referenceSigner");
        VerifyingPaymaster sample = new VerifyingPaymaster(entryPoint, referenceSigner);
        sample.deposit{value: 1 ether}();
        _handle(_referenceOp(sample, referenceKey));
        PackedUserOperation memory p = _referenceOp(sample, referenceKey);
        _handle(p);
        vm.snapshotGasLastCall(GROUP, "handleOps_reference");
        assertEq(entryPoint.getNonce(account, 0), 2);
    }

    /// hardhat-config: isolate = true
    function test_gas_handleOps_accountPays() public {
        vm.deal(account, 1 ether);
        _handle(_selfPaid());
        PackedUserOperation memory p = _selfPaid();
        _handle(p);
        vm.snapshotGasLastCall(GROUP, "handleOps_accountPays");
        assertEq(entryPoint.getNonce(account, 0), 2);
    }

    function _selfPaid() internal view returns (PackedUserOperation memory p) {
        p = _pack(_op(account), address(0), "");
        p.paymasterAndData = "";
        p = _signedByAccount(p);
    }

    /// @dev The sample's layout: paymaster | gas limits | abi.encode(validUntil, validAfter) | signature
    /// over its own getHash, as an eth_sign message.
    function _referenceOp(VerifyingPaymaster sample, uint256 key) internal view returns (PackedUserOperation memory p) {
        Op memory o = _op(account);
        o.paymasterPostOpGasLimit = 0;
        uint48 validUntil = uint48(block.timestamp + 1 hours);
        uint48 validAfter = uint48(block.timestamp - 1);
        bytes memory window = abi.encode(validUntil, validAfter);
        p = _pack(o, address(sample), window);
        bytes32 hash = MessageHashUtils.toEthSignedMessageHash(sample.getHash(p, validUntil, validAfter));
        p.paymasterAndData = bytes.concat(p.paymasterAndData, _signDigest(key, hash));
        p = _signedByAccount(p);
    }
}
