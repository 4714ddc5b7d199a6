/**
 * A person's browser for the e2e suite: Debian's Chromium through playwright-core (as the web
 * tests launch it), loopback only, one fresh context per person (so a fresh browser wallet).
 * `screen(name)` is called on every screen a test passes: it checks the page with axe-core (no
 * serious or critical violation) and saves a screenshot.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { assertChromiumInstalled, chromiumArgs, chromiumPath, isLoopbackUrl } from "../../test/support/chromium.js";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const screensDir = join(here, "..", ".screens");
const docsDir = join(here, "..", "..", "..", "docs", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Every screen checked so far (file names, in order). */
  screens: string[];
  /** Checks the screen (axe) and saves a screenshot; `docs` also refreshes docs/screenshots/<docs>.png. */
  screen(name: string, options?: { docs?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function newPerson(browser: Browser, suite: string, who = "person"): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 }, deviceScaleFactor: 1 });
  await context.route("**/*", (route) => (isLoopbackUrl(route.request().url()) ? route.continue() : route.abort()));
  const page = await context.newPage();
  const dir = join(screensDir, suite);
  mkdirSync(dir, { recursive: true });
  const screens: string[] = [];
  return {
    context,
    page,
    screens,
    async screen(name, options = {}) {
      await page.waitForLoadState("domcontentloaded");
      // No caret or animation in the pictures; nothing else changes.
      await page.addStyleTag({ content: "*{caret-color:transparent!important;animation:none!important}" });
      const hasAxe = await page.evaluate(() => "axe" in window);
      // Evaluated through the DevTools protocol, not as an inline <script>: a provider's page
      // forbids inline scripts in its Content-Security-Policy, and that policy stays in force.
      if (!hasAxe) await page.evaluate(axeSource);
      const violations = (await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: unknown[] }> } }
        ).axe;
        return (await axe.run(document, { resultTypes: ["violations"] })).violations;
      })) as AxeViolation[];
      const file = join(dir, `${String(screens.length + 1).padStart(2, "0")}-${who}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      screens.push(file);
      if (options.docs && process.env.ONEKEY_UPDATE_DOCS_SCREENSHOTS === "1") {
        mkdirSync(docsDir, { recursive: true });
        copyFileSync(file, join(docsDir, `${options.docs}.png`));
      }
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      if (serious.length > 0) {
        const detail = serious.map(
          (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
        );
        throw new Error(`axe found serious accessibility violations on "${name}":\n${detail.join("\n")}`);
      }
    },
    close: () => context.close(),
  };
}
