/**
 * Known account implementations. The policy reads the calls an operation makes from its
 * callData; that means something only when the sender's code really executes what its callData
 * says. So the service sponsors only senders whose code it knows:
 *
 *  - undeployed senders: an allowed factory, and factoryData that can only deploy a known
 *    account (decoded and checked argument by argument: no setup hooks, modules or calls);
 *  - deployed senders: a known proxy (its executable code, metadata aside) pointing at an
 *    allowed implementation (ERC-1967 slot, or a Safe's singleton slot and fallback handler).
 *
 * SimpleAccount v0.7 is tested end to end on the local chain; Kernel v3, Safe 4337 and Coinbase
 * Smart Wallet checks are tested offline against factoryData their SDKs produce.
 */

import { ERC1967_IMPLEMENTATION_SLOT, executableCode, OZ_ERC1967_PROXY_CODE } from "@onekey/service-kit/account-code";
import {
  type Address,
  decodeFunctionData,
  getAddress,
  type Hex,
  hexToNumber,
  isAddressEqual,
  keccak256,
  type PublicClient,
  parseAbi,
  size,
  slice,
  toHex,
  zeroAddress,
} from "viem";
import type { IssuerConfig } from "../config.js";
import { EXECUTE_FORMS, type ExecuteForm } from "./account-calls.js";
import { SponsorshipRefused } from "./policy.js";

export type AccountKind = "simple-account-v07" | "kernel-v3" | "safe-4337" | "coinbase-smart-wallet";

export interface KnownAccount {
  kind: AccountKind;
  /** Whether the operation deploys the sender (factory + factoryData). */
  deploys: boolean;
  forms: readonly ExecuteForm[];
}

/** The allow lists (from configuration) and the implementations the SimpleAccount factories use. */
export interface AccountAllowList {
  simpleAccountFactories: readonly Address[];
  simpleAccountImplementations: readonly Address[];
  kernelFactories: readonly Address[];
  kernelImplementations: readonly Address[];
  kernelValidators: readonly Address[];
  safeProxyFactories: readonly Address[];
  safeSingletons: readonly Address[];
  safe4337Modules: readonly Address[];
  safeSetupContracts: readonly Address[];
  coinbaseFactories: readonly Address[];
  coinbaseImplementations: readonly Address[];
}

/** ERC-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1. */
export { ERC1967_IMPLEMENTATION_SLOT, executableCode } from "@onekey/service-kit/account-code";
/** Safe's fallback handler slot: keccak256("fallback_manager.handler.address"). */
export const SAFE_FALLBACK_HANDLER_SLOT: Hex = "0x6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5";

/**
 * Executable code of the proxies the supported factories deploy (Solidity's CBOR metadata
 * stripped: it is never executed, and differs between otherwise identical builds).
 */
export const PROXY_CODE = {
  /** OpenZeppelin 5.0 ERC1967Proxy, deployed by SimpleAccountFactory v0.7 (read from the canonical factory's accounts). */
  ozErc1967: OZ_ERC1967_PROXY_CODE,
  /** Solady LibClone ERC1967 proxy (Kernel v3's and Coinbase Smart Wallet's factories). */
  soladyErc1967:
    "0x363d3d373d3d363d7f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc545af43d6000803e6038573d6000fd5b3d6000f3",
  /** SafeProxy 1.4.1 (@safe-global/safe-contracts 1.4.1 build). */
  safeProxy:
    "0x608060405273ffffffffffffffffffffffffffffffffffffffff600054167fa619486e0000000000000000000000000000000000000000000000000000000060003514156050578060005260206000f35b3660008037600080366000845af43d6000803e60008114156070573d6000fd5b3d6000f3fe",
} as const satisfies Record<string, Hex>;

