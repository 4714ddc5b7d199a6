/**
 * The tenant dashboard end to end, as a project admin uses it: connect the browser wallet, sign in
 * with it (EIP-4361, the API's own session; the account is a smart account, verified by ERC-6492
 * before it is deployed), pick the project the chain says it administers, create an API key and
 * use it against the API, rotate it (the old key stops), register a webhook endpoint at a local
 * receiver and watch a signed test delivery arrive, replay it (same webhook-id), read the audit
 * log and export it, and see users and usage. Every screen is checked with axe and photographed.
 */
import { readFile } from "node:fs/promises";
import { PROJECT_ROLES } from "@onekey/deploy";
import { waitFor } from "@onekey/devnet/processes";
import { type Receiver, startReceiver } from "@onekey/indexer/harness/receiver";
import { Webhook } from "standardwebhooks";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { grantProjectRole } from "./support/dashboard.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const TIMEOUT = 30_000;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let admin: Person;
let receiver: Receiver;
let project: { projectId: bigint; slug: string };
let account: Address;

beforeAll(async () => {
  [browser, receiver, project] = await Promise.all([
    launchBrowser(),
    startReceiver(),
    tenant.createProject(`dash-${Date.now().toString(36)}`),
  ]);
  admin = await newPerson(browser, "dashboard", "admin");
});
afterAll(async () => {
  await receiver?.close();
  await browser?.close();
});

