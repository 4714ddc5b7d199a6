/**
 * Known-account checks for the account kinds this machine cannot run (no local build of Kernel,
 * Safe or Coinbase Smart Wallet): factoryData comes from the real SDKs (permissionless for Kernel
 * and Safe, viem for Coinbase), then is tampered with the way an attacker would. Offline: the
 * SDKs are given the account address, so they make no RPC call. SimpleAccount v0.7 is covered
 * end to end on the local chain (attacks.test.ts, e2e.test.ts).
 */
import { toKernelSmartAccount, toSafeSmartAccount } from "permissionless/accounts";
import {
  type Address,
  concat,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  type Hex,
  type PublicClient,
  pad,
  parseAbi,
  toHex,
  zeroAddress,
} from "viem";
import { entryPoint07Address, toCoinbaseSmartAccount } from "viem/account-abstraction";
import { privateKeyToAccount } from "viem/accounts";
import { base } from "viem/chains";
import { describe, expect, it } from "vitest";
import {
  type AccountAllowList,
  ERC1967_IMPLEMENTATION_SLOT,
  executableCode,
  identifyAccount,
  PROXY_CODE,
  SAFE_FALLBACK_HANDLER_SLOT,
} from "../src/sponsorship/accounts.js";
import { SponsorshipRefused } from "../src/sponsorship/policy.js";

const offline = createPublicClient({
  chain: base,
  transport: custom({
    request: async ({ method }) => {
      // The SDKs ask for the chain id and whether the account exists (it does not yet).
      if (method === "eth_chainId") return toHex(base.id);
      if (method === "eth_getCode") return "0x";
      throw new Error(`offline test: no RPC (${method})`);
    },
  }),
}) as PublicClient;
const owner = privateKeyToAccount(`0x${"42".repeat(32)}`);
const someAddress = getAddress("0x00000000000000000000000000000000000c0ffe");
const entryPoint = { address: entryPoint07Address, version: "0.7" } as const;

/** Kernel v0.3.1 and Safe 1.4.1 (EntryPoint v0.7) addresses, as permissionless deploys them. */
const KERNEL = {
  factory: getAddress("0xaac5D4240AF87249B3f71BC8E4A2cae074A3E419"),
  metaFactory: getAddress("0xd703aaE79538628d27099B8c4f621bE4CCd142d5"),
  implementation: getAddress("0xBAC849bB641841b44E965fB01A4Bf5F074f84b4D"),
  ecdsaValidator: getAddress("0x845ADb2C711129d4f3966735eD98a9F09fC4cE57"),
};
const SAFE = {
  proxyFactory: getAddress("0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67"),
  singleton: getAddress("0x41675C099F32341bf84BFc5382aF534df5C7461a"),
  module: getAddress("0x75cf11467937ce3F2f357CE24ffc3DBF8fD5c226"),
  moduleSetup: getAddress("0x2dd68b007B46fBe91B9A7c3EDa5A7a1063cB5b47"),
  multiSend: getAddress("0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526"),
};
const COINBASE = {
  factory: getAddress("0xBA5ED110eFDBa3D005bfC882d75358ACBbB85842"),
  implementation: getAddress("0x000100abaad02f1cfC8Bbe32bD5a564817339E72"),
};

const allow: AccountAllowList = {
  simpleAccountFactories: [],
  simpleAccountImplementations: [],
  kernelFactories: [KERNEL.factory, KERNEL.metaFactory],
  kernelImplementations: [KERNEL.implementation],
  kernelValidators: [KERNEL.ecdsaValidator],
  safeProxyFactories: [SAFE.proxyFactory],
  safeSingletons: [SAFE.singleton],
  safe4337Modules: [SAFE.module],
  safeSetupContracts: [SAFE.moduleSetup, SAFE.multiSend],
  coinbaseFactories: [COINBASE.factory],
  coinbaseImplementations: [COINBASE.implementation],
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SponsorshipRefused) return error.reason;
    throw error;
  }
  throw new Error("expected a refusal");
}

const identify = (factory: Address, factoryData: Hex) =>
  identifyAccount({ sender: someAddress, factory, factoryData }, offline, allow);

const kernelAbi = parseAbi([
  "function deployWithFactory(address factory, bytes createData, bytes32 salt)",
  "function createAccount(bytes data, bytes32 salt)",
  "function initialize(bytes21 rootValidator, address hook, bytes validatorData, bytes hookData, bytes[] initConfig)",
]);

async function kernelFactoryArgs(useMetaFactory: boolean) {
  const account = await toKernelSmartAccount({
    client: offline,
    owners: [owner],
    entryPoint,
    version: "0.3.1",
    address: someAddress,
    useMetaFactory,
  });
  const { factory, factoryData } = await account.getFactoryArgs();
  if (!factory || !factoryData) throw new Error("no factory args");
  return { factory: getAddress(factory), factoryData };
}