const simpleAccountFactoryAbi = parseAbi([
  "function createAccount(address owner, uint256 salt) returns (address)",
  "function accountImplementation() view returns (address)",
]);
const kernelFactoryAbi = parseAbi([
  "function createAccount(bytes data, bytes32 salt) payable returns (address)",
  "function deployWithFactory(address factory, bytes createData, bytes32 salt) payable returns (address)",
]);
const kernelAccountAbi = parseAbi([
  "function initialize(bytes21 rootValidator, address hook, bytes validatorData, bytes hookData, bytes[] initConfig)",
  "function initialize(bytes21 rootValidator, address hook, bytes validatorData, bytes hookData)",
]);
const safeAbi = parseAbi([
  "function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) returns (address)",
  "function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)",
  "function enableModules(address[] modules)",
  "function multiSend(bytes transactions) payable",
]);
const coinbaseFactoryAbi = parseAbi([
  "function createAccount(bytes[] owners, uint256 nonce) payable returns (address)",
]);

/** Kernel v3 ValidationId of a root validator module: type 0x01 (validator) then its address. */
const KERNEL_VALIDATION_TYPE_VALIDATOR = "0x01";

const refuse = (reason: string, message: string): never => {
  throw new SponsorshipRefused(reason, message);
};

function decodeOrRefuse<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch {
    return refuse("factory_data_unsupported", `factoryData is not ${what}`);
  }
}

const includes = (list: readonly Address[], item: Address) => list.some((a) => isAddressEqual(a, item));

function checkKernelInit(data: Hex, allow: AccountAllowList): void {
  const { args } = decodeOrRefuse(() => decodeFunctionData({ abi: kernelAccountAbi, data }), "a Kernel initialize");
  const [rootValidator, hook, validatorData, hookData] = args;
  const initConfig = args.length === 5 ? args[4] : [];
  if (slice(rootValidator, 0, 1) !== KERNEL_VALIDATION_TYPE_VALIDATOR) {
    refuse("factory_data_unsupported", "A new Kernel's root validator must be a validator module");
  }
  const validator = getAddress(slice(rootValidator, 1, 21));
  if (!includes(allow.kernelValidators, validator)) {
    refuse("factory_data_unsupported", `Kernel root validator ${validator} is not an allowed ECDSA validator`);
  }
  // A hook or init calls would run code the service cannot see on every sponsored operation.
  if (hook !== zeroAddress || hookData !== "0x" || initConfig.length > 0) {
    refuse("factory_data_unsupported", "A new Kernel may not install hooks or run init calls");
  }
  if (size(validatorData) !== 20)
    refuse("factory_data_unsupported", "Kernel ECDSA validator data must be an owner address");
}

/** One MultiSend transaction: operation (1) | to (20) | value (32) | data length (32) | data. */
function decodeMultiSend(transactions: Hex): { operation: number; to: Address; value: bigint; data: Hex }[] {
  const out: { operation: number; to: Address; value: bigint; data: Hex }[] = [];
  let offset = 0;
  const total = size(transactions);
  while (offset < total) {
    if (offset + 85 > total) refuse("factory_data_unsupported", "MultiSend transactions are truncated");
    const length = Number(BigInt(slice(transactions, offset + 53, offset + 85)));
    if (offset + 85 + length > total) refuse("factory_data_unsupported", "MultiSend transaction data is truncated");
    out.push({
      operation: hexToNumber(slice(transactions, offset, offset + 1)),
      to: getAddress(slice(transactions, offset + 1, offset + 21)),
      value: BigInt(slice(transactions, offset + 21, offset + 53)),
      data: length ? slice(transactions, offset + 85, offset + 85 + length) : "0x",
    });
    offset += 85 + length;
  }
  return out;
}

