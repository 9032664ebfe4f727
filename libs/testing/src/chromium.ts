// Pages in a real browser for specs: Debian's Chromium through playwright-core, shared by the apps'
// browser specs (storage-gateway, ella-ops).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (scripts/system-peers.json); CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium, headless, or why it cannot be launched: the only reason the browser specs are skipped.
 * Playwright gives each launch a fresh, temporary profile directory.
 */
export async function launchChromium(): Promise<{ browser: Browser } | { reason: string }> {
  try {
    // Loaded here, not at import: every spec imports this library, few launch a browser.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    return { browser };
  } catch (error) {
    return {
      reason: `Chromium cannot be launched from ${CHROMIUM_PATH}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

/** A person's own browser window: its own cookies, JavaScript on or off. */
export async function openWindow(
  browser: Browser,
  options: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? true });
  // Shorter than a test's own time limit, so that a step that fails says which, with its screenshot.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the real OIDC provider's page, choosing one of its demo people. */
export async function signInAs(page: Page, baseUrl: string, person: string): Promise<void> {
  await page.goto(`${baseUrl}/auth/login?returnTo=%2F`);
  await page.click(`button[name="person"][value="${person}"]`);
  await page.waitForURL(`${baseUrl}/`);
}

/**
 * Runs a step; when it fails, saves a screenshot of every page given into `dir` (an app's folder
 * under the git-ignored .data/test-screenshots), named after the step.
 */
export async function withScreenshotsIn<T>(
  dir: string,
  name: string,
  pages: Page[],
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await mkdir(dir, { recursive: true });
    const safe = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await Promise.all(
      pages.map((p, i) =>
        p.screenshot({ path: path.join(dir, `${safe}-${i}.png`), fullPage: true }).catch(() => undefined),
      ),
    );
    throw error;
  }
}

/** Presses Tab until `selector` has the focus (at most `limit` times): the page is usable by keyboard alone. */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const there = await page
      .locator(selector)
      .evaluateAll((els: unknown[]) =>
        els.some(
          (el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
        ),
      );
    if (there) return;
  }
  throw new Error(`${selector} was not reached with ${limit} presses of Tab`);
}
