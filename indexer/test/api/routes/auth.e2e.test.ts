/**
 * Admin sign-in (src/api/routes/auth.ts, auth/siwe.ts) end to end: SIWE messages checked for
 * domain, chain, time window, nonce and signer; sessions, logout, and credentials kept apart.
 */
import { type Account, type Address, encodeFunctionData, parseAbi, serializeErc6492Signature } from "viem";
import { describe, expect, it } from "vitest";
import { describeApiWorld, expectCleanLogs, expectError } from "../../support/apiWorld.js";

describeApiWorld("admin sign-in", (w) => {
  describe("admin sign-in (SIWE)", () => {
    it("signs in an org owner and a role admin, listing the projects each administers", async () => {
      const owner = await w.api.post<{ projects: string[] }>("/v1/auth/login", await w.api.signedLogin(w.ownerA));
      expect(owner.status).toBe(200);
      // The chain is shared by both database runs: the same owner also holds the other run's projects.
      expect(owner.body.projects).toEqual(expect.arrayContaining([w.projectA, w.projectC, w.projectD].map(String)));
      expect(owner.body.projects).not.toContain(w.projectB.toString());
      const session = await w.api.get<{ address: string; projects: string[] }>("/v1/auth/session", w.sessionA);
      expect(session.body.address).toBe(w.roleAdmin.address.toLowerCase());
      expect(session.body.projects).toContain(w.projectA.toString());
      expect(session.body.projects).not.toContain(w.projectC.toString());
    });

    it("refuses a replayed login", async () => {
      const signed = await w.api.signedLogin(w.outsider);
      expect((await w.api.post("/v1/auth/login", signed)).status).toBe(200);
      expectError(await w.api.post("/v1/auth/login", signed), 401, "siwe_nonce_invalid");
    });

    it("refuses a message for another domain", async () => {
      expectError(
        await w.api.post("/v1/auth/login", await w.api.signedLogin(w.outsider, { domain: "evil.example" })),
        401,
        "siwe_domain_mismatch",
      );
    });

    it("refuses a message for another chain", async () => {
      expectError(
        await w.api.post("/v1/auth/login", await w.api.signedLogin(w.outsider, { chainId: 8453 })),
        401,
        "siwe_chain_mismatch",
      );
    });

    it("refuses an expired message, and one issued too long ago", async () => {
      expectError(
        await w.api.post(
          "/v1/auth/login",
          await w.api.signedLogin(w.outsider, { expirationTime: new Date(Date.now() - 1000) }),
        ),
        401,
        "siwe_expired",
      );
      expectError(
        await w.api.post(
          "/v1/auth/login",
          await w.api.signedLogin(w.outsider, { issuedAt: new Date(Date.now() - 2 * 3600 * 1000) }),
        ),
        401,
        "siwe_expired",
      );
    });

    it("refuses a message not valid yet", async () => {
      expectError(
        await w.api.post(
          "/v1/auth/login",
          await w.api.signedLogin(w.outsider, { notBefore: new Date(Date.now() + 3600_000) }),
        ),
        401,
        "siwe_not_yet_valid",
      );
    });

    it("refuses a nonce the server never issued", async () => {
      expectError(
        await w.api.post("/v1/auth/login", await w.api.signedLogin(w.outsider, { nonce: "a1b2c3d4e5f6a7b8c9" })),
        401,
        "siwe_nonce_invalid",
      );
    });

    it("refuses a signature by someone other than the named address", async () => {
      // The outsider signs a message claiming to be the owner of project A.
      const forged = await w.api.signedLogin(w.outsider, { address: w.ownerA.address });
      expectError(await w.api.post("/v1/auth/login", forged), 401, "siwe_signature_invalid");
    });

    // The app's browser wallet is a SimpleAccount v0.7, which implements no ERC-1271: before its
    // first operation it signs in with its owner's signature, ERC-6492-wrapped with the factory call.
    const factoryAbi = parseAbi([
      "function createAccount(address owner, uint256 salt) returns (address)",
      "function getAddress(address owner, uint256 salt) view returns (address)",
    ]);
    const simpleAccount = async (owner: Account, claimed?: Address): Promise<Account> => {
      const factory = w.stack.deployment.contracts.SimpleAccountFactoryV07?.address as Address;
      expect(factory).toBeDefined();
      const address = await w.onekey.client.readContract({
        address: factory,
        abi: factoryAbi,
        functionName: "getAddress",
        args: [owner.address, 0n],
      });
      const data = encodeFunctionData({ abi: factoryAbi, functionName: "createAccount", args: [owner.address, 0n] });
      return {
        ...owner,
        address: claimed ?? address,
        signMessage: async ({ message }: { message: string }) =>
          serializeErc6492Signature({
            address: factory,
            data,
            signature: await (owner.signMessage as NonNullable<Account["signMessage"]>)({ message }),
          }),
      } as Account;
    };

    it("signs in an undeployed SimpleAccount by its owner's ERC-6492-wrapped signature", async () => {
      const account = await simpleAccount(await w.onekey.newAccount());
      const res = await w.api.post<{ address: string; token: string }>(
        "/v1/auth/login",
        await w.api.signedLogin(account),
      );
      expect(res.status).toBe(200);
      expect(res.body.address).toBe(account.address.toLowerCase());
      w.secrets.push(res.body.token);
    });

    // attack: an owner wraps its signature with its own createAccount call, but names another
    // account (another owner's SimpleAccount) in the message.
    it("attack: refuses an owner's wrapped signature for a SimpleAccount that is not its own", async () => {
      const victim = await simpleAccount(await w.onekey.newAccount());
      const forged = await simpleAccount(await w.onekey.newAccount(), victim.address);
      expectError(await w.api.post("/v1/auth/login", await w.api.signedLogin(forged)), 401, "siwe_signature_invalid");
    });

    it("refuses an outsider's admin calls, and a session after logout", async () => {
      const token = await w.api.login(w.outsider);
      expectError(await w.api.get(`/v1/admin/projects/${w.projectA}/api-keys`, token), 403, "not_project_admin");
      expect((await w.api.post("/v1/auth/logout", undefined, token)).status).toBe(204);
      expectError(await w.api.get("/v1/auth/session", token), 401, "session_invalid");
    });
  });

  describe("credentials", () => {
    it("does not accept a key as a session, nor a session as a key", async () => {
      expectError(await w.api.get(`/v1/admin/projects/${w.projectA}/api-keys`, w.keyA), 401, "session_invalid");
      expectError(await w.api.get("/v1/project", w.sessionA), 401, "api_key_malformed");
    });
  });

  it("logs no key or session token", () => expectCleanLogs(w, 10));
});