function checkSafeInit(initializer: Hex, allow: AccountAllowList): void {
  const { functionName, args } = decodeOrRefuse(
    () => decodeFunctionData({ abi: safeAbi, data: initializer }),
    "a Safe setup",
  );
  if (functionName !== "setup")
    throw new SponsorshipRefused("factory_data_unsupported", "A new Safe's initializer must be setup()");
  const [owners, threshold, to, data, fallbackHandler, paymentToken, payment, paymentReceiver] = args;
  if (!includes(allow.safe4337Modules, fallbackHandler)) {
    refuse("factory_data_unsupported", `Safe fallback handler ${fallbackHandler} is not an allowed 4337 module`);
  }
  if (paymentToken !== zeroAddress || payment !== 0n || paymentReceiver !== zeroAddress) {
    refuse("factory_data_unsupported", "A new Safe may not pay anyone at setup");
  }
  if (owners.length === 0 || threshold === 0n || threshold > BigInt(owners.length)) {
    refuse("factory_data_unsupported", "A new Safe needs owners and a threshold between 1 and their number");
  }
  // The setup delegatecall must only enable the 4337 module: directly, or as the one MultiSend entry.
  const enablesOnlyTheModule = (target: Address, callData: Hex) => {
    if (!includes(allow.safeSetupContracts, target)) return false;
    const decoded = decodeOrRefuse(() => decodeFunctionData({ abi: safeAbi, data: callData }), "a Safe module setup");
    return (
      decoded.functionName === "enableModules" &&
      decoded.args[0].length === 1 &&
      isAddressEqual(decoded.args[0][0] as Address, fallbackHandler)
    );
  };
  const decoded = decodeOrRefuse(() => decodeFunctionData({ abi: safeAbi, data }), "a Safe module setup");
  let ok = false;
  if (decoded.functionName === "multiSend" && includes(allow.safeSetupContracts, to)) {
    const transactions = decodeMultiSend(decoded.args[0]);
    const [only] = transactions;
    ok =
      transactions.length === 1 &&
      only !== undefined &&
      only.operation === 1 &&
      only.value === 0n &&
      enablesOnlyTheModule(only.to, only.data);
  } else {
    ok = enablesOnlyTheModule(to, data);
  }
  if (!ok) refuse("factory_data_unsupported", "A new Safe's setup may only enable the 4337 module");
}

function checkFactory(factory: Address, factoryData: Hex, allow: AccountAllowList): AccountKind {
  if (includes(allow.simpleAccountFactories, factory)) {
    const { functionName } = decodeOrRefuse(
      () => decodeFunctionData({ abi: simpleAccountFactoryAbi, data: factoryData }),
      "SimpleAccountFactory.createAccount",
    );
    if (functionName !== "createAccount") refuse("factory_data_unsupported", "Use createAccount(owner, salt)");
    return "simple-account-v07";
  }
  if (includes(allow.kernelFactories, factory)) {
    const decoded = decodeOrRefuse(
      () => decodeFunctionData({ abi: kernelFactoryAbi, data: factoryData }),
      "a Kernel factory call",
    );
    if (decoded.functionName === "deployWithFactory") {
      const [inner, createData] = decoded.args;
      if (!includes(allow.kernelFactories, inner)) {
        refuse("factory_data_unsupported", `Kernel factory ${inner} is not allowed`);
      }
      checkKernelInit(createData, allow);
    } else {
      checkKernelInit(decoded.args[0], allow);
    }
    return "kernel-v3";
  }
  if (includes(allow.safeProxyFactories, factory)) {
    const decoded = decodeOrRefuse(
      () => decodeFunctionData({ abi: safeAbi, data: factoryData }),
      "a Safe factory call",
    );
    if (decoded.functionName !== "createProxyWithNonce") {
      return refuse("factory_data_unsupported", "Use SafeProxyFactory.createProxyWithNonce");
    }
    const [singleton, initializer] = decoded.args;
    if (!includes(allow.safeSingletons, singleton)) {
      refuse("factory_data_unsupported", `Safe singleton ${singleton} is not allowed`);
    }
    checkSafeInit(initializer, allow);
    return "safe-4337";
  }
  if (includes(allow.coinbaseFactories, factory)) {
    const { args } = decodeOrRefuse(
      () => decodeFunctionData({ abi: coinbaseFactoryAbi, data: factoryData }),
      "CoinbaseSmartWalletFactory.createAccount",
    );
    const [owners] = args;
    // An owner is an address (32 bytes, ABI-encoded) or a passkey's public key (64 bytes).
    if (owners.length === 0 || owners.some((o) => size(o) !== 32 && size(o) !== 64)) {
      refuse("factory_data_unsupported", "Coinbase Smart Wallet owners must be addresses or passkey public keys");
    }
    return "coinbase-smart-wallet";
  }
  return refuse("factory_not_allowed", `Account factory ${factory} is not sponsored`);
}

