import path from 'node:path';
import type { Page } from 'playwright-core';
import { withScreenshotsIn } from '@app/testing';

export { CHROMIUM_PATH, launchChromium, openWindow, signInAs, tabTo } from '@app/testing';

/** Where a failing step leaves its screenshot (git-ignored). */
export const SCREENSHOT_DIR = path.resolve('.data/test-screenshots/storage-pages');

/** Runs a step; when it fails, saves a screenshot of every page given, named after the step. */
export function withScreenshots<T>(name: string, pages: Page[], step: () => Promise<T>): Promise<T> {
  return withScreenshotsIn(SCREENSHOT_DIR, name, pages, step);
}
