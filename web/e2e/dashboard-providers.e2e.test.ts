/**
 * A project's verification providers and required checks on the dashboard's Projects screen
 * (issue 15), as its admin uses them: an injected wallet signs in to the dashboard, opens the
 * providers panel of a project of the demo organization it administers (required level 2), puts
 * the second provider first and adds a check, and saves; the wallet signs the issuer's own sign-in
 * (a second signature). The saved state shows, survives a reload (the issuer token held by the
 * tab: no third signature), and the issuer's public project answer says the same. A checks set
 * below the required level is explained and never sent. An account with another role sees the
 * settings read-only, with the reason. Each screen is checked with axe.
 *
 * The project is its own (seeded in the demo organization), not the demo project: the verify and
 * fallback suites rely on the demo project's default provider order.
 */
import { PROJECT_ROLES } from "@onekey/deploy";
import type { Locator, Page } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedProject } from "../harness/dev-app.js";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { grantProjectRole } from "./support/dashboard.js";
import { injectWallet, signInToDashboard } from "./support/injected-wallet.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const TIMEOUT = 45_000;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let admin: Person;
let sponsor: Person;
const adminKey = privateKeyToAccount(generatePrivateKey());
const sponsorKey = privateKeyToAccount(generatePrivateKey());
const slug = `providers-e2e-${Date.now().toString(36)}`;
let projectId: bigint;
/** Every message the admin's wallet signed (personal_sign), in order. */
const signed: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const seeded = await seedProject({
    rpcUrl: stack.rpcUrl,
    deployment: tenant.book(),
    slug,
    orgId: BigInt(stack.demo.orgId),
    requiredLevel: 2,
  });
  projectId = seeded.projectId;
  await grantProjectRole(stack, projectId, adminKey.address, PROJECT_ROLES.ADMIN);
  await grantProjectRole(stack, projectId, sponsorKey.address, PROJECT_ROLES.SPONSOR_MANAGER);
  admin = await newPerson(browser, "dashboard-providers", "admin");
  sponsor = await newPerson(browser, "dashboard-providers", "sponsor");
  await injectWallet(admin.page, adminKey, stack);
  await injectWallet(sponsor.page, sponsorKey, stack);
  admin.page.on("request", (request) => {
    // The issuer's SIWE exchange (the tenant API's is /v1/auth/login).
    if (request.method() === "POST" && new URL(request.url()).pathname === "/v1/auth/verify") {
      signed.push((JSON.parse(request.postData() ?? "{}") as { message?: string }).message ?? "");
    }
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens Projects and roles, chooses the test's project, and returns its providers panel once read. */
async function openPanel(page: Page): Promise<Locator> {
  await page.getByRole("link", { name: "Projects and roles" }).click();
  const choose = page.getByRole("button", { name: slug, exact: true });
  await choose.waitFor({ timeout: TIMEOUT });
  await choose.click();
  const panel = page.locator(`section[data-project="${slug}"]`).getByTestId("kyc-providers");
  await panel.getByTestId("kyc-required-level").waitFor({ timeout: TIMEOUT });
  return panel;
}

const order = (panel: Locator) =>
  panel.locator("li[data-provider]").evaluateAll((items) => items.map((li) => li.getAttribute("data-provider")));

async function issuerAnswer() {
  const response = await fetch(`${stack.issuerUrl}/v1/projects/${projectId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { providers: string[]; checks: string[]; requiredLevel: number };
}

describe("the project's verification providers", () => {
  it("lets the admin put the second provider first and add a check; the wallet signs in to the issuer to save", async () => {
    const { page } = admin;
    await signInToDashboard(page, stack);
    const panel = await openPanel(page);
    // The issuer's defaults: every provider in the deployment's order, the checks level 2 needs.
    expect(await panel.getByTestId("kyc-required-level").textContent()).toBe("2");
    expect(await order(panel)).toEqual(["sandbox", "sandbox-b"]);
    const liveness = panel.getByRole("checkbox", { name: /Liveness/ });
    expect(await panel.getByRole("checkbox", { name: "Identity document" }).isChecked()).toBe(true);
    expect(await liveness.isChecked()).toBe(true);
    expect(await panel.getByRole("checkbox", { name: "Sanctions screening" }).isChecked()).toBe(false);

    // A needed check stays tickable, and says what unticking it costs; such a set is never sent.
    expect(await panel.getByText("Needed: without it these checks earn level 1").count()).toBe(1);
    await liveness.uncheck();
    expect(await panel.getByTestId("kyc-level").textContent()).toMatch(/earn level 1, below the level 2/);
    const save = panel.getByRole("button", { name: "Save (your wallet signs in to the issuer)" });
    await save.click();
    expect(await panel.getByTestId("kyc-level").textContent()).toMatch(/Tick liveness/);
    expect(signed).toHaveLength(0);
    await liveness.check();

    // Keyboard and screen readers: the move buttons name the provider and stay focusable.
    const up = panel.getByRole("button", { name: "Move sandbox-b up" });
    await up.focus();
    await page.keyboard.press("Enter");
    expect(await order(panel)).toEqual(["sandbox-b", "sandbox"]);
    expect(await panel.getByRole("button", { name: "Move sandbox-b up" }).getAttribute("aria-disabled")).toBe("true");
    await panel.getByRole("checkbox", { name: "Sanctions screening" }).check();
    expect(await panel.getByTestId("kyc-level").getAttribute("data-level")).toBe("2");
    await admin.screen("providers-edited");

    await save.click();
    const saved = panel.getByTestId("kyc-saved");
    await saved.or(panel.getByRole("alert")).first().waitFor({ timeout: TIMEOUT });
    if (await panel.getByRole("alert").count())
      throw new Error(`saving failed: ${((await panel.getByRole("alert").textContent()) ?? "").replace(/\s+/g, " ")}`);
    expect(await saved.textContent()).toMatch(/now start with sandbox-b, then sandbox.*document, liveness, sanctions/);
    // One issuer sign-in, signed by the wallet, saying what it is for.
    expect(signed).toHaveLength(1);
    expect(signed[0]).toContain("change a project's verification settings");
    expect(signed[0]).toContain(adminKey.address);
    expect(await order(panel)).toEqual(["sandbox-b", "sandbox"]);
    expect(await panel.getByRole("checkbox", { name: "Sanctions screening" }).isChecked()).toBe(true);

    // The verify page reads the same from the issuer's public answer.
    const answer = await issuerAnswer();
    expect(answer.providers).toEqual(["sandbox-b", "sandbox"]);
    expect(answer.checks).toEqual(["document", "liveness", "sanctions"]);
    await admin.screen("providers-saved", { docs: "dashboard-chain-providers" });
  });

  it("keeps the saved settings after a reload, and the tab's issuer token saves without another signature", async () => {
    const { page } = admin;
    await page.reload();
    const panel = await openPanel(page);
    await panel.locator("li[data-provider]").first().waitFor({ timeout: TIMEOUT });
    expect(await order(panel)).toEqual(["sandbox-b", "sandbox"]);
    expect(await panel.getByRole("checkbox", { name: "Sanctions screening" }).isChecked()).toBe(true);
    expect(await panel.getByRole("checkbox", { name: /Politically exposed/ }).isChecked()).toBe(false);

    await panel.getByRole("checkbox", { name: /Politically exposed/ }).check();
    expect(await panel.getByTestId("kyc-level").getAttribute("data-level")).toBe("3");
    await panel.getByRole("button", { name: "Save providers and checks" }).click();
    await panel.getByTestId("kyc-saved").waitFor({ timeout: TIMEOUT });
    expect(signed).toHaveLength(1);
    expect((await issuerAnswer()).checks).toEqual(["document", "liveness", "sanctions", "pep"]);
  });

  it("shows an account without the admin role the settings read-only, with the reason", async () => {
    const { page } = sponsor;
    await signInToDashboard(page, stack);
    const panel = await openPanel(page);
    const readOnly = panel.getByTestId("kyc-read-only");
    await readOnly.waitFor();
    expect(await readOnly.textContent()).toMatch(/Read only\. Only an admin of project \d+/);
    expect(await order(panel)).toEqual(["sandbox-b", "sandbox"]);
    expect(await panel.getByRole("button", { name: /Save/ }).count()).toBe(0);
    expect(await panel.getByRole("checkbox").count()).toBe(0);
    await sponsor.screen("providers-read-only");
  });
});
