/**
 * deploy/errors.ts: the one table from custom errors to user-facing messages, and
 * describeContractError over the errors viem throws.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Abi,
  type AbiParameter,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  getAddress,
  type Hex,
  HttpRequestError,
  keccak256,
  toHex,
} from "viem";
import { kycRegistryAbi, oneKeyPaymasterAbi, projectRegistryAbi, verifiedVaultAbi } from "../../deploy/abis.js";
import { contractErrorMessages, describeContractError, messageForContractError } from "../../deploy/errors.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

const abis = {
  ProjectRegistry: projectRegistryAbi,
  KycRegistry: kycRegistryAbi,
  VerifiedVault: verifiedVaultAbi,
  OneKeyPaymaster: oneKeyPaymasterAbi,
};

function errorsOf(abi: Abi): AbiError[] {
  return abi.filter((item): item is AbiError => item.type === "error");
}

/** A distinctive sample value for an ABI parameter, so the message can be checked to contain it. */
function sample(param: AbiParameter, index: number): unknown {
  const n = index + 2;
  if (param.type === "address") return getAddress(`0x${String(n).repeat(40).slice(0, 40)}`);
  if (param.type === "bytes32") return keccak256(toHex(`sample ${n}`));
  if (param.type === "string") return `sample-string-${n}`;
  if (param.type === "bool") return true;
  if (param.type.startsWith("uint")) {
    // Enum-typed statuses take a real value; other integers a recognisable one.
    if (param.name === "status") return 2;
    return param.type === "uint8" || param.type === "uint32" || param.type === "uint40" ? 40 + n : 1000n + BigInt(n);
  }
  throw new Error(`no sample for ${param.type}`);
}

/** What viem throws for a reverted call: the revert error inside an execution error. */
function revertedCall(abi: Abi, data: Hex, functionName = "someFunction") {
  const cause = new ContractFunctionRevertedError({ abi, data, functionName });
  return new ContractFunctionExecutionError(cause, { abi, functionName, args: [] });
}

describe("contract error table", () => {
  it("has exactly one message per custom error in the book's ABIs", () => {
    const names = new Set(Object.values(abis).flatMap((abi) => errorsOf(abi as Abi).map((e) => e.name)));
    assert.deepEqual(new Set(Object.keys(contractErrorMessages)), names);
  });

  for (const [contract, abi] of Object.entries(abis)) {
    for (const error of errorsOf(abi as Abi)) {
      it(`${contract}.${error.name}: a message built from every argument`, () => {
        const args = error.inputs.map(sample);
        const data = encodeErrorResult({ abi: [error], errorName: error.name, args });
        const message = describeContractError(revertedCall(abi as Abi, data));
        assert.equal(message, messageForContractError(error.name, args));
        assert.doesNotMatch(message, /reverted with|unknown error/);
        error.inputs.forEach((input, i) => {
          // Statuses read as names; every other argument appears as its value.
          const expected = input.name === "status" ? /suspended|revoked/ : String(args[i]);
          if (typeof expected === "string") assert.ok(message.includes(expected), `${message} lacks ${expected}`);
          else assert.match(message, expected);
        });
      });
    }
  }
});

describe("describeContractError", () => {
  const account = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

  it("names the project and the account for NotProjectAdmin", () => {
    const data = encodeErrorResult({ abi: projectRegistryAbi, errorName: "NotProjectAdmin", args: [7n, account] });
    assert.equal(
      describeContractError(revertedCall(projectRegistryAbi, data, "grantRole")),
      `${account} may not manage project 7: it is not a project admin nor an admin of its organization.`,
    );
  });

  it("spells project and record statuses by name", () => {
    const unchanged = encodeErrorResult({
      abi: projectRegistryAbi,
      errorName: "ProjectStatusUnchanged",
      args: [3n, 1],
    });
    assert.equal(describeContractError(revertedCall(projectRegistryAbi, unchanged)), "Project 3 is already active.");
    const uid = keccak256(toHex("uid"));
    const notActive = encodeErrorResult({ abi: kycRegistryAbi, errorName: "AttestationNotActive", args: [uid, 3] });
    assert.equal(
      describeContractError(revertedCall(kycRegistryAbi, notActive)),
      `Attestation ${uid} is not active (it is erased).`,
    );
  });

  it("decodes a book error raised through another contract's ABI (e.g. a registry error under the vault)", () => {
    const data = encodeErrorResult({ abi: kycRegistryAbi, errorName: "ProjectNotActive", args: [9n] });
    // The vault's ABI lacks this error, so viem leaves it undecoded; the book's ABIs decode it.
    assert.equal(describeContractError(revertedCall(verifiedVaultAbi, data, "deposit")), "Project 9 is not active.");
  });

  it("reports an error outside the book by its selector", () => {
    const data = encodeErrorResult({
      abi: [{ type: "error", name: "SomethingElse", inputs: [] }],
      errorName: "SomethingElse",
    });
    assert.equal(
      describeContractError(revertedCall(projectRegistryAbi, data)),
      `The contract reverted with an unknown error (selector ${data.slice(0, 10)}).`,
    );
  });

  it("passes require reasons and panics through", () => {
    const reason = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ type: "string", name: "message" }] }],
      errorName: "Error",
      args: ["not enough"],
    });
    assert.equal(describeContractError(revertedCall(projectRegistryAbi, reason)), "The contract reverted: not enough");
    const panic = encodeErrorResult({
      abi: [{ type: "error", name: "Panic", inputs: [{ type: "uint256", name: "code" }] }],
      errorName: "Panic",
      args: [0x11n],
    });
    assert.match(describeContractError(revertedCall(projectRegistryAbi, panic)), /^The contract reverted: .*overflow/);
  });

  it("uses viem's short message for errors that are not reverts, and plain messages otherwise", () => {
    const http = new HttpRequestError({ url: "http://127.0.0.1:1", details: "ECONNREFUSED" });
    assert.equal(describeContractError(http), http.shortMessage);
    assert.equal(describeContractError(new Error("plain failure")), "plain failure");
    assert.equal(describeContractError("a string"), "a string");
  });
});