describe("Kernel v3 (factoryData from permissionless)", () => {
  it("accepts a new Kernel through the meta factory and through the factory", async () => {
    for (const useMetaFactory of [true, false]) {
      const { factory, factoryData } = await kernelFactoryArgs(useMetaFactory);
      expect(factory).toBe(useMetaFactory ? KERNEL.metaFactory : KERNEL.factory);
      expect(await identify(factory, factoryData)).toEqual({
        kind: "kernel-v3",
        deploys: true,
        forms: ["execute7579"],
      });
    }
  });

  it("refuses a Kernel whose init installs calls, a hook or an unknown validator", async () => {
    const { factory, factoryData } = await kernelFactoryArgs(true);
    const outer = decodeFunctionData({ abi: kernelAbi, data: factoryData });
    if (outer.functionName !== "deployWithFactory") throw new Error("expected deployWithFactory");
    const [inner, createData, salt] = outer.args;
    const init = decodeFunctionData({ abi: kernelAbi, data: createData });
    if (init.functionName !== "initialize") throw new Error("expected initialize");
    const [rootValidator, hook, validatorData, hookData] = init.args;
    const rebuild = (args: typeof init.args) =>
      encodeFunctionData({
        abi: kernelAbi,
        functionName: "deployWithFactory",
        args: [inner, encodeFunctionData({ abi: kernelAbi, functionName: "initialize", args }), salt],
      });
    // An init call that runs at deployment: e.g. installing an executor that ignores callData.
    const withInitCall = rebuild([rootValidator, hook, validatorData, hookData, ["0xdeadbeef"]]);
    expect(await refusal(identify(factory, withInitCall))).toBe("factory_data_unsupported");
    const withHook = rebuild([rootValidator, someAddress, validatorData, hookData, []]);
    expect(await refusal(identify(factory, withHook))).toBe("factory_data_unsupported");
    const otherValidator = concat(["0x01", someAddress]) as Hex;
    expect(await refusal(identify(factory, rebuild([otherValidator, hook, validatorData, hookData, []])))).toBe(
      "factory_data_unsupported",
    );
    // A factory that is not allowed, behind an allowed meta factory.
    const viaOtherFactory = encodeFunctionData({
      abi: kernelAbi,
      functionName: "deployWithFactory",
      args: [someAddress, createData, salt],
    });
    expect(await refusal(identify(factory, viaOtherFactory))).toBe("factory_data_unsupported");
  });
});

const safeAbi = parseAbi([
  "function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce)",
  "function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)",
  "function multiSend(bytes transactions)",
  "function enableModules(address[] modules)",
]);

async function safeFactoryArgs() {
  const account = await toSafeSmartAccount({
    client: offline,
    owners: [owner],
    entryPoint,
    version: "1.4.1",
    address: someAddress,
  });
  const { factory, factoryData } = await account.getFactoryArgs();
  if (!factory || !factoryData) throw new Error("no factory args");
  return { factory: getAddress(factory), factoryData };
}

describe("Safe 4337 module (factoryData from permissionless)", () => {
  it("accepts a new Safe whose setup only enables the 4337 module", async () => {
    const { factory, factoryData } = await safeFactoryArgs();
    expect(factory).toBe(SAFE.proxyFactory);
    expect(await identify(factory, factoryData)).toEqual({ kind: "safe-4337", deploys: true, forms: ["safeModule"] });
  });

  it("refuses a Safe whose setup delegatecalls anything more, pays someone or names another handler", async () => {
    const { factory, factoryData } = await safeFactoryArgs();
    const outer = decodeFunctionData({ abi: safeAbi, data: factoryData });
    if (outer.functionName !== "createProxyWithNonce") throw new Error("expected createProxyWithNonce");
    const [singleton, initializer, saltNonce] = outer.args;
    const setup = decodeFunctionData({ abi: safeAbi, data: initializer });
    if (setup.functionName !== "setup") throw new Error("expected setup");
    const args = setup.args;
    const withSetup = (changed: Partial<Record<number, unknown>>, single = singleton) =>
      encodeFunctionData({
        abi: safeAbi,
        functionName: "createProxyWithNonce",
        args: [
          single,
          encodeFunctionData({
            abi: safeAbi,
            functionName: "setup",
            args: args.map((a, i) => (i in changed ? changed[i] : a)) as unknown as typeof args,
          }),
          saltNonce,
        ],
      });
    // A second MultiSend entry: a delegatecall to the attacker's contract at deployment.
    const multi = decodeFunctionData({ abi: safeAbi, data: args[3] });
    if (multi.functionName !== "multiSend") throw new Error("expected multiSend");
    const extra = concat(["0x01", someAddress, toHex(0n, { size: 32 }), toHex(4n, { size: 32 }), "0xdeadbeef"]);
    const twoEntries = encodeFunctionData({
      abi: safeAbi,
      functionName: "multiSend",
      args: [concat([multi.args[0], extra])],
    });
    expect(await refusal(identify(factory, withSetup({ 3: twoEntries })))).toBe("factory_data_unsupported");
    expect(await refusal(identify(factory, withSetup({ 4: someAddress })))).toBe("factory_data_unsupported");
    expect(await refusal(identify(factory, withSetup({ 6: 1n, 7: someAddress })))).toBe("factory_data_unsupported");
    expect(await refusal(identify(factory, withSetup({}, someAddress)))).toBe("factory_data_unsupported");
    // Enabling a second module next to the 4337 one.
    const twoModules = encodeFunctionData({
      abi: safeAbi,
      functionName: "setup",
      args: [
        args[0],
        args[1],
        SAFE.moduleSetup,
        encodeFunctionData({ abi: safeAbi, functionName: "enableModules", args: [[SAFE.module, someAddress]] }),
        SAFE.module,
        zeroAddress,
        0n,
        zeroAddress,
      ],
    });
    const direct = encodeFunctionData({
      abi: safeAbi,
      functionName: "createProxyWithNonce",
      args: [singleton, twoModules, saltNonce],
    });
    expect(await refusal(identify(factory, direct))).toBe("factory_data_unsupported");
  });
});

