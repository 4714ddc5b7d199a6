/**
 * What a person does in the dApp and on the sandbox provider's hosted page, by mouse or by
 * keyboard alone. Steps are read from the page's `data-step` (the state machine's step names).
 */
import type { Page } from "playwright-core";
import type { Person } from "./browser.js";

export interface Identity {
  firstName: string;
  lastName: string;
  documentNumber?: string;
}

export const STEP_TIMEOUT = 60_000;

export async function atStep(page: Page, step: string, timeout = STEP_TIMEOUT): Promise<void> {
  try {
    await page.locator(`[data-step="${step}"]`).waitFor({ timeout });
  } catch (error) {
    throw new Error(`the flow did not reach "${step}": ${await whereIs(page)}`, { cause: error });
  }
}

/** Where the flow stands, for a failed wait: its step, its failure and the alert's words. */
async function whereIs(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const flow = document.querySelector("[data-step]");
      const alert = document.querySelector('[role="alert"]') as HTMLElement | null;
      return `${location.pathname} at step "${flow?.getAttribute("data-step") ?? "?"}", failure "${flow?.getAttribute("data-failure") ?? ""}"${alert ? `: ${alert.innerText.replace(/\s+/g, " ")}` : ""}`;
    })
    .catch((error: unknown) => `(page unreadable: ${String(error)})`);
}

/** Waits for the flow to stop at a failure with this error-table code. */
export async function atFailure(page: Page, code: string, timeout = STEP_TIMEOUT): Promise<void> {
  await page.locator(`[data-error-code="${code}"]`).waitFor({ timeout });
}

/** Tabs (forward) until the focused element's accessible text matches, then presses Enter. */
export async function pressByKeyboard(page: Page, name: RegExp, maxTabs = 40): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.getAttribute("aria-label") ?? ""} ${el.innerText ?? ""}`.trim() : "";
    });
    if (name.test(focused)) {
      await page.keyboard.press("Enter");
      return;
    }
  }
  throw new Error(`no focusable element matching ${name} within ${maxTabs} tabs`);
}

export async function click(page: Page, name: RegExp, keyboard: boolean): Promise<void> {
  if (keyboard) await pressByKeyboard(page, name);
  else await page.getByRole("button", { name }).first().click();
}

/** The sandbox's hosted flow: the document form, then the simulated selfie; ends back in the app. */
export async function completeSandboxFlow(
  person: Person,
  who: Identity,
  options: { keyboard?: boolean; appUrl: string },
) {
  const { page } = person;
  await page.getByRole("heading", { name: "Your identity document" }).waitFor({ timeout: STEP_TIMEOUT });
  await person.screen("provider-document");
  const fields: [string, string][] = [
    ["First name", who.firstName],
    ["Last name", who.lastName],
    ["Date of birth", "1990-04-27"],
    ["Country that issued the document", "DE"],
    ["Document number", who.documentNumber ?? "C01X00T47"],
  ];
  if (options.keyboard) {
    // Tab through the form in its own order, typing as a keyboard user does.
    await page.keyboard.press("Tab");
    for (const [label, value] of fields) {
      const field = page.getByLabel(label, { exact: false }).first();
      while (!(await field.evaluate((el) => el === document.activeElement))) await page.keyboard.press("Tab");
      if (label === "Date of birth") await page.keyboard.type("04271990");
      else await page.keyboard.type(value);
      if (label === "Country that issued the document") {
        await page.keyboard.press("Tab");
        await page.keyboard.press("ArrowDown"); // the select's first real option: Passport
      }
    }
    await page.keyboard.press("Enter");
  } else {
    for (const [label, value] of fields) await page.getByLabel(label, { exact: false }).first().fill(value);
    await page.getByLabel("Document type").selectOption("PASSPORT");
    await page.getByRole("button", { name: /Continue to selfie|Submit for review/ }).click();
  }
  const selfie = page.getByRole("heading", { name: "Take a selfie" });
  await Promise.race([
    selfie.waitFor({ timeout: STEP_TIMEOUT }),
    page.waitForURL(`${options.appUrl}/**`, { timeout: STEP_TIMEOUT }),
  ]);
  if (await selfie.isVisible()) {
    await person.screen("provider-selfie");
    if (options.keyboard) {
      await page.keyboard.press("Tab");
      while (
        !(await page.getByLabel("I am the person on the document").evaluate((el) => el === document.activeElement))
      ) {
        await page.keyboard.press("Tab");
      }
      await page.keyboard.press("Space");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
    } else {
      await page.getByLabel("I am the person on the document").check();
      await page.getByRole("button", { name: /Take simulated selfie/ }).click();
    }
  }
  await page.waitForURL(`${options.appUrl}/**`, { timeout: STEP_TIMEOUT });
}

/** From the verify link to the provider's page: browser wallet, sign-in, session. */
export async function startVerification(
  person: Person,
  url: string,
  options: { keyboard?: boolean; shots?: boolean } = {},
) {
  const { page } = person;
  const keyboard = options.keyboard ?? false;
  await page.goto(url);
  await atStep(page, "connect");
  if (options.shots) await person.screen("connect", { docs: "1-connect" });
  await click(page, /Use the OneKey browser wallet/, keyboard);
  await atStep(page, "signIn");
  if (options.shots) await person.screen("sign-in", { docs: "2-sign-in" });
  await click(page, /Sign in with your wallet/, keyboard);
  await atStep(page, "provider");
  if (options.shots) await person.screen("provider", { docs: "3-identity-check" });
  await click(page, /Continue to the identity check/, keyboard);
}

/** The whole verify flow by mouse, with the sandbox approving: from the link to "verified". */
export async function verifyByMouse(person: Person, url: string, who: Identity, appUrl: string): Promise<void> {
  await startVerification(person, url);
  await completeSandboxFlow(person, who, { appUrl });
  await atStep(person.page, "submitting");
  await person.page.getByRole("button", { name: /Record and give consent to/ }).click();
  await atStep(person.page, "verified");
}

/** The account (subject) this browser's flow runs for, as the verify flow saved it. */
export async function subjectOf(page: Page): Promise<`0x${string}`> {
  const subject = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("onekey:verify:"))
      .map((k) => JSON.parse(localStorage.getItem(k) as string).subject as string | undefined)
      .find(Boolean),
  );
  if (!subject) throw new Error("this browser has no verify flow with a subject");
  return subject as `0x${string}`;
}
