import { describe, expect, it } from 'vitest';
import {
  BOS_ID,
  buildVocabulary,
  EOS_ID,
  FIRST_NORMAL_ID,
  MIN_VOCAB_SIZE,
  TokenType,
  UNK_ID,
} from './vocab.js';

describe('buildVocabulary', () => {
  it('starts with the special tokens and all 256 byte tokens', () => {
    const v = buildVocabulary(MIN_VOCAB_SIZE);
    expect(v.tokens).toHaveLength(MIN_VOCAB_SIZE);
    expect([v.tokens[UNK_ID], v.tokens[BOS_ID], v.tokens[EOS_ID]]).toEqual(['<unk>', '<s>', '</s>']);
    for (let b = 0; b < 256; b++) {
      expect(v.tokens[3 + b]).toBe(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      expect(v.types[3 + b]).toBe(TokenType.BYTE);
    }
    expect(v.tokens[FIRST_NORMAL_ID]).toBe('\u2581');
  });

  it('has unique tokens at every size and prefix-closed word pieces', () => {
    for (const size of [260, 512, 1000, 5000]) {
      const v = buildVocabulary(size);
      expect(v.tokens).toHaveLength(size);
      expect(v.scores).toHaveLength(size);
      expect(v.types).toHaveLength(size);
      expect(new Set(v.tokens).size).toBe(size);
      const set = new Set(v.tokens);
      for (const t of v.tokens.slice(FIRST_NORMAL_ID)) {
        // Every multi-character piece is reachable by merging: its prefix is a token too.
        if ([...t].length > 1) expect(set.has(t.slice(0, -1))).toBe(true);
      }
    }
  });

  it('rejects a size without room for the byte tokens', () => {
    expect(() => buildVocabulary(200)).toThrow(/≥ 260/);
  });
});
