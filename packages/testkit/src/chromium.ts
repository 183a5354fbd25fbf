/**
 * `@llmmon/testkit/chromium`: headless Chromium for the browser tests, the dashboard's render
 * measurements and its screenshot, launched one way: Debian's own build (playwright-core never
 * downloads one), the flags that keep it quiet and offline in a container, and a fresh profile
 * per launch so no cache or storage carries over from an earlier page.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The Chromium binary: `$CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * No sandbox (containers run as root), no GPU, no /dev/shm (small in containers), and nothing
 * that reaches the network on its own (QUIC, background updates, component updates, sync).
 */
export const CHROMIUM_ARGS: readonly string[] = [
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

export interface LaunchOptions {
  /** Default `CHROMIUM_PATH`. */
  executablePath?: string;
  /** Default 1280 × 900. */
  viewport?: { width: number; height: number };
  /** Let pages download files (the dashboard's CSV export). Default false. */
  acceptDownloads?: boolean;
}

export interface Chromium {
  context: BrowserContext;
  /** The fresh user-data-dir of this launch. */
  profileDir: string;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh user-data-dir.
 * @throws Error saying how to install Chromium when it is missing (nothing skips silently)
 * @example
 * const browser = await launchChromium();
 * const page = await browser.context.newPage();
 * await page.goto(url);
 * await waitForRender(page);
 * await browser.close();
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Chromium> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: run scripts/bootstrap.sh (installs Debian's chromium), or set CHROMIUM_PATH`,
    );
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'llmmon-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: [...CHROMIUM_ARGS],
      acceptDownloads: options.acceptDownloads ?? false,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    profileDir: profile,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits for the dashboard's first complete render: the app sets `<html data-rendered="true">`
 * (with the `llmmon:rendered` performance mark) once every view is mounted and drawn.
 */
export async function waitForRender(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('html[data-rendered="true"]', { state: 'attached', timeout });
}