const slotAddress = (word: Hex | undefined): Address =>
  getAddress(toHex(BigInt(word ?? "0x0") & ((1n << 160n) - 1n), { size: 20 }));

async function checkDeployed(client: PublicClient, sender: Address, allow: AccountAllowList): Promise<AccountKind> {
  const code = await client.getCode({ address: sender });
  if (!code || code === "0x") {
    return refuse("sender_not_deployed", `${sender} has no code and the operation deploys nothing`);
  }
  const executable = executableCode(code).toLowerCase();
  const read = (slot: Hex) => client.getStorageAt({ address: sender, slot });
  if (executable === PROXY_CODE.ozErc1967) {
    const implementation = slotAddress(await read(ERC1967_IMPLEMENTATION_SLOT));
    if (includes(allow.simpleAccountImplementations, implementation)) return "simple-account-v07";
    return refuse("account_not_supported", `${sender} is a proxy of ${implementation}, not of a known account`);
  }
  if (executable === PROXY_CODE.soladyErc1967) {
    const implementation = slotAddress(await read(ERC1967_IMPLEMENTATION_SLOT));
    if (includes(allow.kernelImplementations, implementation)) return "kernel-v3";
    if (includes(allow.coinbaseImplementations, implementation)) return "coinbase-smart-wallet";
    return refuse("account_not_supported", `${sender} is a proxy of ${implementation}, not of a known account`);
  }
  if (executable === PROXY_CODE.safeProxy) {
    const [singleton, handler] = await Promise.all([read(toHex(0, { size: 32 })), read(SAFE_FALLBACK_HANDLER_SLOT)]);
    if (!includes(allow.safeSingletons, slotAddress(singleton))) {
      return refuse("account_not_supported", `${sender} is a Safe of an unknown singleton`);
    }
    // executeUserOp reaches the Safe's fallback handler: it must be the 4337 module.
    if (!includes(allow.safe4337Modules, slotAddress(handler))) {
      return refuse("account_not_supported", `${sender} is a Safe whose fallback handler is not the 4337 module`);
    }
    return "safe-4337";
  }
  return refuse(
    "account_not_supported",
    `${sender} is not a known smart-account implementation (code ${keccak256(code)})`,
  );
}

/** Identifies the sender's account kind, or refuses an unknown one. */
export async function identifyAccount(
  op: { sender: Address; factory?: Address | null | undefined; factoryData?: Hex | null | undefined },
  client: PublicClient,
  allow: AccountAllowList,
): Promise<KnownAccount> {
  let kind: AccountKind;
  let deploys = false;
  if (op.factory) {
    kind = checkFactory(op.factory, op.factoryData ?? "0x", allow);
    deploys = true;
  } else {
    kind = await checkDeployed(client, op.sender, allow);
  }
  return { kind, deploys, forms: EXECUTE_FORMS[kind] ?? [] };
}

/** The allow lists of `config`, with each SimpleAccount factory's implementation read from the chain. */
export async function loadAccountAllowList(config: IssuerConfig, client: PublicClient): Promise<AccountAllowList> {
  const simpleAccountImplementations = await Promise.all(
    config.sponsor.simpleAccountFactories.map((factory) =>
      client.readContract({ address: factory, abi: simpleAccountFactoryAbi, functionName: "accountImplementation" }),
    ),
  );
  return {
    simpleAccountFactories: config.sponsor.simpleAccountFactories,
    simpleAccountImplementations,
    kernelFactories: config.sponsor.kernelFactories,
    kernelImplementations: config.sponsor.kernelImplementations,
    kernelValidators: config.sponsor.kernelValidators,
    safeProxyFactories: config.sponsor.safeProxyFactories,
    safeSingletons: config.sponsor.safeSingletons,
    safe4337Modules: config.sponsor.safe4337Modules,
    safeSetupContracts: config.sponsor.safeSetupContracts,
    coinbaseFactories: config.sponsor.coinbaseFactories,
    coinbaseImplementations: config.sponsor.coinbaseImplementations,
  };
}
