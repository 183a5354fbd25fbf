import { syntheticMetrics } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../lib/html.js';
import { decodeEnvelope, EMBED_FORMAT, escapeJsonForHtml, INLINE_JSON_LIMIT } from './embed.js';

describe('escapeJsonForHtml', () => {
  const nasty = {
    name: '</script><script>alert(1)</script>',
    c: '<!-- x -->',
    amp: 'a&b',
    ls: 'a\u2028b\u2029c',
  };

  it('leaves no character that can end or disturb an HTML script element', () => {
    const out = escapeJsonForHtml(JSON.stringify(nasty));
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain('\\u003c/script\\u003e');
  });

  it('is still the same JSON value', () => {
    expect(JSON.parse(escapeJsonForHtml(JSON.stringify(nasty)))).toEqual(nasty);
  });
});

describe('data envelope', () => {
  it('embeds small runs as plain JSON and reads them back', async () => {
    const file = syntheticMetrics({ operations: 5 });
    const env = JSON.parse(encodeEnvelope(file));
    expect(env).toMatchObject({ format: EMBED_FORMAT, encoding: 'json' });
    expect(await decodeEnvelope(env)).toEqual(file);
  });

  it('packs large runs in gzipped columns and reads them back exactly (DecompressionStream)', async () => {
    const file = syntheticMetrics({ operations: 400 });
    expect(JSON.stringify(file).length).toBeGreaterThan(INLINE_JSON_LIMIT);
    const text = encodeEnvelope(file);
    const env = JSON.parse(text);
    expect(env.encoding).toBe('packed');
    expect(text.length).toBeLessThan(JSON.stringify(file).length / 3);
    expect(JSON.parse(JSON.stringify(await decodeEnvelope(env)))).toEqual(file);
  });

  it('names what is wrong with a foreign block', async () => {
    await expect(decodeEnvelope({ format: 'x' })).rejects.toThrow(
      /expected format "llmmon.dashboard-data\/1", got "x"/,
    );
    await expect(decodeEnvelope({ format: EMBED_FORMAT, encoding: 'zip' })).rejects.toThrow(
      /unknown encoding "zip"/,
    );
  });
});
