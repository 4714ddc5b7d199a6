/**
 * The dashboard's chain screens, as a tenant uses them: an injected wallet (the test's own key,
 * announced through EIP-6963) signs in and, paying its own gas, creates an organization and a
 * project, funds the project's budget, grants itself the sponsor-manager role, sets a cap, offers
 * a reader role and withdraws the budget. Each step is checked against the chain itself; each
 * screen with axe, and photographed. A withdrawal the page still allows but the chain no longer
 * would (the role given up elsewhere) is stopped by the simulation: the refusal in words, nothing sent.
 *
 * The wallet reports EIP-5792 capabilities, as smart wallets do, so the app signs in with the
 * wallet's own address and pays its own gas (support/injected-wallet.ts). The tenant is brand new:
 * it meets "No projects yet" and starts from there.
 */
import { contractOf, oneKeyPaymasterAbi, PROJECT_ROLES, projectRegistryAbi } from "@onekey/deploy";
import type { Locator } from "playwright-core";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
  type TransactionReceipt,
} from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedProject } from "../harness/dev-app.js";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { injectWallet, signInToDashboard } from "./support/injected-wallet.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const TIMEOUT = 45_000;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let person: Person;
const eoa = privateKeyToAccount(generatePrivateKey());
let account: Address;
const reader = createPublicClient({ chain: hardhat, transport: http(stack.rpcUrl), pollingInterval: 50 });
const suffix = Date.now().toString(36);
const slug = `chain-e2e-${suffix}`;
let orgId: bigint;
let projectId: bigint;

const registry = () => contractOf(tenant.book(), "ProjectRegistry").address;
const paymaster = () => contractOf(tenant.book(), "OneKeyPaymaster").address;

async function confirm(hash: Promise<Hex>): Promise<TransactionReceipt> {
  const receipt = await reader.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`setup transaction ${receipt.transactionHash} reverted`);
  return receipt;
}

/** Waits for the action's confirmation in `section`, or fails with the error panel's words. */
async function done(section: Locator, label: RegExp) {
  const outcome = section
    .locator(".notice.ok, [role='alert']")
    .filter({ hasText: label })
    .or(section.getByRole("alert"));
  await outcome.first().waitFor({ timeout: TIMEOUT });
  const alert = section.getByRole("alert");
  if (await alert.count())
    throw new Error(`the action failed: ${((await alert.first().textContent()) ?? "").replace(/\s+/g, " ")}`);
}

/**
 * A tenant's browser with its own injected wallet and its account given ETH for gas. With
 * `adminElsewhere`, the account also administers a project of another organization (a tenant
 * that already has a project); without, it is brand new: no role anywhere.
 */
async function newTenant(who: string, key: PrivateKeyAccount, adminElsewhere = false): Promise<Person> {
  const tenantPerson = await newPerson(browser, "dashboard-chain", who);
  await injectWallet(tenantPerson.page, key, stack);
  const funder = createWalletClient({ account: tenant.owner, chain: hardhat, transport: http(stack.rpcUrl) });
  await confirm(funder.sendTransaction({ to: key.address, value: parseEther("3") }));
  if (!adminElsewhere) return tenantPerson;
  const seeded = await seedProject({ rpcUrl: stack.rpcUrl, deployment: tenant.book(), slug: `seed-${who}-${suffix}` });
  await confirm(
    funder.writeContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "grantRole",
      args: [seeded.projectId, key.address, PROJECT_ROLES.ADMIN],
    }),
  );
  return tenantPerson;
}

