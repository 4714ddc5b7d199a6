import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { contractErrorMessages, kycRegistryAbi } from "@onekey/deploy";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  HttpRequestError,
  http,
  UserRejectedRequestError,
} from "viem";
import { createPaymasterClient } from "viem/account-abstraction";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyAccessDeniedError, KeyAccessUnavailableError } from "../privacy/keys/errors.js";
import { StoragePaymentError, StorageUnavailableError } from "../privacy/storage/storage.js";
import { classifyError, ERROR_CODES, type NextAction, toUserError, userError } from "./errors.js";
import { IssuerError, NetworkError } from "./issuer/issuer-client.js";
import { UserOpFailedError } from "./wallet/sponsored-sender.js";

const ACTIONS: NextAction[] = ["retry", "fallback", "resubmit", "restart", "signIn", "reconnect", "home"];

/** A paymaster service that refuses every request the way the issuer's does (HTTP 200, -32099, data.reason). */
let refusing: ReturnType<typeof createServer>;
let refusingUrl: string;
let reason = "budget_insufficient";
beforeAll(async () => {
  refusing = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const { id } = JSON.parse(body);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          jsonrpc: "2.0",
          id,
          error: { code: -32099, message: "Project 7's budget cannot cover this operation", data: { reason } },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

async function sponsorshipRefusal(why: string): Promise<unknown> {
  reason = why;
  const paymaster = createPaymasterClient({ transport: http(refusingUrl, { retryCount: 0 }) });
  return paymaster
    .getPaymasterStubData({
      sender: "0x1111111111111111111111111111111111111111",
      nonce: 0n,
      callData: "0x",
      chainId: 31337,
      entryPointAddress: "0x0000000071727De22E5E9d8BAf0edAc6f37da032",
      context: { projectId: "7" },
    })
    .then(
      () => {
        throw new Error("expected a refusal");
      },
      (error: unknown) => error,
    );
}

function revert(
  errorName: "SignatureExpired" | "ConsentAlreadyGranted" | "NotAttestationIssuer",
  args: readonly unknown[],
) {
  const data = encodeErrorResult({ abi: kycRegistryAbi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  const cause = new ContractFunctionRevertedError({ abi: kycRegistryAbi, data, functionName: "attestBySig" });
  return new ContractFunctionExecutionError(cause, { abi: kycRegistryAbi, functionName: "attestBySig", args: [] });
}

describe("the error table", () => {
  it("gives every code a title, a sentence and at least one way forward", () => {
    expect(ERROR_CODES.length).toBeGreaterThan(30);
    for (const code of ERROR_CODES) {
      const entry = userError(code);
      expect(entry.title.length, code).toBeGreaterThan(5);
      expect(entry.message.length, code).toBeGreaterThan(15);
      expect(entry.actions.length, code).toBeGreaterThan(0);
      for (const action of entry.actions) expect(ACTIONS).toContain(action);
    }
  });

  it("maps the issuer's refusals by their codes, keeping the issuer's words for a person", () => {
    expect(classifyError(new IssuerError(409, "no_fallback", "Every provider is down."))).toEqual({
      code: "no_fallback",
      detail: "Every provider is down.",
    });
    expect(classifyError(new IssuerError(410, "result_already_delivered", "Already delivered.")).code).toBe(
      "result_already_delivered",
    );
    expect(classifyError(new IssuerError(401, "whatever", "no")).code).toBe("sign_in_expired");
    expect(classifyError(new IssuerError(404, "session_not_found", "gone")).code).toBe("session_not_found");
    expect(classifyError(new IssuerError(429, "slow_down", "later")).code).toBe("rate_limited");
    // A monthly quota is not "wait a minute": it has its own words (tell the app's team, or next month).
    const quota = classifyError(new IssuerError(429, "verification_quota_exceeded", "Plan standard allows 1000."));
    expect(quota.code).toBe("verification_quota_exceeded");
    expect(userError(quota.code).message).toMatch(/app's team.*next month/);
    expect(classifyError(new IssuerError(503, "internal", "oops")).code).toBe("issuer_unavailable");
    expect(
      classifyError(new IssuerError(422, "checks_unsupported", "This project needs a check no provider offers.")),
    ).toEqual({
      code: "issuer_refused",
      detail: "This project needs a check no provider offers.",
    });
    expect(classifyError(new NetworkError("issuer", "down")).code).toBe("issuer_unreachable");
  });

  it("maps the sponsorship service's data.reason, through viem's paymaster client", async () => {
    expect(classifyError(await sponsorshipRefusal("budget_insufficient")).code).toBe("sponsorship_budget");
    expect(classifyError(await sponsorshipRefusal("rate_limited")).code).toBe("rate_limited");
    expect(classifyError(await sponsorshipRefusal("subject_not_of_project")).code).toBe("not_verified_for_project");
    expect(classifyError(await sponsorshipRefusal("account_not_supported")).code).toBe("wallet_not_supported");
    // A reason the table does not know still says "the sponsor refused", with the service's words.
    const unknown = classifyError(await sponsorshipRefusal("gas_limit_too_high"));
    expect(unknown.code).toBe("sponsorship_refused");
    expect(unknown.detail).toContain("budget cannot cover");
  });

  it("maps contract errors through the deployment book's messages", () => {
    const expired = classifyError(revert("SignatureExpired", [100n, 200n]));
    expect(expired.code).toBe("signature_expired");
    expect(expired.detail).toBe(contractErrorMessages.SignatureExpired(100n, 200n));
    expect(
      classifyError(revert("ConsentAlreadyGranted", [7n, "0x1111111111111111111111111111111111111111"])).code,
    ).toBe("consent_already_granted");
    const other = classifyError(
      revert("NotAttestationIssuer", [`0x${"00".repeat(32)}`, "0x1111111111111111111111111111111111111111"]),
    );
    expect(other.code).toBe("contract_reverted");
    expect(other.detail).toContain("did not issue attestation");
  });

  it("maps storage, key and wallet failures", () => {
    expect(classifyError(new StorageUnavailableError("502")).code).toBe("storage_unavailable");
    expect(classifyError(new StoragePaymentError("402")).code).toBe("storage_payment");
    expect(classifyError(new KeyAccessDeniedError("no")).code).toBe("key_denied");
    expect(classifyError(new KeyAccessUnavailableError("down")).code).toBe("keys_unavailable");
    expect(classifyError(new UserRejectedRequestError(new Error("User rejected"))).code).toBe("wallet_declined");
    // A wallet's 4001 deep inside another error.
    expect(classifyError(new Error("send failed", { cause: { code: 4001, message: "denied" } })).code).toBe(
      "wallet_declined",
    );
    expect(classifyError(new UserOpFailedError()).code).toBe("user_op_failed");
    expect(classifyError(new HttpRequestError({ url: "http://127.0.0.1:1", details: "fetch failed" })).code).toBe(
      "network_unreachable",
    );
  });

  it("never shows a raw error: anything unknown becomes 'unexpected', without its message", () => {
    const shown = toUserError(new Error("TypeError: cannot read properties of undefined (reading 'x') at 0xdeadbeef"));
    expect(shown.code).toBe("unexpected");
    expect(shown.detail).toBeUndefined();
    expect(JSON.stringify(shown)).not.toContain("deadbeef");
  });
});
