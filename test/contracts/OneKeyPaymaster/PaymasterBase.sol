// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EntryPoint} from "@account-abstraction/contracts-v07/core/EntryPoint.sol";
import {IEntryPoint} from "@account-abstraction/contracts-v07/interfaces/IEntryPoint.sol";
import {PackedUserOperation} from "@account-abstraction/contracts-v07/interfaces/PackedUserOperation.sol";
import {SimpleAccount} from "@account-abstraction/contracts-v07/samples/SimpleAccount.sol";
import {SimpleAccountFactory} from "@account-abstraction/contracts-v07/samples/SimpleAccountFactory.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IOneKeyPaymaster} from "../../../contracts/interfaces/IOneKeyPaymaster.sol";
import {IProjectRegistry} from "../../../contracts/interfaces/IProjectRegistry.sol";
import {ProjectRoles} from "../../../contracts/libraries/ProjectRoles.sol";
import {OneKeyPaymaster} from "../../../contracts/paymaster/OneKeyPaymaster.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice The user-operation fields a test controls, unpacked.
struct Op {
    address sender;
    uint256 nonce;
    bytes initCode;
    bytes callData;
    uint128 verificationGasLimit;
    uint128 callGasLimit;
    uint256 preVerificationGas;
    uint128 maxPriorityFeePerGas;
    uint128 maxFeePerGas;
    uint128 paymasterVerificationGasLimit;
    uint128 paymasterPostOpGasLimit;
}

/// @notice What the sponsorship signer decides besides the operation.
struct Sponsorship {
    uint64 projectId;
    uint48 validUntil;
    uint48 validAfter;
}

