/// <reference lib="dom" />
// page.evaluate() callbacks run in the page, so these files also see the DOM types.
/**
 * Headless Chromium for the browser tests: Debian's own build (playwright-core never downloads
 * one), a fresh profile per launch, and a record of what each page logs and requests so tests
 * can assert "no console errors" and "no network".
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh user-data-dir.
 * @throws Error saying how to install Chromium when it is missing (the tests never skip)
 */
export async function launch(options: { width?: number; height?: number } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run scripts/bootstrap.sh (installs Debian's chromium), or set CHROMIUM_PATH`,
    );
  }
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(path.join(tmpdir(), 'llmmon-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
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

/** Waits for the dashboard's first complete render (`<html data-rendered>`). */
export async function rendered(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.rendered === 'true', null, { timeout });
}

/** Saves a full-page screenshot under test/artifacts/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
