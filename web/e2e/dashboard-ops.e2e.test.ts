/**
 * The dashboard's Analytics and Billing screens end to end. The demo organization's owner makes a
 * new project, calls the API with the project's key (the API records those calls in its analytics
 * rollups), then reads the charts and the month's statement in the dashboard and downloads it as
 * CSV through fetch and a Blob URL (the session token is never in a URL). A reader of the project
 * is told who may see statements, and the API refuses it the statement too; when the API cannot
 * be reached, Analytics says so and recovers on "Try again". Every screen is checked with axe and
 * photographed.
 */
import { readFile } from "node:fs/promises";
import { waitFor } from "@onekey/devnet/processes";
import { ApiClient } from "@onekey/indexer/harness/api";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DemoProject, seedProject } from "../harness/dev-app.js";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { injectWallet, signInToDashboard } from "./support/injected-wallet.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const api = new ApiClient(stack.indexerUrl);
const TIMEOUT = 30_000;
const CALLS = 5;
/** The dimension of the key's calls in api.calls: route and status. */
const KEY_CALLS = "GET /v1/project 200";
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let owner: Person;
let project: DemoProject;
let ownerSession: string;

/** This month in UTC, as statements name months. */
const thisMonth = () => new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  // A new organization of its own, so its statement holds this file's activity only (other files
  // sponsor gas on the demo organization).
  [browser, project] = await Promise.all([
    launchBrowser(),
    seedProject({ rpcUrl: stack.rpcUrl, deployment: tenant.book(), slug: `ops-${Date.now().toString(36)}` }),
  ]);
  ownerSession = await api.login(tenant.owner);
  // Activity for the charts: the project's backend calls the API with its key. The API adds each
  // call (route, status, latency) to the rollups within its 5 s flush. The key is refused until
  // the indexer has the new organization.
  const { key } = await waitFor(
    "an API key for the new project",
    () => api.createKey(ownerSession, project.projectId, { name: "e2e ops", scopes: ["read"] }),
    TIMEOUT,
  );
  for (let i = 0; i < CALLS; i++) {
    const res = await fetch(`${stack.indexerUrl}/v1/project`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  }
  await waitFor(
    "the API's calls in the project's analytics",
    async () => {
      const report = await api.get<{ series: { metric: string; dimension: string; total: string }[] }>(
        `/v1/admin/projects/${project.projectId}/analytics/usage`,
        ownerSession,
      );
      // Session calls on the project's routes (this one too) count as well: the key's route is the one to wait for.
      const keyCalls = report.body.series?.find((s) => s.metric === "api.calls" && s.dimension === KEY_CALLS);
      return Number(keyCalls?.total ?? 0) >= CALLS;
    },
    TIMEOUT,
  );
  owner = await newPerson(browser, "dashboard-ops", "owner");
  await injectWallet(owner.page, tenant.owner as PrivateKeyAccount, stack);
  await signInToDashboard(owner.page, stack);
  await owner.page.getByLabel("Project").selectOption(project.projectId.toString());
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

async function open(person: Person, label: string, screen: string) {
  await person.page.getByRole("navigation", { name: "Dashboard sections" }).getByRole("link", { name: label }).click();
  await person.page.locator(`[data-screen="${screen}"]`).waitFor({ timeout: TIMEOUT });
}

describe("the dashboard's analytics and billing", () => {
  it("charts the project's API calls and their latency, with the numbers in a table", async () => {
    const { page } = owner;
    await open(owner, "Analytics", "analytics");
    const calls = page.locator('[data-metric="api.calls"]');
    await calls.waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId("analytics-totals").innerText()).toMatch(/API calls\s+\d+/);
    // The text alternative: the chart's numbers, by day, and by route and status.
    await calls.getByText("The numbers").click();
    const keyRow = calls.locator("tr", { hasText: KEY_CALLS });
    expect(await keyRow.locator("td").nth(1).innerText()).toBe(String(CALLS));
    await owner.screen("analytics-usage", { docs: "dashboard-20-analytics" });

    // Hourly buckets are offered only over periods the API answers hourly.
    await page.getByLabel("Period").selectOption("90");
    expect(await page.locator('#analytics-bucket option[value="hour"]').isDisabled()).toBe(true);
    await page.getByLabel("Period").selectOption("7");
    await page.getByLabel("Buckets").selectOption("hour");
    await page.getByLabel("Figures").selectOption("performance");
    const latency = page.locator('[data-metric="api.latency"]');
    await latency.waitFor({ timeout: TIMEOUT });
    await latency.getByText("The numbers").click();
    const row = latency.locator("tr", { hasText: "GET /v1/project" });
    expect(await row.locator("td").nth(1).innerText()).toBe(String(CALLS));
    await owner.screen("analytics-performance");

    // Cost: nothing was sponsored for this new project, so the screen says what would fill it.
    await page.getByLabel("Figures").selectOption("cost");
    await page.getByTestId("analytics-empty").waitFor({ timeout: TIMEOUT });
    await owner.screen("analytics-cost-empty");
  });

  it("shows the organization's statement and downloads it as CSV through a Blob, never a token in a URL", async () => {
    const { page } = owner;
    const statementRequests: { url: string; authorization?: string }[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/statements/"))
        statementRequests.push({ url: request.url(), authorization: request.headers().authorization });
    });
    await open(owner, "Billing", "billing");
    const month = page.getByLabel("Month");
    // Opens on the last full month; this month is offered as "so far".
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    expect(await month.inputValue()).toBe(lastMonth);
    await page.getByTestId("statement-summary").waitFor({ timeout: TIMEOUT });
    expect(await month.locator(`option[value="${thisMonth()}"]`).innerText()).toMatch(/\(so far\)$/);

    await month.selectOption(thisMonth());
    await page.getByTestId("statement-open").waitFor({ timeout: TIMEOUT });
    const lines = page.getByTestId("statement-lines");
    await lines.locator("tbody tr", { hasText: "API calls" }).waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId("statement-total").innerText()).toMatch(/\d/);
    expect(await lines.locator("tfoot").innerText()).toContain("Credit");
    await owner.screen("billing-statement", { docs: "dashboard-21-billing" });

    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: TIMEOUT }),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const orgId = project.orgId.toString();
    expect(download.suggestedFilename()).toBe(`onekey-statement-${orgId}-${thisMonth()}.csv`);
    expect(download.url()).toMatch(/^blob:/);
    const csv = await readFile((await download.path()) as string, "utf8");
    // The API's CSV, as it serves the owner directly (this month's figures may grow meanwhile:
    // the dashboard's own calls count, so the columns are compared, not every byte).
    const direct = await fetch(`${stack.indexerUrl}/v1/admin/organizations/${orgId}/statements/${thisMonth()}`, {
      headers: { authorization: `Bearer ${ownerSession}`, accept: "text/csv" },
    });
    expect(direct.status).toBe(200);
    expect(csv.split("\n")[0]).toBe((await direct.text()).split("\n")[0]);
    expect(csv).toContain("api_calls");

    expect(statementRequests.length).toBeGreaterThanOrEqual(3);
    for (const request of statementRequests) {
      expect(new URL(request.url).search).toBe("");
      expect(request.authorization).toMatch(/^Bearer /);
    }
  });

  it("tells a project's reader who can see statements (the API refuses it too), and recovers Analytics after a network fault", async () => {
    const reader = (await tenant.addReader(project.projectId)) as PrivateKeyAccount;
    const person = await newPerson(browser, "dashboard-ops", "reader");
    try {
      const { page } = person;
      await injectWallet(page, reader, stack);
      await signInToDashboard(page, stack);
      await page.getByLabel("Project").selectOption(project.projectId.toString());
      await open(person, "Billing", "billing");
      const notice = page.getByTestId("billing-not-admin");
      expect(await notice.innerText()).toContain(`organization #${project.orgId} are for its owner and admins`);
      await person.screen("billing-not-admin");
      // The attacker's path: the reader's own session asks the API directly.
      const session = await api.login(reader);
      const refused = await api.get<{ code?: string }>(
        `/v1/admin/organizations/${project.orgId}/statements/${thisMonth()}?format=csv`,
        session,
      );
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).toContain("not_organization_admin");
      expect(JSON.stringify(refused.body)).not.toContain("api_calls");

      // The API drops off the network while the reader opens Analytics: the screen says what to do.
      await page.route("**/analytics/**", (route) => route.abort("connectionrefused"));
      await open(person, "Analytics", "analytics");
      const alert = page.getByRole("alert");
      await alert.waitFor({ timeout: TIMEOUT });
      expect(await alert.innerText()).toContain("The tenant API cannot be reached");
      await person.screen("analytics-unreachable");
      await page.unroute("**/analytics/**");
      await page.getByRole("button", { name: "Try again" }).click();
      await page.locator('[data-metric="api.calls"]').waitFor({ timeout: TIMEOUT });
    } finally {
      await person.close();
    }
  });
});
