/**
 * Debian's Chromium driven by playwright-core for the kiosk tests and bench (never a downloaded
 * browser), with helpers the screen tests share: theme and language switches, screenshots, and
 * axe-core checks injected from node_modules.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

const root = join(import.meta.dirname, "../..");
export const screenshotDir = join(root, "test-artifacts/screenshots");
export const docsScreenshotDir = join(root, "docs/screenshots");

export const chromiumPath = "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** The car's 10-inch screen, landscape. */
export const carViewport = { width: 1280, height: 800 };

export type ThemeName = "day" | "night";
const themeLabels = {
  fr: { day: "Thème jour", night: "Thème nuit" },
  en: { day: "Day theme", night: "Night theme" },
} as const;

export async function currentLang(page: Page): Promise<"fr" | "en"> {
  return (await page.evaluate(() => document.documentElement.lang)) === "en" ? "en" : "fr";
}

/** Clicks the language button until the screen speaks `lang`. */
export async function setLang(page: Page, lang: "fr" | "en"): Promise<void> {
  if ((await currentLang(page)) === lang) return;
  await page
    .getByRole("button", {
      name: lang === "en" ? "Passer l'écran en anglais" : "Switch the screen to French",
    })
    .click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, lang);
}

/** Clicks the theme button (auto → day → night) until `theme` is chosen by hand. */
export async function setTheme(page: Page, theme: ThemeName): Promise<void> {
  const lang = await currentLang(page);
  const button = page.getByTestId("theme-button");
  for (let i = 0; i < 3 && (await button.textContent()) !== themeLabels[lang][theme]; i++)
    await button.click();
  await page.waitForFunction((wanted) => document.documentElement.dataset.theme === wanted, theme);
}

/**
 * Saves test-artifacts/screenshots/<name>.png. With `docs`, and SOSM_DOCS_SCREENSHOTS=1 in the
 * environment, also copies it to docs/screenshots: only on purpose, so that an ordinary test run
 * does not rewrite committed images (their clock differs at every run).
 */
export async function screenshot(page: Page, name: string, docs = false): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  if (docs && process.env.SOSM_DOCS_SCREENSHOTS === "1") {
    mkdirSync(docsScreenshotDir, { recursive: true });
    copyFileSync(path, join(docsScreenshotDir, `${name}.png`));
  }
  return path;
}

export interface AxeViolation {
  id: string;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core's contrast and target-size rules on the page as it is. The script is evaluated
 * through the DevTools protocol, which the page's CSP (script-src 'self') does not apply to.
 */
export async function axeViolations(
  page: Page,
  rules = ["color-contrast", "target-size"],
): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async (values) => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "rule", values },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
      })),
    }));
  }, rules);
}
