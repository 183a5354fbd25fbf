/// <reference lib="dom" />
// page.evaluate() callbacks run in the page, so these files also see the DOM types.
/**
 * Headless Chromium for the browser tests: launched as `@llmmon/testkit/chromium` launches it
 * for every caller (Debian's build, a fresh profile), plus a record of what each page logs and
 * requests so tests can assert "no console errors" and "no network".
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Chromium, launchChromium } from '@llmmon/testkit/chromium';
import type { Page } from 'playwright-core';

export { waitForRender as rendered } from '@llmmon/testkit/chromium';

/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

export type Browser = Chromium;

/**
 * Launches Chromium with a fresh user-data-dir; pages may download (the CSV export).
 * @throws Error saying how to install Chromium when it is missing (the tests never skip)
 */
export async function launch(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return launchChromium({ acceptDownloads: true });
}

export interface Watched {
  page: Page;
  /** console.error messages and uncaught exceptions. */
  errors: string[];
  /** console.warn messages. */
  warnings: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A new page whose console messages, uncaught errors and requests are recorded. */
export async function watchedPage(browser: Browser): Promise<Watched> {
  const page = await browser.context.newPage();
  const w: Watched = { page, errors: [], warnings: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
    if (m.type() === 'warning') w.warnings.push(m.text());
  });
  page.on('pageerror', (e) => w.errors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

/** Saves a full-page screenshot under test/artifacts/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
