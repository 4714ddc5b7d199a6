/**
 * scripts/admin/safe.ts: the Safe Transaction Builder batch the governance commands print with
 * --safe. No chain: the checksum against a batch the Safe app itself exported, and the encoding
 * of one call.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeFunctionData, getAddress, parseEther } from "viem";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi } from "../../deploy/abis.js";
import { type SafeBatchFile, safeBatch, safeBatchChecksum, safeTransaction } from "../../deploy/safe-batch.js";

const registry = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const safe = getAddress("0xA77DE01e157f9f57C7c4A326eeE9C4874D0598b6");

describe("Safe Transaction Builder batches", () => {
  it("computes the checksum the Safe app writes (a batch exported by Transaction Builder 1.18.2)", () => {
    // As the Safe app downloads it (quoted in Safe's 5afe/safe-cli-nodejs format notes); its checksum
    // ignores meta.name, so a renamed batch still validates.
    const exported = {
      version: "1.0",
      chainId: "1",
      createdAt: 1761326849944,
      meta: {
        name: "Transactions Batch",
        description: "",
        txBuilderVersion: "1.18.2",
        createdFromSafeAddress: safe,
        createdFromOwnerAddress: "",
        checksum: "0x8b5032f716845c8b08bab3d63dbd9ba92e056f3557793cd041e59b84e16aa989",
      },
      transactions: [
        {
          to: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
          value: "0",
          data: null,
          contractMethod: {
            inputs: [
              { internalType: "address", name: "spender", type: "address" },
              { internalType: "uint256", name: "value", type: "uint256" },
            ],
            name: "approve",
            payable: false,
          },
          contractInputsValues: { spender: "0x474e5Ded6b5D078163BFB8F6dBa355C3aA5478C8", value: "100000000000" },
        },
      ],
    } as unknown as SafeBatchFile;
    assert.equal(safeBatchChecksum(exported), exported.meta.checksum);
    assert.equal(
      safeBatchChecksum({ ...exported, meta: { ...exported.meta, name: "renamed" } }),
      exported.meta.checksum,
    );
    const tampered = { ...exported, transactions: [{ ...exported.transactions[0], value: "1" }] } as SafeBatchFile;
    assert.notEqual(safeBatchChecksum(tampered), exported.meta.checksum);
  });

  it("a transaction carries the calldata, the value in wei and the inputs as the builder's form holds them", () => {
    const tx = safeTransaction({
      address: registry,
      abi: oneKeyPaymasterAbi,
      functionName: "addStake",
      args: [86_400],
      value: parseEther("1.5"),
    });
    assert.equal(tx.to, registry);
    assert.equal(tx.value, "1500000000000000000");
    assert.deepEqual(decodeFunctionData({ abi: oneKeyPaymasterAbi, data: tx.data }), {
      functionName: "addStake",
      args: [86_400],
    });
    assert.deepEqual(tx.contractMethod, {
      name: "addStake",
      payable: true,
      inputs: [{ name: "unstakeDelaySec", type: "uint32", internalType: "uint32" }],
    });
    assert.deepEqual(tx.contractInputsValues, { unstakeDelaySec: "86400" });

    // A tuple argument is JSON in the form, numbers as decimal strings.
    const settings = safeTransaction({
      address: registry,
      abi: projectRegistryAbi,
      functionName: "updateProjectSettings",
      args: [7n, { requiredLevel: 2, acceptedIssuers: [safe], metadataURI: "ipfs://x" }],
    });
    assert.deepEqual(settings.contractInputsValues, {
      projectId: "7",
      settings: JSON.stringify({ requiredLevel: 2, acceptedIssuers: [safe], metadataURI: "ipfs://x" }),
    });
    assert.equal(settings.value, "0");
  });

  it("a batch is version 1.0 for its chain and Safe, checksummed", () => {
    const transaction = safeTransaction({
      address: registry,
      abi: kycRegistryAbi,
      functionName: "registerIssuer",
      args: [safe],
    });
    const batch = safeBatch({
      chainId: 8453,
      name: "OneKey: registerIssuer",
      description: "Register an issuer.",
      safe,
      transactions: [transaction],
      createdAt: 1_700_000_000_000,
    });
    assert.equal(batch.version, "1.0");
    assert.equal(batch.chainId, "8453");
    assert.equal(batch.createdAt, 1_700_000_000_000);
    assert.equal(batch.meta.createdFromSafeAddress, safe);
    assert.equal(batch.meta.checksum, safeBatchChecksum(batch));
    assert.deepEqual(batch.transactions, [transaction]);
    // What JSON.stringify writes reads back to the same checksum.
    const reread = JSON.parse(JSON.stringify(batch)) as SafeBatchFile;
    assert.equal(safeBatchChecksum(reread), batch.meta.checksum);
  });
});
