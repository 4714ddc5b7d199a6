/**
 * The dashboard's chain screens with a plain EOA wallet (MetaMask-style: no EIP-5792, so
 * `wallet_getCapabilities` and `wallet_sendCalls` answer "Method not found"). The app signs in as
 * the SimpleAccount the EOA owns and sends each chain action as a user operation through the
 * bundler: the EOA signs it, the account pays its own gas, and the EOA itself never sends a
 * transaction. While the account holds no ETH, an action is refused in words that name the account
 * to fund, and nothing is sent; funded, the same action goes through (deploying the account on the
 * way), and the next one too, from the deployed account.
 */
import { contractOf, projectRegistryAbi } from "@onekey/deploy";
import { type Address, createPublicClient, createWalletClient, http, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { toSimpleAccountV07 } from "../src/clients/wallet/simple-account.js";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { injectWallet, signInToDashboard } from "./support/injected-wallet.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const TIMEOUT = 60_000;
const reader = createPublicClient({ chain: hardhat, transport: http(stack.rpcUrl), pollingInterval: 50 });
const eoa = privateKeyToAccount(generatePrivateKey());
const suffix = Date.now().toString(36);
const slug = `eoa-e2e-${suffix}`;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let person: Person;
let wallet: { asked: string[] };
/** The SimpleAccount the EOA owns: the account the app signs in as. */
let smart: Address;
let orgId: bigint;

const registry = () => contractOf(tenant.book(), "ProjectRegistry").address;

beforeAll(async () => {
  browser = await launchBrowser();
  person = await newPerson(browser, "dashboard-eoa", "tenant");
  wallet = await injectWallet(person.page, eoa, stack, { eip5792: false });
  const account = await toSimpleAccountV07({
    client: reader,
    owner: { address: eoa.address, signMessage: (args) => eoa.signMessage(args) },
    factory: contractOf(tenant.book(), "SimpleAccountFactoryV07").address,
  });
  smart = account.address;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("the dashboard's chain screens with a plain EOA wallet", () => {
  it("signs in as the EOA's smart account; with no ETH there, an action is refused in words and nothing is sent", async () => {
    const { page } = person;
    await signInToDashboard(page, stack);
    await page.getByRole("heading", { name: "No projects yet" }).waitFor();
    await page.getByRole("link", { name: "Create an organization" }).click();
    const create = page.locator("section", { has: page.getByRole("heading", { name: "Create an organization" }) });
    await create.waitFor();
    // The form's owner is the signed-in account: the smart account, not the EOA.
    expect(await create.getByLabel("Owner").inputValue()).toBe(smart);
    // Before any action, the screen says which account pays, that the EOA signs, and what it holds.
    const paysFrom = page.getByTestId("pays-from");
    await paysFrom.getByText("0 ETH").waitFor({ timeout: TIMEOUT });
    expect(await paysFrom.textContent()).toContain(
      `smart account ${smart}, which your wallet's account ${eoa.address}`,
    );

    await create.getByRole("button", { name: "Create organization" }).click();
    const refused = create.getByRole("alert");
    await refused.waitFor({ timeout: TIMEOUT });
    expect(await refused.getAttribute("data-error-code")).toBe("account_unfunded");
    const text = (await refused.textContent()) ?? "";
    expect(text).toContain("Nothing was sent");
    expect(text).toContain(`Send ETH to ${smart}`);
    await person.screen("unfunded-refused");

    // Nothing happened on chain: the account is not deployed and the EOA sent nothing.
    expect(await reader.getCode({ address: smart })).toBeUndefined();
    expect(await reader.getTransactionCount({ address: eoa.address })).toBe(0);
    expect(wallet.asked).toContain("wallet_getCapabilities");
    expect(wallet.asked).not.toContain("eth_sendTransaction");
    expect(wallet.asked).not.toContain("wallet_sendCalls");
  });

  it("funded, the same action goes through as a user operation the EOA signs, and so does the next", async () => {
    const { page } = person;
    const funder = createWalletClient({ account: tenant.owner, chain: hardhat, transport: http(stack.rpcUrl) });
    const funding = await funder.sendTransaction({ to: smart, value: parseEther("1") });
    expect((await reader.waitForTransactionReceipt({ hash: funding })).status).toBe("success");

    const create = page.locator("section", { has: page.getByRole("heading", { name: "Create an organization" }) });
    await create.getByRole("button", { name: "Try again" }).click();
    // Trying again reads the chain again: the account's new balance is on screen.
    await page.getByTestId("pays-from").getByText("1 ETH").waitFor({ timeout: TIMEOUT });
    await create.getByRole("button", { name: "Create organization" }).click();
    await create.getByText("Done: Create the organization").waitFor({ timeout: TIMEOUT });
    const details = page.locator("section[data-org]");
    await details.waitFor();
    orgId = BigInt((await details.getAttribute("data-org")) as string);
    const org = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "getOrganization",
      args: [orgId],
    });
    expect(org.owner).toBe(smart);
    // The user operation deployed the account on the way.
    expect(await reader.getCode({ address: smart })).toBeDefined();
    await person.screen("organization-created");

    // A second action from the now deployed account: a project in that organization.
    await page.getByRole("link", { name: "Projects and roles" }).click();
    const project = page.locator("section", { has: page.getByRole("heading", { name: "Create a project" }) });
    await project.waitFor();
    await project.getByLabel("Slug").fill(slug);
    await project.locator('.slug-state[data-state="free"]').waitFor({ timeout: TIMEOUT });
    await project.getByLabel("Organization").selectOption(String(orgId));
    await project.getByRole("button", { name: "Create project" }).click();
    await project.getByText(`Done: Create project ${slug}`).waitFor({ timeout: TIMEOUT });
    const projectId = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "projectIdOfSlug",
      args: [slug],
    });
    const created = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "getProject",
      args: [projectId],
    });
    expect(created.orgId).toBe(orgId);
    await person.screen("project-created");

    // Every action was a user operation the EOA signed: it never sent a transaction or needed ETH.
    expect(wallet.asked).toContain("personal_sign");
    expect(wallet.asked).not.toContain("eth_sendTransaction");
    expect(await reader.getTransactionCount({ address: eoa.address })).toBe(0);
  });
});
