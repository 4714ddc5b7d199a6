/**
 * A reload in the middle of the upload: the encrypted record's upload is held in flight (the
 * storage node never answers), the person reloads, and the page continues from the queued upload
 * by itself, without asking the provider or the issuer for the result again.
 */
import type { Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser.js";
import { atStep, completeSandboxFlow, startVerification, subjectOf } from "./support/person.js";
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

describe("a reload during the upload", () => {
  it("resumes the queued upload and goes on to verified", async () => {
    const person = await newPerson(browser, "resume");
    const { page } = person;
    // Uploads to the storage node are held (never answered) until the reload.
    const held: Route[] = [];
    let holding = true;
    await page.route(`${stack.storageBundlerUrl}/**`, (route) => {
      if (holding && route.request().method() === "POST") held.push(route);
      else void route.fallback();
    });
    const resultPulls: string[] = [];
    page.on("request", (request) => {
      if (/\/v1\/sessions\/[^/]+\/result$/.test(request.url())) resultPulls.push(request.url());
    });

    await startVerification(person, stack.verifyUrl);
    await completeSandboxFlow(person, { firstName: "Ada", lastName: "Reload" }, { appUrl: stack.appUrl });
    await atStep(page, "uploading");
    await expect.poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);
    await person.screen("uploading");

    // The person reloads while the upload hangs; from now on the storage node answers.
    holding = false;
    await page.reload();
    for (const route of held) await route.abort().catch(() => undefined);
    await person.screen("uploading-after-reload");
    await atStep(page, "submitting");
    await page.getByRole("button", { name: /Record and give consent to/ }).click();
    await atStep(page, "verified");

    // The result was pulled once, before the reload; the record on chain is the one uploaded.
    expect(resultPulls).toHaveLength(1);
    const subject = await subjectOf(page);
    const { storageId, level } = await tenant.attestation(subject);
    const stored = await fetch(
      `${stack.storageBundlerUrl}/${Buffer.from(storageId.slice(2), "hex").toString("base64url")}`,
    );
    expect(stored.ok).toBe(true);
    expect(await tenant.isVerifiedFor(subject, level, BigInt(stack.demo.projectId))).toBe(true);
    await person.close();
  });
});
