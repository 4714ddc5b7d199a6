import { createRequire } from "node:module";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";
import { adminTasks } from "./scripts/admin/tasks.js";

const require = createRequire(import.meta.url);

// Offline compilers: solc-js from npm instead of Hardhat's download (see ../TOOLCHAIN notes in README).
// OneKey builds with 0.8.30; EAS 1.9.0 (benchmark reference only) pins 0.8.29.
const solc = (version: string, pkg: string, viaIR: boolean) => ({
  version,
  path: require.resolve(`${pkg}/soljson.js`),
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 10_000 },
    viaIR,
  },
});

// Both profiles spelled out: Ignition builds with `production`, and a derived one drops settings.
// viaIR for our code: the indexer-first events carry every field, which the legacy pipeline
// cannot fit on the stack.
const compilers = [solc("0.8.30", "solc", true), solc("0.8.29", "solc-0.8.29", false)];

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin],
  tasks: adminTasks,
  solidity: {
    profiles: {
      default: { compilers },
      production: { compilers },
    },
    npmFilesToBuild: [
      "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol",
      "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol",
      // eth-infinitism's sample verifying paymaster (EntryPoint v0.7): the paymaster benchmark's reference.
      "@account-abstraction/contracts-v07/samples/VerifyingPaymaster.sol",
    ],
  },
  paths: {
    // Overridable so parallel checkouts or processes can build without sharing a cache.
    artifacts: process.env.HARDHAT_ARTIFACTS_DIR ?? "./artifacts",
    cache: process.env.HARDHAT_CACHE_DIR ?? "./cache",
    // Tests and the dev stack deploy to throwaway chains: their Ignition journals go elsewhere.
    ignition: process.env.ONEKEY_IGNITION_DIR ?? "./ignition",
    tests: {
      solidity: "./test/contracts",
      nodejs: "./test/integration",
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: { type: "http", url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545" },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
