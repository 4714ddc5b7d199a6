/**
 * The provider says no, or asks for more: the page says so in plain words with the way forward,
 * and that way forward leads to "verified". The sandbox decides by the name typed on its page
 * ("reject" rejects, "resubmit" asks for a resubmission).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser.js";
import {
  atFailure,
  atStep,
  completeSandboxFlow,
  STEP_TIMEOUT,
  startVerification,
  subjectOf,
} from "./support/person.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The session id this browser's flow holds. */
async function sessionIdOf(page: import("playwright-core").Page): Promise<string | undefined> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("onekey:verify:"))
      .map((k) => JSON.parse(localStorage.getItem(k) as string).sessionId as string | undefined)
      .find(Boolean),
  );
}

describe("the provider's other outcomes", () => {
  it("a rejection says so in plain words, and starting again leads to verified", async () => {
    const person = await newPerson(browser, "outcomes", "rejected");
    const { page } = person;
    await startVerification(person, stack.verifyUrl);
    await completeSandboxFlow(person, { firstName: "Rejectme", lastName: "Example" }, { appUrl: stack.appUrl });
    await atFailure(page, "provider_rejected");
    const alert = page.getByRole("alert");
    expect(await alert.innerText()).toMatch(
      /could not verify you[\s\S]*Nothing was stored and nothing is on the chain/,
    );
    await person.screen("rejected");
    // The screen no longer says the provider is still reviewing.
    expect(await page.locator("main").innerText()).not.toMatch(/is reviewing your check/);
    const rejectedSession = await sessionIdOf(page);
    // Nothing reached the chain.
    const subject = await subjectOf(page);
    expect((await tenant.attestation(subject)).uid).toMatch(/^0x0+$/);

    await alert.getByRole("button", { name: "Start again" }).click();
    await atStep(page, "provider");
    expect(await sessionIdOf(page)).not.toBe(rejectedSession);
    await person.screen("started-again");
    await page.getByRole("button", { name: /Continue to the identity check/ }).click();
    await completeSandboxFlow(person, { firstName: "Ada", lastName: "Example" }, { appUrl: stack.appUrl });
    await atStep(page, "submitting");
    await page.getByRole("button", { name: /Record and give consent to/ }).click();
    await atStep(page, "verified");
    const { level } = await tenant.attestation(subject);
    expect(await tenant.isVerifiedFor(subject, level, BigInt(stack.demo.projectId))).toBe(true);
    await person.close();
  });

  it("a request to resubmit keeps the session, and going through the provider again leads to verified", async () => {
    const person = await newPerson(browser, "outcomes", "resubmit");
    const { page } = person;
    await startVerification(person, stack.verifyUrl);
    await completeSandboxFlow(person, { firstName: "Resubmit", lastName: "Example" }, { appUrl: stack.appUrl });
    await atFailure(page, "provider_needs_resubmission");
    const alert = page.getByRole("alert");
    expect(await alert.innerText()).toMatch(/needs more from you[\s\S]*Your session stays open/);
    await person.screen("needs-resubmission");
    const session = await sessionIdOf(page);

    await alert.getByRole("button", { name: "Go through the provider's step again" }).click();
    await atStep(page, "provider");
    await page.getByText(/The provider asked for more/).waitFor({ timeout: STEP_TIMEOUT });
    await person.screen("resubmit-provider");
    await page.getByRole("button", { name: /Continue to the identity check/ }).click();
    // The provider's page says why, in words (not its label).
    await page
      .getByText(
        /Please submit again: the provider could not accept your last submission: the document could not be read/,
      )
      .waitFor({ timeout: STEP_TIMEOUT });
    await completeSandboxFlow(person, { firstName: "Ada", lastName: "Example" }, { appUrl: stack.appUrl });
    await atStep(page, "submitting");
    expect(await sessionIdOf(page)).toBe(session);
    await page.getByRole("button", { name: /Record and give consent to/ }).click();
    await atStep(page, "verified");
    const subject = await subjectOf(page);
    const { level } = await tenant.attestation(subject);
    expect(await tenant.isVerifiedFor(subject, level, BigInt(stack.demo.projectId))).toBe(true);
    await person.close();
  });
});