/// @notice Shared fixture: the registries of BaseTest, a real EntryPoint v0.7, a SimpleAccount
/// factory, a staked OneKeyPaymaster with project A funded and a sponsor manager, and helpers
/// that build, sponsor and sign user operations from the spec (not from the contract).
abstract contract PaymasterBase is BaseTest {
    EntryPoint internal entryPoint;
    SimpleAccountFactory internal factory;
    OneKeyPaymaster internal paymaster;

    address internal paymasterOwner = makeAddr("paymasterOwner");
    address internal sponsorManager = makeAddr("sponsorManager");
    address internal funder = makeAddr("funder");
    address payable internal bundler = payable(makeAddr("bundler"));
    address internal sponsorSigner;
    uint256 internal sponsorKey;
    address internal accountOwner;
    uint256 internal accountOwnerKey;
    /// @dev An existing SimpleAccount holding no ETH.
    address internal account;

    /// @dev The paymaster's per-operation limit for projects that set none (as deployed).
    uint256 internal constant DEFAULT_MAX_OP_COST = 0.01 ether;
    uint256 internal constant BUDGET = 1 ether;
    uint128 internal constant PM_VERIFICATION_GAS = 60_000;
    uint128 internal constant PM_POST_OP_GAS = 15_000;

    /// @dev Written out from the spec, independently of the contract's constant.
    bytes32 internal constant SPONSORED_TYPEHASH = keccak256(
        "SponsoredUserOperation(address sender,uint256 nonce,bytes initCode,bytes callData,uint128 verificationGasLimit,uint128 callGasLimit,uint256 preVerificationGas,uint128 maxPriorityFeePerGas,uint128 maxFeePerGas,uint128 paymasterVerificationGasLimit,uint128 paymasterPostOpGasLimit,uint64 projectId,uint48 validUntil,uint48 validAfter)"
    );

    function setUp() public virtual override {
        super.setUp();
        (sponsorSigner, sponsorKey) = makeAddrAndKey("sponsorSigner");
        (accountOwner, accountOwnerKey) = makeAddrAndKey("accountOwner");

        entryPoint = new EntryPoint();
        factory = new SimpleAccountFactory(entryPoint);
        paymaster = _deployPaymaster(address(entryPoint));

        vm.deal(paymasterOwner, 10 ether);
        vm.prank(paymasterOwner);
        paymaster.addStake{value: 1 ether}(1 days);

        vm.prank(orgOwner);
        projects.grantRole(projectA, sponsorManager, ProjectRoles.SPONSOR_MANAGER);
        _fund(projectA, BUDGET);

        account = address(factory.createAccount(accountOwner, 0));
    }

    function _deployPaymaster(address entryPoint_) internal returns (OneKeyPaymaster) {
        return new OneKeyPaymaster(IEntryPoint(entryPoint_), projects, paymasterOwner, sponsorSigner, DEFAULT_MAX_OP_COST);
    }

    function _fund(uint64 projectId, uint256 amount) internal {
        vm.deal(funder, amount);
        vm.prank(funder);
        paymaster.fundProject{value: amount}(projectId);
    }

    function _balance(uint64 projectId) internal view returns (uint256) {
        return paymaster.projectBudget(projectId).balance;
    }

    /*//////////////////////////////////////////////////////////////
                            BUILDING OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev A plain call from `sender`: SimpleAccount.execute(stranger, 0, "").
    function _op(address sender) internal view returns (Op memory) {
        return Op({
            sender: sender,
            nonce: entryPoint.getNonce(sender, 0),
            initCode: "",
            callData: abi.encodeCall(SimpleAccount.execute, (stranger, 0, "")),
            verificationGasLimit: 150_000,
            callGasLimit: 50_000,
            preVerificationGas: 50_000,
            maxPriorityFeePerGas: 1 gwei,
            maxFeePerGas: 2 gwei,
            paymasterVerificationGasLimit: PM_VERIFICATION_GAS,
            paymasterPostOpGasLimit: PM_POST_OP_GAS
        });
    }

    /// @dev The window a service would sign now.
    function _sponsorship(uint64 projectId) internal view returns (Sponsorship memory) {
        return Sponsorship({
            projectId: projectId,
            validUntil: uint48(block.timestamp + 1 hours),
            validAfter: uint48(block.timestamp - 1)
        });
    }

    /// @dev The maximum cost the EntryPoint reserves for `o` (every gas limit at maxFeePerGas).
    function _maxCost(Op memory o) internal pure returns (uint256) {
        return (
            uint256(o.verificationGasLimit) + o.callGasLimit + o.paymasterVerificationGasLimit
                + o.paymasterPostOpGasLimit + o.preVerificationGas
        ) * o.maxFeePerGas;
    }

    /// @dev The EIP-712 digest of the spec, for `chainId_` and `paymaster_`.
    function _digest(Op memory o, Sponsorship memory s, uint256 chainId_, address paymaster_)
        internal
        pure
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    SPONSORED_TYPEHASH, o.sender, o.nonce, keccak256(o.initCode), keccak256(o.callData)
                ),
                abi.encode(
                    o.verificationGasLimit,
                    o.callGasLimit,
                    o.preVerificationGas,
                    o.maxPriorityFeePerGas,
                    o.maxFeePerGas,
                    o.paymasterVerificationGasLimit,
                    o.paymasterPostOpGasLimit,
                    s.projectId,
                    s.validUntil,
                    s.validAfter
                )
            )
        );
        bytes32 domainSeparator = keccak256(
            abi.encode(
                EIP712_DOMAIN_TYPEHASH, keccak256("OneKeyPaymaster"), keccak256("1"), chainId_, paymaster_
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    /// @dev paymasterData as the spec lays it out: projectId | validUntil | validAfter | signature.
    function _paymasterData(Sponsorship memory s, bytes memory signature) internal pure returns (bytes memory) {
        return abi.encodePacked(s.projectId, s.validUntil, s.validAfter, signature);
    }

    function _pack(Op memory o, address paymaster_, bytes memory paymasterData)
        internal
        pure
        returns (PackedUserOperation memory)
    {
        return PackedUserOperation({
            sender: o.sender,
            nonce: o.nonce,
            initCode: o.initCode,
            callData: o.callData,
            accountGasLimits: bytes32((uint256(o.verificationGasLimit) << 128) | o.callGasLimit),
            preVerificationGas: o.preVerificationGas,
            gasFees: bytes32((uint256(o.maxPriorityFeePerGas) << 128) | o.maxFeePerGas),
            paymasterAndData: abi.encodePacked(
                paymaster_, o.paymasterVerificationGasLimit, o.paymasterPostOpGasLimit, paymasterData
            ),
            signature: ""
        });
    }

    /// @dev `o` sponsored by `signerKey` for this chain and `paymaster`.
    function _sponsored(Op memory o, Sponsorship memory s, uint256 signerKey)
        internal
        view
        returns (PackedUserOperation memory)
    {
        bytes memory signature = _signDigest(signerKey, _digest(o, s, block.chainid, address(paymaster)));
        return _pack(o, address(paymaster), _paymasterData(s, signature));
    }

    function _sponsored(Op memory o) internal view returns (PackedUserOperation memory) {
        return _sponsored(o, _sponsorship(projectA), sponsorKey);
    }

    /// @dev The account owner's signature over the EntryPoint's userOpHash (SimpleAccount scheme).
    function _signedByAccount(IEntryPoint entryPoint_, PackedUserOperation memory p)
        internal
        view
        returns (PackedUserOperation memory)
    {
        bytes32 userOpHash = entryPoint_.getUserOpHash(p);
        p.signature = _signDigest(accountOwnerKey, MessageHashUtils.toEthSignedMessageHash(userOpHash));
        return p;
    }

    function _signedByAccount(PackedUserOperation memory p) internal view returns (PackedUserOperation memory) {
        return _signedByAccount(entryPoint, p);
    }

    function _handle(IEntryPoint entryPoint_, PackedUserOperation memory p) internal {
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = p;
        vm.prank(bundler, bundler);
        entryPoint_.handleOps(ops, bundler);
    }

    function _handle(PackedUserOperation memory p) internal {
        _handle(entryPoint, p);
    }

    /// @dev Calls validation as the EntryPoint would, with the maximum cost it would pass.
    function _validate(PackedUserOperation memory p, uint256 maxCost)
        internal
        returns (bytes memory context, uint256 validationData)
    {
        vm.prank(address(entryPoint));
        return paymaster.validatePaymasterUserOp(p, keccak256(abi.encode(p.sender, p.nonce)), maxCost);
    }

    /// @dev The FailedOp revert of EntryPoint v0.7 for operation 0.
    function _failedOp(string memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, reason);
    }

    function _failedOpWithRevert(string memory reason, bytes memory inner) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IEntryPoint.FailedOpWithRevert.selector, 0, reason, inner);
    }

    /// @dev Validation data the spec says a paymaster returns.
    function _validationData(bool sigFailed, Sponsorship memory s) internal pure returns (uint256) {
        return (sigFailed ? 1 : 0) | (uint256(s.validUntil) << 160) | (uint256(s.validAfter) << 208);
    }
}
