/**
 * A byte-level SentencePiece-style vocabulary (`tokenizer.ggml.model = "llama"`) for generated
 * models: `<unk>`, `<s>`, `</s>`, the 256 byte tokens `<0x00>`…`<0xFF>` (llama.cpp aborts
 * without them: it maps unknown characters and `\n` to them), then normal pieces — the word
 * boundary `▁`, printable ASCII, common English words with every prefix (SentencePiece merges
 * pairs, so a word is reachable only through its prefixes), then letter combinations as filler.
 * Any text tokenizes; English comes out at roughly 2–3 characters per token.
 */

/** llama.cpp `llama_token_type` codes (`tokenizer.ggml.token_type`). */
export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
/** Ids below this are special or byte tokens: their output rows are zeroed (never generated). */
export const FIRST_NORMAL_ID = 3 + 256;
/** Smallest vocabulary: the three special tokens and the 256 byte tokens, plus `▁`. */
export const MIN_VOCAB_SIZE = FIRST_NORMAL_ID + 1;

const SPACE = '\u2581'; // ▁, SentencePiece's word-boundary mark

const WORDS = `the of and to in is that for it as was with be by on not he this are or his from at which
but have an they you were her she there been one all we their has would when if so no will more can
who out up about into than them some could time only other new these may like then do first any my
now such our over most also after me made many did before must through back years where much your
way well down should because each just those people how too little state good very make world still
own see men work long get here between both life being under never day same another know while last
might us great old year off come since against go came right used take three model token tokens text
data memory speed run test fast slow cpu thread write read file small large number value first second
measure bench load generate prompt answer question system language machine learning compute`
  .split(/\s+/)
  .filter(Boolean);

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
}

/** Printable ASCII except space (space is `▁`). */
function printableAscii(): string[] {
  const out: string[] = [];
  for (let c = 0x21; c <= 0x7e; c++) out.push(String.fromCharCode(c));
  return out;
}

/** Lower-case letter strings of length 1, 2, … in order, each with and without `▁` first. */
function* filler(): Generator<string> {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let len = 1; ; len++) {
    const total = letters.length ** len;
    for (let n = 0; n < total; n++) {
      let s = '';
      let k = n;
      for (let i = 0; i < len; i++) {
        s = letters[k % letters.length] + s;
        k = Math.floor(k / letters.length);
      }
      yield SPACE + s;
      yield s;
    }
  }
}

/**
 * The first `size` tokens of the generated vocabulary. Scores rank normal pieces by id (earlier =
 * preferred when SentencePiece chooses which pair to merge).
 *
 * @example
 * buildVocabulary(512).tokens.slice(0, 4); // ['<unk>', '<s>', '</s>', '<0x00>']
 */
export function buildVocabulary(size: number): Vocabulary {
  if (!Number.isInteger(size) || size < MIN_VOCAB_SIZE) {
    throw new RangeError(`vocabulary size must be an integer ≥ ${MIN_VOCAB_SIZE}, got ${size}`);
  }
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.BYTE);
  }
  const seen = new Set(tokens);
  const add = (piece: string) => {
    if (tokens.length >= size || seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(TokenType.NORMAL);
  };
  add(SPACE);
  for (const c of printableAscii()) add(c);
  for (const word of WORDS) {
    const piece = SPACE + word;
    for (let i = 2; i <= piece.length; i++) add(piece.slice(0, i));
  }
  if (tokens.length < size) {
    for (const piece of filler()) {
      add(piece);
      if (tokens.length >= size) break;
    }
  }
  const scores = tokens.map((_, id) => (id < FIRST_NORMAL_ID ? 0 : -(id - FIRST_NORMAL_ID)));
  return { tokens, scores, types };
}
