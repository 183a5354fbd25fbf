import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetricsFormatError } from '@llmmon/core/schema';
import { originalRecord, syntheticMetrics } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_ELEMENT_ID, decodeEnvelope } from '../model/embed.js';
import { createDashboard, dashboardPathFor } from './create-dashboard.js';
import { renderDashboardHtml, STATIC_CSP } from './html.js';

/** The data block's JSON text, as the browser reads it (textContent of the element). */
function dataBlock(html: string): string {
  const open = `<script id="${DATA_ELEMENT_ID}" type="application/json">`;
  const start = html.lastIndexOf(open) + open.length;
  return html.slice(start, html.indexOf('</script>', start));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-dash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createDashboard', () => {
  it('writes <name>_dashboard.html beside the metrics file and returns its file:// URL', async () => {
    const file = path.join(dir, 'metrics_20240501_120000.json');
    const metrics = syntheticMetrics({ operations: 20 });
    await writeFile(file, JSON.stringify(metrics));
    const out = await createDashboard(file);
    expect(out.path).toBe(path.join(dir, 'metrics_20240501_120000_dashboard.html'));
    expect(out.url).toBe(pathToFileURL(out.path).href);
    const html = await readFile(out.path, 'utf8');
    expect(await decodeEnvelope(JSON.parse(dataBlock(html)))).toEqual(metrics);
    expect(html).toContain(`content="${STATIC_CSP}"`);
    expect(html).toContain('<title>synthetic · llmmon</title>');
    // One file: no script or stylesheet is loaded from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
  });

  it('writes where `out` says', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, JSON.stringify(syntheticMetrics({ operations: 2 })));
    const out = await createDashboard(file, { out: path.join(dir, 'x.html') });
    expect(out.path).toBe(path.join(dir, 'x.html'));
  });

  it('accepts the original monitor’s files, named after the file', async () => {
    const file = path.join(dir, 'metrics_old.json');
    const record = originalRecord();
    await writeFile(file, JSON.stringify({ metrics: [record, record] }));
    const html = await readFile((await createDashboard(file)).path, 'utf8');
    const data = await decodeEnvelope(JSON.parse(dataBlock(html)));
    expect(data.operations).toHaveLength(2);
    expect(data.run.name).toBe('metrics_old.json');
  });

  it('escapes text that could end the data block, and keeps "$&" as it is', () => {
    const metrics = syntheticMetrics({ operations: 3 });
    metrics.run.name = '</script><script>alert(1)</script> $& $1';
    metrics.operations[0]!.model_name = '<!-- </SCRIPT -->';
    const html = renderDashboardHtml(metrics);
    const block = dataBlock(html);
    expect(block).not.toMatch(/<|>/);
    const envelope = JSON.parse(block);
    expect(envelope.data.run.name).toBe(metrics.run.name);
    expect(envelope.data.operations[0].model_name).toBe('<!-- </SCRIPT -->');
    expect(html).toContain(
      '<title>&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62; $&#38; $1 · llmmon</title>',
    );
  });

  it('fails with one line naming the file and the problem', async () => {
    await expect(createDashboard(path.join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read metrics file \(no such file\)$/,
    );
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"format": "llmmon.metrics/1", ');
    await expect(createDashboard(bad)).rejects.toThrow(/bad\.json: not valid JSON \(/);
    const wrong = path.join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify([{ model_name: 'x' }]));
    const err = await createDashboard(wrong).catch((e: Error) => e);
    expect(err).toBeInstanceOf(MetricsFormatError);
    expect((err as Error).message).toMatch(/^.*wrong\.json: \[0\]\.timestamp: /);
    expect((err as Error).message).not.toContain('\n');
  });

  it('names the output after the metrics file', () => {
    expect(dashboardPathFor('/x/metrics_20240501_120000.json')).toBe(
      '/x/metrics_20240501_120000_dashboard.html',
    );
  });
});
