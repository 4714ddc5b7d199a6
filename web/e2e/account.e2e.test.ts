/**
 * After verifying once: a second project's link only asks for consent (no second identity
 * check, the same attestation), withdrawing consent on the account page turns the project's
 * check false and fires its webhook, the person opens their own record in the browser, and
 * erasing (after its confirmation) leaves a reader unable to decrypt. One person, in order: each test starts from what the previous one left.
 */

import { waitFor } from "@onekey/devnet/processes";
import type { Receiver } from "@onekey/indexer/harness/receiver";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { atStep, STEP_TIMEOUT, subjectOf, verifyByMouse } from "./support/person.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const CANARY = "Canary-M3K9";
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let person: Person;
let subject: Address;
let second: { projectId: bigint; slug: string };

beforeAll(async () => {
  browser = await launchBrowser();
  person = await newPerson(browser, "account");
  second = await tenant.createProject(`second-${Date.now().toString(36)}`);
  await verifyByMouse(person, stack.verifyUrl, { firstName: "Grace", lastName: CANARY }, stack.appUrl);
  subject = await subjectOf(person.page);
});
afterAll(async () => {
  await browser?.close();
});

/** The row of a project on the account page, once it reads `consent`. */
async function consentRow(slug: string, consent: "Given" | "Withdrawn") {
  const row = person.page.locator(`tr[data-project="${slug}"]`);
  await row.getByRole("cell", { name: consent, exact: true }).waitFor({ timeout: STEP_TIMEOUT });
  return row;
}

describe("a person who verified once", () => {
  it("only gives consent on a second project's link: no second identity check, the same attestation", async () => {
    const { page } = person;
    const before = await tenant.attestation(subject);
    const sessionCalls: string[] = [];
    page.on("request", (request) => {
      if (/\/v1\/sessions/.test(request.url())) sessionCalls.push(`${request.method()} ${request.url()}`);
    });

    await page.goto(`${stack.appUrl}/verify/${second.slug}`);
    await atStep(page, "submitting");
    // It says what happens: consent only, nothing recorded again.
    await page.getByRole("heading", { name: "Give this project your consent" }).waitFor();
    await person.screen("second-project-consent");
    const steps = await page.getByRole("complementary", { name: "Steps" }).innerText();
    expect(steps).not.toMatch(/Identity check/);
    await expect(page.getByText(/You are already verified/).textContent()).resolves.toContain(second.slug);
    await page.getByRole("button", { name: `Give consent to ${second.slug}` }).click();
    await atStep(page, "verified");
    await person.screen("second-project-verified");
    expect(await page.locator(".facts").innerText()).toMatch(new RegExp(`Consent given to\\s+${second.slug}`));

    expect(await tenant.isVerifiedFor(subject, before.level, second.projectId)).toBe(true);
    expect(await tenant.isVerifiedFor(subject, before.level, BigInt(stack.demo.projectId))).toBe(true);
    // The same attestation: nothing was verified or recorded again, and no session was opened.
    expect((await tenant.attestation(subject)).uid).toBe(before.uid);
    expect(sessionCalls).toEqual([]);
  });

  it("withdraws consent on the account page: the project's check turns false and its webhook fires", async () => {
    const { page } = person;
    const demoId = BigInt(stack.demo.projectId);
    const { level } = await tenant.attestation(subject);
    expect(await tenant.isVerifiedFor(subject, level, demoId)).toBe(true);
    const receiver: Receiver = await tenant.webhooks(demoId);
    try {
      await page.goto(`${stack.appUrl}/account`);
      await consentRow(stack.demo.slug, "Given");
      await consentRow(second.slug, "Given");
      await person.screen("account");

      await page.getByRole("button", { name: `Withdraw consent from ${stack.demo.slug}` }).click();
      await consentRow(stack.demo.slug, "Withdrawn");
      await person.screen("account-consent-withdrawn");

      expect(await tenant.isVerifiedFor(subject, level, demoId)).toBe(false);
      // Only that project: the other consent holds.
      expect(await tenant.isVerifiedFor(subject, level, second.projectId)).toBe(true);
      const revoked = await waitFor(
        "the demo project's consent.revoked webhook",
        async () =>
          receiver.received
            .map((r) => JSON.parse(r.body) as { type: string; data: { subject?: string; projectId?: string } })
            .find((event) => event.type === "consent.revoked" && event.data.subject === subject.toLowerCase()),
        30_000,
      );
      expect(revoked?.data.projectId).toBe(stack.demo.projectId);
    } finally {
      await receiver.close();
    }
  });

  it("opens the person's own record in the browser: downloaded, checked and decrypted there", async () => {
    const { page } = person;
    await page.goto(`${stack.appUrl}/account`);
    await page.getByRole("button", { name: "View my record" }).click();
    const record = page.getByTestId("record");
    await record.waitFor({ timeout: STEP_TIMEOUT });
    expect(await record.innerText()).toContain(CANARY);
    await person.screen("record-opened");
  });

  it("erases the record after a confirmation that says what erasure means: a reader can no longer decrypt", async () => {
    const { page } = person;
    const reader = await tenant.addReader(second.projectId);
    // While consent and attestation are live, the project's reader opens the record.
    expect(await tenant.readRecord(reader, subject)).toContain(CANARY);

    await page.goto(`${stack.appUrl}/account`);
    await consentRow(second.slug, "Given");
    await page.getByRole("button", { name: "Erase my record…" }).click();
    const dialog = page.getByRole("dialog", { name: "Erase your record for good?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Nobody can decrypt it again[\s\S]*consent you gave is withdrawn/);
    await person.screen("erase-confirmation");
    await dialog.getByRole("button", { name: "Erase for good" }).click();
    await page.locator('[data-testid="attestation"] [data-status="erased"]').waitFor({ timeout: STEP_TIMEOUT });
    await person.screen("erased");
    // The way forward after erasure, and no validity date for a record nobody can open.
    await page.getByText(/To verify again, open the verify link/).waitFor();
    expect(await page.getByTestId("attestation").innerText()).not.toMatch(/Valid until/);

    const { level } = await tenant.attestation(subject);
    expect(await tenant.isVerifiedFor(subject, level, second.projectId)).toBe(false);
    await expect(tenant.readRecord(reader, subject)).rejects.toThrow();
  });
});
