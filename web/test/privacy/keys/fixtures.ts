import type { DecryptCondition } from "../../../src/privacy/keys/key-access.js";

export const condition: DecryptCondition = {
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  uid: `0x70997970c51812dc3a010c7d01b50e0d17dc79c8${"0".repeat(23)}1`,
};

/** Hardhat's well-known test key #1: a throwaway, never funded on a real network. */
export const testPrivateKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
