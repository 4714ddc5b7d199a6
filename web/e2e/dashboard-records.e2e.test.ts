/**
 * A project's reader opens a consenting person's record from the dashboard: a person verifies
 * through the demo project's link (so consents to it), a reader takes the reader role on the
 * chain, signs in to the dashboard with its wallet and opens the record on the Users screen. The
 * record is decrypted in the reader's browser; the project's audit log names the reader, the
 * person and the attestation.
 */
import { waitFor } from "@onekey/devnet/processes";
import { ApiClient } from "@onekey/indexer/harness/api";
import type { Address } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newPerson, type Person } from "./support/browser.js";
import { injectWallet, signInToDashboard } from "./support/injected-wallet.js";
import { subjectOf, verifyByMouse } from "./support/person.js";
import { Tenant } from "./support/tenant.js";

const stack = inject("stack");
const tenant = new Tenant(stack);
const CANARY = "Canary-R7Q2";
const TIMEOUT = 45_000;
const projectId = BigInt(stack.demo.projectId);

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let subject: Address;
let reader: PrivateKeyAccount;
let readerPerson: Person;

beforeAll(async () => {
  browser = await launchBrowser();
  const person = await newPerson(browser, "dashboard-records", "person");
  await verifyByMouse(person, stack.verifyUrl, { firstName: "Ada", lastName: CANARY }, stack.appUrl);
  subject = await subjectOf(person.page);
  await person.context.close();
  reader = (await tenant.addReader(projectId)) as PrivateKeyAccount;
  readerPerson = await newPerson(browser, "dashboard-records", "reader");
  await injectWallet(readerPerson.page, reader, stack);
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe("a reader opens a consenting person's record in the dashboard", () => {
  it("decrypts the record in the reader's browser, after the opening is in the project's audit log", async () => {
    const { page } = readerPerson;
    await signInToDashboard(page, stack);
    await page.getByLabel("Project").selectOption(projectId.toString());
    await page.getByRole("link", { name: "Users" }).click();
    const row = page.locator(`tr[data-subject="${subject.toLowerCase()}"]`);
    // The person's consent reaches the indexer a moment after the verify page said "verified".
    await waitFor(
      "the person's row",
      async () => {
        if (await row.isVisible()) return true;
        await page.reload();
        await page.getByRole("heading", { name: "Users", level: 1 }).waitFor({ timeout: TIMEOUT });
        return false;
      },
      TIMEOUT,
    );
    await readerPerson.screen("users-reader", { docs: "dashboard-10-users-reader" });

    const record = await (async () => {
      await row.getByRole("button", { name: "Open record" }).click();
      const shown = row.getByTestId("record");
      await shown.or(row.getByRole("alert")).first().waitFor({ timeout: TIMEOUT });
      if (!(await shown.isVisible())) {
        throw new Error(`opening failed: ${((await row.getByRole("alert").textContent()) ?? "").replace(/\s+/g, " ")}`);
      }
      return (await shown.textContent()) ?? "";
    })();
    expect(record).toContain(CANARY);
    await readerPerson.screen("record-open", { docs: "dashboard-11-record-open" });
    // Closing drops the plaintext from the page; the button comes back.
    await row.getByRole("button", { name: "Close the record" }).click();
    await row.getByTestId("record").waitFor({ state: "detached", timeout: TIMEOUT });
    expect(await row.getByRole("button", { name: "Open record" }).isVisible()).toBe(true);

    // The project's admin reads who opened whose record, and when.
    const api = new ApiClient(stack.indexerUrl);
    const session = await api.login(tenant.owner);
    const log = await api.get<{
      data: { actor: string; action: string; target: string; result: string; detail: { uid?: string } }[];
    }>(`/v1/admin/projects/${projectId}/audit-log?action=record.open&actor=${reader.address}`, session);
    expect(log.status).toBe(200);
    const attestation = await tenant.attestation(subject);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({
      actor: reader.address.toLowerCase(),
      action: "record.open",
      target: subject.toLowerCase(),
      result: "ok",
    });
    expect(log.body.data[0]?.detail.uid?.toLowerCase()).toBe(attestation.uid.toLowerCase());
  });
});