/** GET on the tenant API with an API key. */
function callApi(path: string, key: string) {
  return fetch(`${stack.indexerUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
}

/** Opens a dashboard section from the side navigation. */
async function open(label: string, screen: string) {
  const { page } = admin;
  await page.getByRole("navigation", { name: "Dashboard sections" }).getByRole("link", { name: label }).click();
  await page.locator(`[data-screen="${screen}"]`).waitFor({ timeout: TIMEOUT });
}

async function secretShown(): Promise<string> {
  const value = admin.page.getByTestId("secret-value");
  await value.waitFor({ timeout: TIMEOUT });
  return (await value.innerText()).trim();
}

describe("the tenant dashboard", () => {
  it("signs in with the browser wallet and shows the project the chain says it administers", async () => {
    const { page } = admin;
    await page.goto(`${stack.appUrl}/dashboard`);
    await page.getByRole("heading", { name: "Tenant dashboard" }).waitFor();
    await admin.screen("connect", { docs: "dashboard-1-connect" });
    await page.getByRole("button", { name: /Use the OneKey browser wallet/ }).click();
    const signIn = page.getByRole("button", { name: "Sign in with your wallet" });
    await signIn.waitFor({ timeout: TIMEOUT });
    account = (await page.locator('[data-screen="dashboard-sign-in"] code').innerText()).trim() as Address;
    expect(account).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await admin.screen("sign-in", { docs: "dashboard-2-sign-in" });

    await grantProjectRole(stack, project.projectId, account, PROJECT_ROLES.ADMIN);
    await signIn.click();
    // The role is read from the indexed chain: "Check again" until the indexer has the block.
    const picker = page.getByLabel("Project");
    await waitFor(
      "the granted project in the picker",
      async () => {
        if (await picker.isVisible()) {
          const values = await picker
            .locator("option")
            .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
          if (values.includes(project.projectId.toString())) return true;
        }
        const again = page.getByRole("button", { name: "Check again" });
        if (await again.isVisible()) await again.click();
        return false;
      },
      TIMEOUT,
    );
    await picker.selectOption(project.projectId.toString());
    await page.locator('[data-screen="overview"]').getByRole("heading", { name: project.slug }).waitFor();
    expect(await page.locator('[data-screen="overview"]').innerText()).toMatch(/Your roles\s+admin/);
    // The session is a bearer token in the tab, never in the address bar; a reload keeps it.
    expect(page.url()).not.toMatch(/oks_/);
    await page.reload();
    await page.locator('[data-screen="overview"]').getByRole("heading", { name: project.slug }).waitFor();
    await admin.screen("overview", { docs: "dashboard-3-overview" });
  });

  it("creates an API key (secret shown once) that works against the API, then rotates it: the old one stops", async () => {
    const { page } = admin;
    await open("API keys", "api-keys");
    await admin.screen("api-keys-empty");
    // Bad input is refused in words, and nothing is sent.
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("Name: give the key a name").waitFor();
    expect(await page.locator("tr[data-key-id]").count()).toBe(0);

    await page.getByLabel("Name").fill("e2e backend");
    await page.getByLabel(/webhooks:manage/).check();
    await page.getByLabel("Expires").selectOption("30");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await secretShown();
    expect(key).toMatch(/^okk_[A-Za-z0-9_-]{43}$/);
    await page.locator('tr[data-status="active"]').waitFor();
    await admin.screen("api-key-created", { docs: "dashboard-4-api-key-created" });
    const used = await callApi("/v1/project", key);
    expect(used.status).toBe(200);
    expect(((await used.json()) as { projectId: string }).projectId).toBe(project.projectId.toString());
    await page.getByRole("button", { name: "I have stored it" }).click();
    expect(await page.getByTestId("secret-value").count()).toBe(0);

    await page.getByLabel("Grace period when rotating").selectOption("0");
    await page.getByRole("button", { name: "Rotate e2e backend" }).click();
    const rotated = await secretShown();
    expect(rotated).not.toBe(key);
    await page.locator('tr[data-status="revoked"]').waitFor();
    await admin.screen("api-key-rotated", { docs: "dashboard-5-api-key-rotated" });
    expect((await callApi("/v1/project", key)).status).toBe(401);
    expect((await callApi("/v1/project", rotated)).status).toBe(200);
    await page.getByRole("button", { name: "I have stored it" }).click();
    // The list says when each key was last used: the old one was, above.
    await waitFor(
      "the old key's last use in the list",
      async () => {
        await open("Overview", "overview");
        await open("API keys", "api-keys");
        const row = page.locator('tr[data-status="revoked"]');
        return !(await row.innerText()).includes("Not yet");
      },
      TIMEOUT,
    );
  });

  it("registers a webhook endpoint, and a signed test delivery arrives, shows as delivered, and replays", async () => {
    const { page } = admin;
    await open("Webhooks", "webhooks");
    const path = `/dashboard-${project.projectId}`;
    await page.getByLabel("URL").fill(receiver.url(path));
    await page.getByRole("button", { name: "Register endpoint" }).click();
    const secret = await secretShown();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have stored it" }).click();
    const endpoint = page.locator("article[data-endpoint-id]");
    await endpoint.waitFor({ timeout: TIMEOUT });

    await endpoint.getByRole("button", { name: "Send a test event" }).click();
    const first = await waitFor("the test delivery at the receiver", async () => receiver.on(path)[0], TIMEOUT);
    const event = new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { type: string };
    expect(event.type).toBe("webhook.test");

    const delivered = page.locator('tr[data-status="delivered"][data-event-type="webhook.test"]');
    await waitFor(
      "the delivery log to show it delivered",
      async () => {
        if ((await delivered.count()) > 0) return true;
        await page.getByRole("button", { name: "Refresh" }).click();
        return false;
      },
      TIMEOUT,
    );
    await delivered.getByRole("button", { name: "Attempts" }).click();
    await page.getByText(/HTTP 20\d in \d+ ms/).waitFor({ timeout: TIMEOUT });
    await admin.screen("webhooks-delivered", { docs: "dashboard-6-webhooks" });

    await delivered.getByRole("button", { name: /^Replay webhook.test delivery/ }).click();
    const again = await waitFor("the replayed delivery", async () => receiver.on(path)[1], TIMEOUT);
    // A replay is the same event: the same webhook-id, so a receiver can drop the duplicate.
    expect(again.id).toBe(first.id);
  });

  it("reads the audit log of those actions, filters it, and exports it as CSV", async () => {
    const { page } = admin;
    await open("Audit log", "audit-log");
    for (const action of ["api_key.create", "api_key.rotate", "webhook_endpoint.create", "webhook_delivery.replay"]) {
      await page.locator(`tr[data-action="${action}"][data-result="ok"]`).first().waitFor({ timeout: TIMEOUT });
    }
    expect(await page.locator("tbody").innerText()).toContain(account.toLowerCase());
    await admin.screen("audit-log", { docs: "dashboard-7-audit-log" });

    await page.getByLabel("Action").fill("api_key");
    await page.getByRole("button", { name: "Filter" }).click();
    // Filtered by the API: only api_key.* rows come back.
    await page.getByText(/^\d+ entries/).waitFor({ timeout: TIMEOUT });
    await page.locator('tr[data-action^="api_key"]').first().waitFor({ timeout: TIMEOUT });
    expect(await page.locator('tr[data-action^="webhook"]').count()).toBe(0);
    const actions = await page
      .locator("tr[data-action]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions.length).toBeGreaterThan(1);
    for (const action of actions) expect(action).toMatch(/^api_key\./);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csv = await readFile((await download.path()) as string, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actor,action,target,result,detail");
    expect(lines.length).toBe(actions.length + 1);
    expect(csv).not.toMatch(/okk_[A-Za-z0-9_-]{43}|oks_[A-Za-z0-9_-]{43}/);
  });

  it("shows users and usage per day", async () => {
    const { page } = admin;
    await open("Users", "users");
    await page
      .getByText(/Nobody yet|Account/)
      .first()
      .waitFor({ timeout: TIMEOUT });
    await admin.screen("users", { docs: "dashboard-8-users" });

    await open("Usage", "usage");
    const totals = page.getByTestId("usage-totals");
    await totals.waitFor({ timeout: TIMEOUT });
    // The test event and its replay are one delivery, made today.
    expect(await totals.innerText()).toMatch(/Webhook deliveries\s+1\b/);
    await admin.screen("usage", { docs: "dashboard-9-usage" });
  });
});