beforeAll(async () => {
  browser = await launchBrowser();
  // The account the app signs in as: the wallet's own. It pays its own gas.
  account = eoa.address;
  person = await newTenant("tenant", eoa);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("the dashboard's chain screens", () => {
  it("signs in with an injected wallet and creates an organization", async () => {
    const { page } = person;
    await signInToDashboard(page, stack);
    // A brand-new tenant, no role anywhere yet: the dashboard says so and leads to its first organization.
    await page.getByRole("heading", { name: "No projects yet" }).waitFor();
    await person.screen("no-projects", { docs: "dashboard-chain-0-new-tenant" });
    await page.getByRole("link", { name: "Create an organization" }).click();
    await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor();
    await person.screen("organizations", { docs: "dashboard-chain-organizations" });

    const create = page.locator("section", { has: page.getByRole("heading", { name: "Create an organization" }) });
    await create.getByLabel("Metadata link (optional)").fill("not a link");
    await create.getByRole("button", { name: "Create organization" }).click();
    await create.getByText("A link such as https://").waitFor();
    await create.getByLabel("Metadata link (optional)").fill(`https://example.org/${suffix}.json`);
    await create.getByRole("button", { name: "Create organization" }).click();
    await done(create, /Create the organization/);

    const details = page.locator("section[data-org]");
    await details.waitFor();
    orgId = BigInt((await details.getAttribute("data-org")) as string);
    const org = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "getOrganization",
      args: [orgId],
    });
    expect(org.owner).toBe(account);
    expect(org.metadataURI).toBe(`https://example.org/${suffix}.json`);
    // The owner's own actions are open; accepting a transfer nobody started is greyed out, with why.
    const accept = details.getByRole("button", { name: "Accept ownership" });
    expect(await accept.isDisabled()).toBe(true);
    expect(await details.getByText("No transfer is pending").count()).toBeGreaterThan(0);
    await person.screen("organization-created", { docs: "dashboard-chain-organization" });
  });

  it("creates a project, the slug checked live against the registry, and shows its verify link and QR code", async () => {
    const { page } = person;
    await page.getByRole("link", { name: "Projects and roles" }).click();
    const create = page.locator("section", { has: page.getByRole("heading", { name: "Create a project" }) });
    await create.waitFor();
    const slugField = create.getByLabel("Slug");
    const state = create.locator(".slug-state");
    await slugField.fill("Bad Slug");
    await create.locator('.slug-state[data-state="invalid"]').waitFor();
    await slugField.fill(stack.demo.slug);
    await create.locator('.slug-state[data-state="taken"]').waitFor({ timeout: TIMEOUT });
    expect(await state.textContent()).toMatch(/taken \(project \d+\)/);
    await slugField.fill(slug);
    await create.locator('.slug-state[data-state="free"]').waitFor({ timeout: TIMEOUT });
    await create.getByLabel("Organization").selectOption(String(orgId));
    await create.getByLabel("Required KYC level").fill("2");
    await person.screen("project-create", { docs: "dashboard-chain-project-create" });
    await create.getByRole("button", { name: "Create project" }).click();
    await done(create, new RegExp(`Create project ${slug}`));

    projectId = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "projectIdOfSlug",
      args: [slug],
    });
    expect(projectId).toBeGreaterThan(0n);
    const project = await reader.readContract({
      address: registry(),
      abi: projectRegistryAbi,
      functionName: "getProject",
      args: [projectId],
    });
    expect(project.orgId).toBe(orgId);
    expect(project.settings.requiredLevel).toBe(2);

    const details = page.locator(`section[data-project="${slug}"]`);
    await details.waitFor({ timeout: TIMEOUT });
    expect(await details.getByTestId("verify-link").getAttribute("href")).toBe(`${stack.appUrl}/verify/${slug}`);
    expect(
      await details.getByRole("img", { name: new RegExp(`QR code of the verify link .*/verify/${slug}`) }).count(),
    ).toBe(1);
    await person.screen("project", { docs: "dashboard-chain-project" });
  });

  it("funds the budget, and keeps withdrawal and limits greyed out until the account is a sponsor manager", async () => {
    const { page } = person;
    await page.getByRole("link", { name: "Sponsorship" }).click();
    const fund = page.locator("section", { has: page.getByRole("heading", { name: "Fund" }) });
    await fund.waitFor({ timeout: TIMEOUT });
    await page.getByRole("heading", { name: new RegExp(`Budget of ${slug}`) }).waitFor({ timeout: TIMEOUT });
    const withdraw = page.locator("section", { has: page.getByRole("heading", { name: "Withdraw" }) });
    expect(await withdraw.getByRole("button", { name: "Withdraw", exact: true }).isDisabled()).toBe(true);
    expect(await withdraw.getByTestId("gate-reason").textContent()).toMatch(/grant yourself the sponsor manager role/);

    await fund.getByLabel("Amount to add (ETH)").fill("0.5");
    await fund.getByRole("button", { name: "Fund the budget" }).click();
    await done(fund, /Add 0.5 ETH/);
    const budget = await reader.readContract({
      address: paymaster(),
      abi: oneKeyPaymasterAbi,
      functionName: "projectBudget",
      args: [projectId],
    });
    expect(budget.balance).toBe(parseEther("0.5"));
    expect(budget.active).toBe(true);
    await page.locator('[data-testid="balance"][data-wei="500000000000000000"]').waitFor({ timeout: TIMEOUT });
    await person.screen("sponsorship-funded", { docs: "dashboard-chain-sponsorship" });
  });

  it("grants the sponsor-manager role to itself and offers a reader role to another account", async () => {
    const { page } = person;
    await page.getByRole("link", { name: "Projects and roles" }).click();
    const details = page.locator(`section[data-project="${slug}"]`);
    await details.waitFor({ timeout: TIMEOUT });
    const grant = async (who: Address, role: string) => {
      await details.getByLabel("Account", { exact: true }).fill(who);
      await details.getByLabel("Role", { exact: true }).selectOption({ label: role });
      await details.getByRole("button", { name: "Grant role" }).click();
      await done(details, new RegExp(`Grant ${role}`));
    };
    await grant(account, "Sponsor manager");
    expect(
      await reader.readContract({
        address: registry(),
        abi: projectRegistryAbi,
        functionName: "hasRole",
        args: [projectId, account, PROJECT_ROLES.SPONSOR_MANAGER],
      }),
    ).toBe(true);

    const readerAccount = privateKeyToAccount(generatePrivateKey()).address;
    await grant(readerAccount, "Reader");
    // A reader role for another account is an offer until it accepts (ProjectRegistry rule 1).
    expect(
      await reader.readContract({
        address: registry(),
        abi: projectRegistryAbi,
        functionName: "offeredRolesOf",
        args: [projectId, readerAccount],
      }),
    ).toBe(PROJECT_ROLES.READER);
    const row = details.locator(`tr[data-member="${readerAccount.toLowerCase()}"]`);
    await row.getByRole("cell", { name: "Reader", exact: true }).waitFor({ timeout: TIMEOUT });
    await person.screen("roles", { docs: "dashboard-chain-roles" });
  });

  it("sets a per-user cap, then withdraws the whole budget", async () => {
    const { page } = person;
    await page.getByRole("link", { name: "Sponsorship" }).click();
    const limits = page.locator("section", { has: page.getByRole("heading", { name: "Limits" }) });
    await limits.waitFor({ timeout: TIMEOUT });
    await limits.getByLabel("Per-user cap (ETH per period)").fill("0.01");
    await limits.getByLabel("Period", { exact: true }).fill("1");
    await limits.getByLabel("Unit").selectOption("days");
    await limits.getByRole("button", { name: "Save limits" }).click();
    await done(limits, /Save the sponsorship policy/);
    const policy = await reader.readContract({
      address: paymaster(),
      abi: oneKeyPaymasterAbi,
      functionName: "sponsorshipPolicy",
      args: [projectId],
    });
    expect(policy.perUserCap).toBe(parseEther("0.01"));
    expect(policy.periodSeconds).toBe(86_400);

    const withdraw = page.locator("section", { has: page.getByRole("heading", { name: "Withdraw" }) });
    // The page still shows the role; meanwhile the account gives it up elsewhere. The simulation
    // catches it: the contract's refusal in words, and nothing sent.
    const self = createWalletClient({ account: eoa, chain: hardhat, transport: http(stack.rpcUrl) });
    const renounce = (functionName: "renounceRole" | "grantRole") =>
      confirm(
        functionName === "renounceRole"
          ? self.writeContract({
              address: registry(),
              abi: projectRegistryAbi,
              functionName,
              args: [projectId, PROJECT_ROLES.SPONSOR_MANAGER],
            })
          : self.writeContract({
              address: registry(),
              abi: projectRegistryAbi,
              functionName,
              args: [projectId, account, PROJECT_ROLES.SPONSOR_MANAGER],
            }),
      );
    await renounce("renounceRole");
    const nonce = await reader.getTransactionCount({ address: account });
    await withdraw.getByLabel("Amount to withdraw (ETH)").fill("0.1");
    await withdraw.getByRole("button", { name: "Withdraw", exact: true }).click();
    const refusal = withdraw.getByRole("alert");
    await refusal.waitFor({ timeout: TIMEOUT });
    expect(await refusal.textContent()).toMatch(
      /The chain would refuse this.*nothing was sent.*is not a sponsor manager of project/,
    );
    await person.screen("withdraw-refused", { docs: "dashboard-chain-refused" });
    expect(await reader.getTransactionCount({ address: account })).toBe(nonce);
    // Having read the chain again, the page greys the action out with the reason.
    await withdraw.getByText("Only the project's sponsor managers may do this.").waitFor({ timeout: TIMEOUT });
    await renounce("grantRole");
    await refusal.getByRole("button", { name: "Try again" }).click();

    const before = await reader.getBalance({ address: account });
    await withdraw.getByLabel("Amount to withdraw (ETH)").fill("0.6");
    await withdraw.getByRole("button", { name: "Withdraw", exact: true }).click();
    await withdraw.getByText("That is more than the budget holds.").waitFor();
    await withdraw.getByRole("button", { name: "All of it" }).click();
    await withdraw.getByRole("button", { name: "Withdraw", exact: true }).click();
    await done(withdraw, /Withdraw 0.5 ETH/);
    const budget = await reader.readContract({
      address: paymaster(),
      abi: oneKeyPaymasterAbi,
      functionName: "projectBudget",
      args: [projectId],
    });
    expect(budget.balance).toBe(0n);
    // The account received it (less the gas its transaction paid).
    const after = await reader.getBalance({ address: account });
    expect(after - before).toBeGreaterThan(parseEther("0.49"));
    await page.locator('[data-testid="balance"][data-wei="0"]').waitFor({ timeout: TIMEOUT });
    await person.screen("sponsorship-withdrawn", { docs: "dashboard-chain-withdrawn" });
  });

  it("hands the organization over in two steps: the owner names the heir, the heir accepts", async () => {
    const { page } = person;
    const heirKey = privateKeyToAccount(generatePrivateKey());
    const heir = await newTenant("heir", heirKey, true);
    try {
      await page.getByRole("link", { name: "Organizations" }).click();
      const details = page.locator(`section[data-org="${orgId}"]`);
      await details.waitFor({ timeout: TIMEOUT });
      await details.getByLabel("New owner address").fill(heirKey.address);
      await details.getByRole("button", { name: "Begin the transfer" }).click();
      await done(details, /Name the new owner/);
      const pending = await reader.readContract({
        address: registry(),
        abi: projectRegistryAbi,
        functionName: "getOrganization",
        args: [orgId],
      });
      expect(pending.pendingOwner).toBe(heirKey.address);
      expect(pending.owner).toBe(account);
      // Only the heir may accept: the owner's own button stays grey, with why.
      expect(await details.getByRole("button", { name: "Accept ownership" }).isDisabled()).toBe(true);

      await signInToDashboard(heir.page, stack);
      await heir.page.getByRole("link", { name: "Organizations" }).click();
      const offered = heir.page.locator(`section[data-org="${orgId}"]`);
      await offered.waitFor({ timeout: TIMEOUT });
      expect(await offered.getByTestId("pending-owner").textContent()).toMatch(/\(you\)/);
      // The heir may not change admins before it owns the organization.
      expect(await offered.getByRole("button", { name: "Enable admin" }).isDisabled()).toBe(true);
      await heir.screen("ownership-offered", { docs: "dashboard-chain-ownership" });
      await offered.getByRole("button", { name: "Accept ownership" }).click();
      await done(offered, /Accept ownership/);
      const after = await reader.readContract({
        address: registry(),
        abi: projectRegistryAbi,
        functionName: "getOrganization",
        args: [orgId],
      });
      expect(after.owner).toBe(heirKey.address);
      expect(after.pendingOwner).toBe("0x0000000000000000000000000000000000000000");
      await offered.getByText("none pending").waitFor({ timeout: TIMEOUT });
    } finally {
      await heir.close();
    }
  });
});
