/**
 * The project's first provider is down: the person is not stopped. The issuer opens the session at
 * the next provider the project uses (npm run dev runs a second sandbox, "sandbox-b"), the person
 * goes through that provider's page and ends verified. The first sandbox is taken down through its
 * admin API (failure injection), as a real provider's outage would look to the issuer.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser.js";
import { atStep, completeSandboxFlow, STEP_TIMEOUT, startVerification, subjectOf } from "./support/person.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
let browser: Awaited<ReturnType<typeof launchBrowser>>;

function sandbox(name: "sandbox" | "sandbox-b") {
  const entry = stack.sandboxes?.[name];
  if (!entry) throw new Error(`npm run dev did not report the ${name} provider in .dev/stack.json`);
  return entry;
}

async function setFault(name: "sandbox" | "sandbox-b", mode: "none" | "down") {
  const { url, adminToken } = sandbox(name);
  const res = await fetch(`${url}/admin/fault`, {
    method: "PUT",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ mode }),
  });
  if (!res.ok) throw new Error(`${name} refused the fault ${mode}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  // The other suites share this stack: the first provider answers again.
  await setFault("sandbox", "none");
  await browser?.close();
});

describe("the first provider is down", () => {
  it("opens the session at the fallback provider, and the person verifies there", async () => {
    await setFault("sandbox", "down");
    const person = await newPerson(browser, "fallback");
    const { page } = person;

    await startVerification(person, stack.verifyUrl);
    // The identity check runs at the second provider's page, not the first's.
    await page.waitForURL(`${sandbox("sandbox-b").url}/**`, { timeout: STEP_TIMEOUT });
    expect(page.url().startsWith(sandbox("sandbox").url)).toBe(false);
    await completeSandboxFlow(person, { firstName: "Grace", lastName: "Fallback" }, { appUrl: stack.appUrl });
    await atStep(page, "submitting");
    await person.screen("record-and-consent");
    await page.getByRole("button", { name: /Record and give consent to/ }).click();
    await atStep(page, "verified");
    await person.screen("verified");

    const subject = await subjectOf(page);
    const { level } = await tenant.attestation(subject);
    expect(await tenant.isVerifiedFor(subject, level, BigInt(stack.demo.projectId))).toBe(true);
    await person.close();
  });
});