describe("Coinbase Smart Wallet (factoryData from viem)", () => {
  it("accepts a new wallet with an address owner, refuses a malformed owner", async () => {
    const account = await toCoinbaseSmartAccount({
      client: offline,
      owners: [owner],
      address: someAddress,
      version: "1.1",
    });
    const { factory, factoryData } = await account.getFactoryArgs();
    if (!factory || !factoryData) throw new Error("no factory args");
    expect(getAddress(factory)).toBe(COINBASE.factory);
    expect((await identify(getAddress(factory), factoryData)).kind).toBe("coinbase-smart-wallet");
    const bad = encodeFunctionData({
      abi: parseAbi(["function createAccount(bytes[] owners, uint256 nonce)"]),
      functionName: "createAccount",
      args: [["0x1234"], 0n],
    });
    expect(await refusal(identify(COINBASE.factory, bad))).toBe("factory_data_unsupported");
  });
});

describe("deployed senders", () => {
  /** A chain that holds `code` at the sender and `slots` in its storage. */
  const chainWith = (code: Hex, slots: Record<string, Hex>) =>
    createPublicClient({
      chain: base,
      transport: custom({
        request: async ({ method, params }) => {
          if (method === "eth_getCode") return code;
          if (method === "eth_getStorageAt") return slots[(params as Hex[])[1] ?? ""] ?? pad("0x00");
          throw new Error(`unexpected ${method}`);
        },
      }),
    }) as PublicClient;
  const deployed = (code: Hex, slots: Record<string, Hex>) =>
    identifyAccount({ sender: someAddress }, chainWith(code, slots), allow);
  const word = (address: Address) => pad(address);

  it("accepts known proxies pointing at allowed implementations", async () => {
    expect(
      (await deployed(PROXY_CODE.soladyErc1967, { [ERC1967_IMPLEMENTATION_SLOT]: word(KERNEL.implementation) })).kind,
    ).toBe("kernel-v3");
    const safeCode = concat([
      PROXY_CODE.safeProxy,
      "0xa264697066735822122003d1488ee65e08fa41e58e888a9865554c535f2c77126a82cb4c0f917f31441364736f6c63430007060033",
    ]);
    const safe = await deployed(safeCode, {
      [pad("0x00")]: word(SAFE.singleton),
      [SAFE_FALLBACK_HANDLER_SLOT]: word(SAFE.module),
    });
    expect(safe.kind).toBe("safe-4337");
  });

  it("refuses a contract that copies an allowed implementation into its slot but runs its own code", async () => {
    // The attacker's sender: any code (here: return 32 zero bytes to every call, so execute
    // ignores its arguments), with the ERC-1967 slot set to Kernel's implementation.
    const reason = await refusal(
      deployed("0x60206000f3", { [ERC1967_IMPLEMENTATION_SLOT]: word(KERNEL.implementation) }),
    );
    expect(reason).toBe("account_not_supported");
  });

  it("refuses a known proxy of another implementation, and a Safe with another fallback handler", async () => {
    expect(
      await refusal(deployed(PROXY_CODE.soladyErc1967, { [ERC1967_IMPLEMENTATION_SLOT]: word(someAddress) })),
    ).toBe("account_not_supported");
    expect(
      await refusal(
        deployed(PROXY_CODE.safeProxy, {
          [pad("0x00")]: word(SAFE.singleton),
          [SAFE_FALLBACK_HANDLER_SLOT]: word(someAddress),
        }),
      ),
    ).toBe("account_not_supported");
  });

  it("strips Solidity metadata, and only a real CBOR trailer", () => {
    const runtime = PROXY_CODE.safeProxy;
    const metadata =
      "0xa264697066735822122003d1488ee65e08fa41e58e888a9865554c535f2c77126a82cb4c0f917f31441364736f6c63430007060033";
    expect(executableCode(concat([runtime, metadata]))).toBe(runtime);
    expect(executableCode(PROXY_CODE.soladyErc1967)).toBe(PROXY_CODE.soladyErc1967);
  });
});
