/**
 * `pnpm --filter @llmmon/dashboard screenshot`: the README's picture (docs/img/dashboard.png), the
 * static dashboard of a seeded synthetic run at 1280 px, cropped to the findings, statistics and
 * per-model charts. Needs Debian's Chromium, like the browser tests.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDashboard } from '@llmmon/dashboard';
import { syntheticMetrics } from '@llmmon/testkit';
import { launchChromium, waitForRender } from '@llmmon/testkit/chromium';

const OUT = fileURLToPath(new URL('../../../../docs/img/dashboard.png', import.meta.url));
const dir = await mkdtemp(path.join(tmpdir(), 'llmmon-shot-'));
const file = path.join(dir, 'metrics_20240501_120000.json');
await writeFile(file, JSON.stringify(syntheticMetrics({ operations: 240, errorRate: 0.02 })));
const { url } = await createDashboard(file);
const browser = await launchChromium({ viewport: { width: 1280, height: 1500 } });
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  await waitForRender(page);
  await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: 1280, height: 1500 } });
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(`${OUT}: ${(await stat(OUT)).size} bytes`);
