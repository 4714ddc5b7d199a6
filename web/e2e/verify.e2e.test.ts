/**
 * A person verifies with the demo project's link, by keyboard alone, with the sandbox provider
 * approving: from the link to the "verified" page, every screen checked with axe and saved. The
 * project's contract check turns true, the person paid nothing, and the record is ciphertext.
 */
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { atStep, completeSandboxFlow, pressByKeyboard, startVerification } from "./support/person.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let person: Person;
const tenant = new Tenant(stack);
const CANARY = "Canary-Q7X2";

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("verify with the browser wallet, keyboard only", () => {
  it("goes from the verify link to verified, gasless, with every screen accessible", async () => {
    person = await newPerson(browser, "verify");
    const { page } = person;
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });

    await page.goto(stack.appUrl);
    await person.screen("landing", { docs: "0-landing" });

    await startVerification(person, stack.verifyUrl, { keyboard: true, shots: true });
    await completeSandboxFlow(person, { firstName: "Ada", lastName: CANARY }, { keyboard: true, appUrl: stack.appUrl });
    // Back from the provider: the page resumes by itself, and waits for the decision.
    await atStep(page, "submitting");
    await person.screen("consent", { docs: "4-record-and-consent" });
    await expect(page.getByText(/let .*demo.* check your verification/i)).toBeTruthy();
    await pressByKeyboard(page, /Record and give consent to demo/);
    await atStep(page, "verified");
    await person.screen("verified", { docs: "5-verified" });

    const subject = (await page.evaluate(() => document.querySelector(".wallet-badge")?.textContent ?? "")).replace(
      "Connected: ",
      "",
    );
    expect(subject).toMatch(/^0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}$/);
    const facts = await page.locator(".facts").innerText();
    expect(facts).toMatch(/Level \d/);
    expect(facts).toMatch(/Consent given to\s+demo/);

    // The chain agrees: the demo project's check is true for this person's account.
    const account = (await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("onekey:verify:"))
        .map((k) => JSON.parse(localStorage.getItem(k) as string).subject)
        .find(Boolean),
    )) as Address;
    const level = (await tenant.attestation(account)).level;
    expect(await tenant.isVerifiedFor(account, level, BigInt(stack.demo.projectId))).toBe(true);
    // Gasless: the account never held ETH.
    expect(await tenant.reader.getBalance({ address: account })).toBe(0n);
    // The canary is in the record only as ciphertext: the stored item does not contain it.
    const { storageId } = await tenant.attestation(account);
    const stored = await fetch(
      `${stack.storageBundlerUrl}/${Buffer.from(storageId.slice(2), "hex").toString("base64url")}`,
    );
    expect(stored.ok).toBe(true);
    expect(Buffer.from(await stored.arrayBuffer()).toString("latin1")).not.toContain(CANARY);
    // Privy is not configured, so its code never loaded.
    expect(scripts.some((url) => /privy/i.test(url))).toBe(false);
  });
});
