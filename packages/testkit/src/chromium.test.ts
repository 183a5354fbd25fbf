import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium, waitForRender } from './chromium.js';

describe('launchChromium', () => {
  it('says how to get Chromium when the binary is missing', async () => {
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      "Chromium not found at /nonexistent/chromium: run scripts/bootstrap.sh (installs Debian's chromium), or set CHROMIUM_PATH",
    );
  });

  it('opens pages in a fresh profile, waits for the render mark, and removes the profile', async () => {
    const browser = await launchChromium({ viewport: { width: 640, height: 480 } });
    expect(path.dirname(browser.profileDir)).toBe(tmpdir());
    expect(readdirSync(browser.profileDir).length).toBeGreaterThan(0); // Chromium's own files
    try {
      const page = await browser.context.newPage();
      expect(page.viewportSize()).toEqual({ width: 640, height: 480 });
      await page.setContent('<p>drawing</p>');
      const waited = waitForRender(page, 10_000);
      await page.evaluate('setTimeout(() => { document.documentElement.dataset.rendered = "true"; }, 50)');
      await waited;
      expect(await page.getAttribute('html', 'data-rendered')).toBe('true');
    } finally {
      await browser.close();
    }
    expect(existsSync(browser.profileDir)).toBe(false);
  });
});
