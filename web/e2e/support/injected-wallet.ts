/**
 * A tenant's wallet in the dashboard e2e: an EIP-1193 wallet announced through EIP-6963 whose key
 * stays in Node (the page asks, Node signs and sends), and the sign-in that waits until the shell
 * shows its sections (the indexer may need a moment to see a fresh role).
 *
 * The wallet reports EIP-5792 capabilities, as smart wallets do, so the app signs in with the
 * wallet's own address: the test's EOA, which holds the roles the tests give it. With
 * `{ eip5792: false }` it is a plain EOA wallet (MetaMask-style): `wallet_getCapabilities` and
 * `wallet_sendCalls` answer "Method not found", and the app signs in as the SimpleAccount the EOA owns.
 */
import { waitFor } from "@onekey/devnet/processes";
import type { Page } from "playwright-core";
import { type Address, createWalletClient, type Hex, http } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import type { StackInfo } from "./stack.js";

export const WALLET_NAME = "E2E Injected Wallet";
const TIMEOUT = 45_000;

/**
 * An EIP-1193 wallet in the page whose key stays in Node: the page asks, Node signs and sends.
 * Resolves to every method the page asked, in order.
 */
export async function injectWallet(
  page: Page,
  eoa: PrivateKeyAccount,
  stack: StackInfo,
  options: { eip5792?: boolean } = {},
): Promise<{ asked: string[] }> {
  const owner = createWalletClient({ account: eoa, chain: hardhat, transport: http(stack.rpcUrl) });
  let authorized = false;
  const asked: string[] = [];
  await page.exposeFunction("__e2eWallet", async (method: string, params: unknown[]) => {
    asked.push(method);
    try {
      if (options.eip5792 === false && (method === "wallet_getCapabilities" || method === "wallet_sendCalls"))
        return { error: { code: -32601, message: `The method "${method}" does not exist / is not available.` } };
      switch (method) {
        // Like a real wallet: no account for the page until it asks (so nothing reconnects by itself).
        case "eth_requestAccounts":
          authorized = true;
          return { result: [eoa.address] };
        case "eth_accounts":
          return { result: authorized ? [eoa.address] : [] };
        case "eth_chainId":
          return { result: `0x${stack.chainId.toString(16)}` };
        case "personal_sign":
          return { result: await eoa.signMessage({ message: { raw: params[0] as Hex } }) };
        case "eth_signTypedData_v4":
          return { result: await eoa.signTypedData(JSON.parse(params[1] as string)) };
        case "eth_sendTransaction": {
          const tx = params[0] as { to: Address; data?: Hex; value?: Hex };
          return {
            result: await owner.sendTransaction({ to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : 0n }),
          };
        }
        case "wallet_getCapabilities":
          return { result: { [`0x${stack.chainId.toString(16)}`]: { paymasterService: { supported: true } } } };
        case "wallet_sendCalls":
        case "wallet_switchEthereumChain":
          return { error: { code: 4200, message: `${method} is not supported` } };
        default: {
          const response = await fetch(stack.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
          });
          const body = (await response.json()) as { result?: unknown; error?: unknown };
          return body.error ? { error: body.error } : { result: body.result };
        }
      }
    } catch (error) {
      return { error: { code: 4001, message: (error as Error).message } };
    }
  });
  await page.addInitScript((name: string) => {
    const ask = (
      window as unknown as {
        __e2eWallet(m: string, p: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string } }>;
      }
    ).__e2eWallet;
    const provider = {
      async request({ method, params }: { method: string; params?: unknown[] }) {
        const answer = await ask(method, params ?? []);
        if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
      on() {},
      removeListener() {},
    };
    const info = {
      uuid: "6f1c1b4e-6a7d-4f5e-9a8b-0e2e00000001",
      name,
      icon: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
      rdns: "test.onekey.e2e",
    };
    const announce = () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  }, WALLET_NAME);
  return { asked };
}

/** Connects the injected wallet and signs in, until the shell shows its sections. */
export async function signInToDashboard(page: Page, stack: StackInfo): Promise<void> {
  await page.goto(`${stack.appUrl}/dashboard`);
  await page.getByRole("button", { name: `Connect ${WALLET_NAME}` }).click();
  await page.getByRole("button", { name: "Sign in with your wallet" }).click();
  // The shell lists projects from the indexer: it may need a moment to see the seeded role.
  await waitFor(
    "the dashboard's sections",
    async () => {
      if (await page.getByRole("navigation", { name: "Dashboard sections" }).isVisible()) return true;
      const again = page.getByRole("button", { name: "Check again" });
      if (await again.isVisible()) await again.click();
      return false;
    },
    TIMEOUT,
  ).catch(async (error: Error) => {
    throw new Error(
      `${error.message}; the page reads: ${((await page.locator("main").textContent()) ?? "").replace(/\s+/g, " ")}`,
    );
  });
}
